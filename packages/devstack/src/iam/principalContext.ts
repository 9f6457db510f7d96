import type { DevstackConfig } from '../config.js';
import type { IssuedCredential } from '../credentialStore.js';
import { iamModelFor } from './iamModel.js';
import { RequestContext } from './requestContext.js';
import type { ContextValue } from './requestContext.js';

/** Facts about the request itself (not the principal) that global condition keys expose. */
export interface RequestEnvironment {
  /** Server clock, epoch ms (`aws:CurrentTime`, `aws:EpochTime`). */
  now: number;
  /** Whether the request came over TLS (`aws:SecureTransport`); the stack speaks plain HTTP. @default false */
  secureTransport?: boolean;
  /** Client address (`aws:SourceIp`). */
  sourceIp?: string | undefined;
}

/**
 * The principal's tags as `aws:PrincipalTag/<key>` sees them: the role's or user's tags,
 * overridden by session tags with the same key (AWS: session tags win).
 */
export function principalTags(
  config: DevstackConfig,
  credential: IssuedCredential,
): Record<string, string> {
  return { ...iamModelFor(config).principalTags(credential), ...credential.claims?.sessionTags };
}

/**
 * The global condition keys of a request signed with `credential`: who the principal is
 * (`aws:userid`, `aws:username`, `aws:PrincipalArn`, `aws:PrincipalTag/…`, MFA, token issue time,
 * source identity), the federated claims the session carries (`<providerUrl>:sub`, `saml:sub`, …)
 * and the request's time and transport.
 */
export function principalContext(
  config: DevstackConfig,
  credential: IssuedCredential,
  env: RequestEnvironment,
): RequestContext {
  const temporary = credential.kind !== 'long-term';
  const isRole = credential.roleName !== undefined;
  const entries: Record<string, ContextValue> = {
    'aws:userid': credential.userId,
    'aws:username': isRole ? undefined : credential.userName,
    'aws:PrincipalArn': isRole
      ? `arn:aws:iam::${config.accountId}:role/${credential.roleName}`
      : credential.arn,
    'aws:PrincipalAccount': config.accountId,
    'aws:PrincipalType': isRole ? 'AssumedRole' : 'User',
    'aws:CurrentTime': new Date(env.now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': Math.floor(env.now / 1000),
    'aws:SecureTransport': env.secureTransport ?? false,
    'aws:SourceIp': env.sourceIp,
    'aws:RequestedRegion': config.region,
    // AWS leaves the MFA keys out for long-term keys and sets them for temporary credentials.
    'aws:MultiFactorAuthPresent': temporary ? credential.mfaAuthenticated : undefined,
    'aws:MultiFactorAuthAge':
      temporary && credential.mfaAuthenticated && credential.issuedAt !== null
        ? Math.floor((env.now - credential.issuedAt) / 1000)
        : undefined,
    'aws:TokenIssueTime':
      temporary && credential.issuedAt !== null
        ? new Date(credential.issuedAt).toISOString().replace(/\.\d{3}Z$/, 'Z')
        : undefined,
    'aws:SourceIdentity': credential.sourceIdentity,
  };
  for (const [key, value] of Object.entries(principalTags(config, credential))) {
    entries[`aws:PrincipalTag/${key}`] = value;
  }
  Object.assign(entries, credential.claims?.federatedKeys);
  return new RequestContext(entries);
}
