import type { DevstackConfig } from '../config.js';
import type { IssuedCredential, SessionClaims } from '../credentialStore.js';
import { evaluatePolicies } from '../iam/evaluatePolicies.js';
import { evaluateTrustPolicy } from '../iam/evaluateTrustPolicy.js';
import type { TrustCaller } from '../iam/evaluateTrustPolicy.js';
import { iamModelFor } from '../iam/iamModel.js';
import { parsePolicy } from '../iam/parsePolicy.js';
import { PolicyDocumentError } from '../iam/policyDocument.js';
import type { NormalizedPolicy } from '../iam/policyDocument.js';
import type { RequestContext } from '../iam/requestContext.js';
import type { SessionTagRequest } from './sessionTags.js';
import { StsError } from './stsError.js';

/** One role-assuming call, as the trust policy sees it. */
export interface TrustCheck {
  roleName: string;
  roleArn: string;
  /** `sts:AssumeRole`, `sts:AssumeRoleWithWebIdentity` or `sts:AssumeRoleWithSAML`. */
  action: string;
  caller: TrustCaller;
  /** For AssumeRole: the signing credential, whose own policies count when the trust names its account. */
  callerCredential?: IssuedCredential | undefined;
  context: RequestContext;
  /** The session gets tags: the trust policy must also allow `sts:TagSession`. */
  tagging: boolean;
  /** The session gets a source identity: `sts:SetSourceIdentity` must be allowed too. */
  settingSourceIdentity: boolean;
  /** Builds the AccessDenied for an action that is not allowed. */
  denied(action: string): StsError;
}

/**
 * Evaluates a role's trust policy for an STS call the way AWS does: the main action, plus
 * `sts:TagSession` when the session gets tags and `sts:SetSourceIdentity` when it gets a source
 * identity. A trust statement that names the caller is enough; one that names the caller's
 * account also needs the caller's identity (and session) policies to allow the action on the role;
 * an explicit deny in either wins.
 */
export function checkRoleTrust(config: DevstackConfig, check: TrustCheck): void {
  const model = iamModelFor(config);
  const trust = model.trustPolicy(check.roleName);
  const actions = [check.action];
  if (check.tagging) actions.push('sts:TagSession');
  if (check.settingSourceIdentity) actions.push('sts:SetSourceIdentity');
  for (const action of actions) {
    const decision = trust
      ? evaluateTrustPolicy(trust, check.caller, action, check.context)
      : 'implicit-deny';
    if (decision === 'explicit-deny' || decision === 'implicit-deny') throw check.denied(action);
    const credential = check.callerCredential;
    if (credential === undefined) continue;
    const own = evaluatePolicies(
      { identity: model.identityPolicies(credential), session: credential.claims?.sessionPolicies },
      { action, resource: check.roleArn, context: check.context },
    );
    if (own.effect === 'explicit-deny' || (decision === 'allow-account' && own.effect !== 'allow'))
      throw check.denied(action);
  }
}

/**
 * The session policies of an STS call: the `Policy` document and every `PolicyArns` managed
 * policy, checked and parsed; `undefined` when the call passed none (the session is then limited
 * by its role's policies only).
 */
export function resolveSessionPolicies(
  config: DevstackConfig,
  policies: { policy?: string; policyArns: string[] },
): NormalizedPolicy[] | undefined {
  if (policies.policy === undefined && policies.policyArns.length === 0) return undefined;
  const out: NormalizedPolicy[] = [];
  if (policies.policy !== undefined) {
    try {
      out.push(parsePolicy(policies.policy, 'session', 'Policy'));
    } catch (error) {
      if (!(error instanceof PolicyDocumentError)) throw error;
      throw new StsError('MalformedPolicyDocument', `Syntax errors in policy: ${error.message}`);
    }
  }
  for (const arn of policies.policyArns) {
    const managed = iamModelFor(config).managedPolicy(arn);
    if (!managed)
      throw new StsError(
        'MalformedPolicyDocument',
        `Policy ${arn} does not exist or is not attachable.`,
      );
    out.push(managed);
  }
  return out;
}

/**
 * What a new session carries: its session policies, its tags (the caller's transitive tags, then
 * the new ones) and the identity provider's condition keys.
 */
export function sessionClaims(input: {
  sessionPolicies: NormalizedPolicy[] | undefined;
  tags: SessionTagRequest;
  inherited?: IssuedCredential | undefined;
  federatedKeys?: Record<string, string | string[]> | undefined;
}): SessionClaims | undefined {
  const inheritedKeys = input.inherited?.claims?.transitiveTagKeys ?? [];
  const inheritedTags: Record<string, string> = {};
  for (const key of inheritedKeys) {
    const value = input.inherited?.claims?.sessionTags?.[key];
    if (value === undefined) continue;
    if (Object.keys(input.tags.tags).some((k) => k.toLowerCase() === key.toLowerCase())) {
      throw new StsError(
        'InvalidParameterValue',
        `The session tag ${key} is a transitive tag of the calling session and cannot be set again.`,
      );
    }
    inheritedTags[key] = value;
  }
  const tags = { ...inheritedTags, ...input.tags.tags };
  const transitive = [...new Set([...inheritedKeys, ...input.tags.transitiveTagKeys])];
  const claims: SessionClaims = {};
  if (input.sessionPolicies !== undefined) claims.sessionPolicies = input.sessionPolicies;
  if (Object.keys(tags).length > 0) claims.sessionTags = tags;
  if (transitive.length > 0) claims.transitiveTagKeys = transitive;
  if (input.federatedKeys !== undefined) claims.federatedKeys = input.federatedKeys;
  return Object.keys(claims).length > 0 ? claims : undefined;
}
