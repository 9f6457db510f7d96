import { evaluateCondition } from './conditionOperators.js';
import type { NormalizedPolicy, NormalizedStatement } from './policyDocument.js';
import { resolvePolicyValue } from './policyVariables.js';
import type { RequestContext } from './requestContext.js';
import { matchesArnPattern, matchesPattern, wildcardParts } from './wildcardPattern.js';

/** One authorization question: may the caller perform `action` on `resource` in `context`? */
export interface AuthorizationQuery {
  /** IAM action, `service:Action` (`s3:GetObject`). */
  action: string;
  /** Resource ARN (`arn:aws:s3:::bucket/key`), or `*` for actions without a resource. */
  resource: string;
  context: RequestContext;
}

/** The policy type a denial comes from, worded as AWS's AccessDenied messages word it. */
export type PolicyType = 'identity-based' | 'session' | 'resource-based';

/** Outcome of an evaluation: allowed, or why not. */
export type PolicyDecision =
  | { effect: 'allow' }
  | { effect: 'explicit-deny'; policyType: PolicyType }
  | { effect: 'implicit-deny'; policyType: PolicyType };

/** Whether a statement's `Action` / `NotAction` covers the action (case-insensitive, wildcards). */
export function matchesAction(statement: NormalizedStatement, action: string): boolean {
  const hit = (patterns: string[]) =>
    patterns.some((pattern) => matchesPattern(wildcardParts(pattern), action, true));
  if (statement.action !== undefined) return hit(statement.action);
  return !hit(statement.notAction ?? []);
}

function matchesResource(
  statement: NormalizedStatement,
  resource: string,
  context: RequestContext,
  variables: boolean,
): boolean {
  const hit = (patterns: string[]) =>
    patterns.some((pattern) => {
      const parts = resolvePolicyValue(pattern, context, variables);
      return parts !== undefined && matchesArnPattern(parts, resource);
    });
  if (statement.resource !== undefined) return hit(statement.resource);
  if (statement.notResource !== undefined) return !hit(statement.notResource);
  // Trust policies have no Resource: the role they are attached to is the resource.
  return true;
}

/** Whether every condition of a statement holds (operators and keys are AND-ed). */
export function conditionsHold(
  statement: NormalizedStatement,
  context: RequestContext,
  variables: boolean,
): boolean {
  return statement.condition.every(({ operator, key, values }) =>
    evaluateCondition(operator, key, values, context, variables),
  );
}

/** Whether a statement applies to a query (action, resource and conditions; not the principal). */
export function statementApplies(
  statement: NormalizedStatement,
  query: AuthorizationQuery,
  variables: boolean,
): boolean {
  return (
    matchesAction(statement, query.action) &&
    matchesResource(statement, query.resource, query.context, variables) &&
    conditionsHold(statement, query.context, variables)
  );
}

/** `'deny'` if an applicable statement denies, `'allow'` if one allows, else `'none'`. */
export function policySetEffect(
  policies: readonly NormalizedPolicy[],
  query: AuthorizationQuery,
): 'deny' | 'allow' | 'none' {
  let allowed = false;
  for (const policy of policies) {
    for (const statement of policy.statements) {
      if (!statementApplies(statement, query, policy.variables)) continue;
      if (statement.effect === 'Deny') return 'deny';
      allowed = true;
    }
  }
  return allowed ? 'allow' : 'none';
}

/** The policies that apply to a principal's request. */
export interface PrincipalPolicies {
  /** The role's or user's identity-based policies (inline and managed). */
  identity: readonly NormalizedPolicy[];
  /**
   * Session policies passed to STS (`Policy`, `PolicyArns`); `undefined` when the session has
   * none (then they do not limit anything).
   */
  session?: readonly NormalizedPolicy[] | undefined;
}

/**
 * AWS's policy evaluation logic for a request within one account without resource-based
 * policies: an explicit deny in any policy wins; otherwise the identity-based policies must allow,
 * and, when the session has session policies, they must allow too (the effective permissions are
 * the intersection).
 */
export function evaluatePolicies(
  policies: PrincipalPolicies,
  query: AuthorizationQuery,
): PolicyDecision {
  const identity = policySetEffect(policies.identity, query);
  const session =
    policies.session === undefined ? undefined : policySetEffect(policies.session, query);
  if (identity === 'deny') return { effect: 'explicit-deny', policyType: 'identity-based' };
  if (session === 'deny') return { effect: 'explicit-deny', policyType: 'session' };
  if (identity !== 'allow') return { effect: 'implicit-deny', policyType: 'identity-based' };
  if (session !== undefined && session !== 'allow')
    return { effect: 'implicit-deny', policyType: 'session' };
  return { effect: 'allow' };
}

/**
 * The message AWS puts in an `AccessDenied` for a policy decision, e.g. `User: <arn> is not
 * authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" because no identity-based
 * policy allows the s3:GetObject action`. S3 quotes the resource; DynamoDB and STS do not.
 */
export function accessDeniedMessage(
  principalArn: string,
  query: Pick<AuthorizationQuery, 'action' | 'resource'>,
  decision: Exclude<PolicyDecision, { effect: 'allow' }>,
  quoteResource: boolean,
): string {
  const resource = quoteResource ? `"${query.resource}"` : query.resource;
  const head = `User: ${principalArn} is not authorized to perform: ${query.action} on resource: ${resource}`;
  const article = decision.policyType === 'identity-based' ? 'an' : 'a';
  return decision.effect === 'explicit-deny'
    ? `${head} with an explicit deny in ${article} ${decision.policyType} policy`
    : `${head} because no ${decision.policyType} policy allows the ${query.action} action`;
}
