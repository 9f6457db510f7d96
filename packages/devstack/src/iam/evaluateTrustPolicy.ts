import { conditionsHold, matchesAction } from './evaluatePolicies.js';
import type { NormalizedPolicy, NormalizedPrincipal } from './policyDocument.js';
import type { RequestContext } from './requestContext.js';

/** Who is asking to assume a role, in the forms a trust policy's `Principal` may name them. */
export interface TrustCaller {
  /**
   * For AssumeRole: the caller's ARNs (user ARN; for a role session the role ARN and the
   * assumed-role session ARN) and its account id.
   */
  aws?: { arns: readonly string[]; accountId: string };
  /** For the federated actions: the OIDC or SAML provider ARN the token or assertion came from. */
  federated?: string;
}

/**
 * What a role's trust policy says about one action: `allow-principal` when a statement names the
 * caller itself (enough on its own), `allow-account` when it trusts the caller's whole account
 * (the caller's identity policies must then allow the action too), or a denial.
 */
export type TrustDecision = 'allow-principal' | 'allow-account' | 'explicit-deny' | 'implicit-deny';

type PrincipalMatch = 'principal' | 'account' | undefined;

function matchPrincipal(principal: NormalizedPrincipal, caller: TrustCaller): PrincipalMatch {
  if (principal === '*') return 'principal';
  if (caller.federated !== undefined && principal.federated.includes(caller.federated))
    return 'principal';
  const aws = caller.aws;
  if (aws === undefined) return undefined;
  let match: PrincipalMatch;
  for (const entry of principal.aws) {
    if (entry === '*' || aws.arns.includes(entry)) return 'principal';
    if (entry === aws.accountId || entry === `arn:aws:iam::${aws.accountId}:root`)
      match = 'account';
  }
  return match;
}

/**
 * Evaluates a role's trust policy (a resource-based policy) for one action (`sts:AssumeRole`,
 * `sts:AssumeRoleWithWebIdentity`, `sts:TagSession`, …). `Principal` must name the caller (or
 * `NotPrincipal` must not), `Action` / `NotAction` must cover the action and every condition must
 * hold; an applicable `Deny` wins.
 */
export function evaluateTrustPolicy(
  policy: NormalizedPolicy,
  caller: TrustCaller,
  action: string,
  context: RequestContext,
): TrustDecision {
  let decision: TrustDecision = 'implicit-deny';
  for (const statement of policy.statements) {
    let match: PrincipalMatch;
    if (statement.principal !== undefined) match = matchPrincipal(statement.principal, caller);
    else if (statement.notPrincipal !== undefined)
      match =
        matchPrincipal(statement.notPrincipal, caller) === undefined ? 'principal' : undefined;
    if (match === undefined) continue;
    if (!matchesAction(statement, action) || !conditionsHold(statement, context, policy.variables))
      continue;
    if (statement.effect === 'Deny') return 'explicit-deny';
    if (match === 'principal') decision = 'allow-principal';
    else if (decision === 'implicit-deny') decision = 'allow-account';
  }
  return decision;
}
