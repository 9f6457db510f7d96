import { principalContext } from '../iam/principalContext.js';
import { readMfaParams, verifyMfa } from './checkMfa.js';
import { checkRoleTrust, resolveSessionPolicies, sessionClaims } from './roleTrust.js';
import { readTagParams, tagContext } from './sessionTags.js';
import { assumedRoleUserXml, credentialsXml } from './stsAction.js';
import type { StsAction } from './stsAction.js';
import { StsError } from './stsError.js';
import {
  checkSessionPolicies,
  findRole,
  issuedSeconds,
  MAX_ROLE_DURATION_SECONDS,
  MIN_DURATION_SECONDS,
  packedPolicySize,
  parseRoleArn,
  roleSessionSeconds,
} from './stsParams.js';

/** AWS caps sessions of roles assumed with role credentials (role chaining) at one hour. */
export const ROLE_CHAINING_MAX_SECONDS = 3600;

/** AssumeRole: SigV4-signed by a long-term key or temporary credentials this STS issued. */
export const assumeRole: StsAction = async (ctx) => {
  const { params, config } = ctx;
  const caller = await ctx.authenticate();

  const roleArnParam = params.required('RoleArn');
  params.length('RoleArn', roleArnParam, 20, 2048);
  const sessionName = params.required('RoleSessionName');
  params.sessionName('RoleSessionName', sessionName);
  const policies = params.sessionPolicies();
  const requested = params.integer(
    'DurationSeconds',
    MIN_DURATION_SECONDS,
    MAX_ROLE_DURATION_SECONDS,
  );
  const externalId = params.get('ExternalId');
  params.length('ExternalId', externalId, 2, 1224);
  params.pattern('ExternalId', externalId, /^[\w+=,.@:/-]*$/, '[\\w+=,.@:\\/-]*');
  const sourceIdentity = params.get('SourceIdentity');
  params.sessionName('SourceIdentity', sourceIdentity);
  const mfa = readMfaParams(params);
  params.throwIfInvalid();
  const tags = readTagParams(params);
  const roleArn = parseRoleArn(roleArnParam!);
  checkSessionPolicies(policies);

  const denied = (action: string) =>
    new StsError(
      'AccessDenied',
      `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${roleArn.arn}`,
    );
  const role = findRole(config, roleArn);
  if (!role) throw denied('sts:AssumeRole');
  const mfaPresented = verifyMfa(config, caller, mfa, ctx.now);
  // AWS: a source identity, once set, cannot be changed down the chain.
  if (
    caller.sourceIdentity !== undefined &&
    sourceIdentity !== undefined &&
    sourceIdentity !== caller.sourceIdentity
  ) {
    throw denied('sts:SetSourceIdentity');
  }
  const callerArns = [caller.arn];
  if (caller.roleName !== undefined)
    callerArns.push(`arn:aws:iam::${config.accountId}:role/${caller.roleName}`);
  const mfaAuthenticated = mfaPresented || caller.mfaAuthenticated;
  checkRoleTrust(config, {
    roleName: role.name,
    roleArn: roleArn.arn,
    action: 'sts:AssumeRole',
    caller: { aws: { arns: callerArns, accountId: config.accountId } },
    callerCredential: caller,
    context: principalContext(config, caller, { now: ctx.now }).with({
      ...tagContext(tags),
      // AWS leaves the key out for long-term keys signing without MFA.
      'aws:MultiFactorAuthPresent':
        mfaAuthenticated || caller.kind !== 'long-term' ? mfaAuthenticated : undefined,
      'aws:MultiFactorAuthAge': mfaPresented ? 0 : undefined,
      'sts:RoleSessionName': sessionName,
      'sts:ExternalId': externalId,
      'sts:SourceIdentity': sourceIdentity ?? caller.sourceIdentity,
    }),
    tagging: Object.keys(tags.tags).length > 0,
    settingSourceIdentity: sourceIdentity !== undefined,
    denied,
  });
  const sessionPolicies = resolveSessionPolicies(config, policies);

  const chained = caller.roleName !== undefined;
  if (chained && requested !== undefined && requested > ROLE_CHAINING_MAX_SECONDS) {
    throw new StsError(
      'ValidationError',
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  }
  const duration = roleSessionSeconds(role, requested);
  const effectiveSourceIdentity = sourceIdentity ?? caller.sourceIdentity;
  const credential = ctx.store.issue({
    kind: 'assume-role',
    durationSeconds: issuedSeconds(config, duration),
    roleName: role.name,
    sessionName: sessionName!,
    chained,
    mfaAuthenticated,
    now: ctx.now,
    claims: sessionClaims({ sessionPolicies, tags, inherited: caller }),
    ...(effectiveSourceIdentity === undefined ? {} : { sourceIdentity: effectiveSourceIdentity }),
  });
  return {
    Credentials: credentialsXml(credential),
    AssumedRoleUser: assumedRoleUserXml(credential),
    PackedPolicySize: packedPolicySize(policies),
    SourceIdentity: credential.sourceIdentity,
  };
};
