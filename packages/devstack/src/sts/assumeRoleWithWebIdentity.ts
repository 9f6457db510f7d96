import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import type { JWTPayload } from 'jose';
import { iamModelFor } from '../iam/iamModel.js';
import { RequestContext } from '../iam/requestContext.js';
import { checkRoleTrust, resolveSessionPolicies, sessionClaims } from './roleTrust.js';
import { readTokenTags, tagContext, WEB_IDENTITY_TAGS_CLAIM } from './sessionTags.js';
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
import { idpCommunicationError } from './webIdentityKeys.js';

const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];
/** IdP and STS clocks may disagree a little; a token is accepted this long before its `nbf`. */
const NOT_BEFORE_SKEW_SECONDS = 300;
/** Claim AWS reads a web identity session's `SourceIdentity` from. */
const SOURCE_IDENTITY_CLAIM = 'https://aws.amazon.com/source_identity';

const invalidToken = (message: string) => new StsError('InvalidIdentityToken', message);

function unverifiedIssuer(token: string): string {
  let claims: JWTPayload;
  try {
    const header = decodeProtectedHeader(token);
    if (typeof header.alg !== 'string' || !ASYMMETRIC_ALGORITHMS.includes(header.alg)) {
      throw invalidToken(
        `The ID Token is signed with an unsupported algorithm (${String(header.alg)}); use RS256 or ES256.`,
      );
    }
    claims = decodeJwt(token);
  } catch (error) {
    if (error instanceof StsError) throw error;
    throw invalidToken(
      'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)',
    );
  }
  if (typeof claims.iss !== 'string' || claims.iss === '') {
    throw invalidToken(
      'The ID Token has no iss claim; STS needs it to find the identity provider.',
    );
  }
  return claims.iss;
}

function mapJoseError(error: unknown, now: number): StsError {
  if (error instanceof StsError) return error;
  const nowSeconds = Math.floor(now / 1000);
  if (error instanceof joseErrors.JWTExpired) {
    const exp = error.payload.exp ?? 0;
    return new StsError(
      'ExpiredTokenException',
      `Token expired: current date/time ${nowSeconds} must be before the expiration date/time ${exp}`,
    );
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'nbf') {
    return new StsError(
      'ExpiredTokenException',
      `Token is not yet valid: current date/time ${nowSeconds} must be after the not-before date/time ${error.payload.nbf ?? 0}`,
    );
  }
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid) {
    return idpCommunicationError();
  }
  if (
    error instanceof joseErrors.JWKSNoMatchingKey ||
    error instanceof joseErrors.JWKSMultipleMatchingKeys
  ) {
    return invalidToken("No key in the identity provider's JWKS matches the ID Token's kid.");
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return invalidToken(
      "The ID Token signature could not be verified with the identity provider's keys.",
    );
  }
  if (error instanceof joseErrors.JOSEError) {
    return invalidToken(
      'The ID Token could not be validated; it must be a signed, unexpired JWT from a trusted issuer.',
    );
  }
  // Anything else is the key fetch failing (network, connection refused).
  return idpCommunicationError();
}

/** AssumeRoleWithWebIdentity: an OIDC ID token for a role's temporary credentials (unsigned call). */
export const assumeRoleWithWebIdentity: StsAction = async (ctx) => {
  const { params, config } = ctx;
  const roleArnParam = params.required('RoleArn');
  params.length('RoleArn', roleArnParam, 20, 2048);
  const sessionName = params.required('RoleSessionName');
  params.sessionName('RoleSessionName', sessionName);
  const token = params.required('WebIdentityToken');
  params.length('WebIdentityToken', token, 4, 20000, false);
  params.length('ProviderId', params.get('ProviderId'), 4, 2048);
  const policies = params.sessionPolicies();
  const requested = params.integer(
    'DurationSeconds',
    MIN_DURATION_SECONDS,
    MAX_ROLE_DURATION_SECONDS,
  );
  params.throwIfInvalid();
  const roleArn = parseRoleArn(roleArnParam!);
  checkSessionPolicies(policies);

  const iss = unverifiedIssuer(token!);
  if (!ctx.webIdentityKeys.isKnown(iss)) {
    throw invalidToken(`No OpenIDConnect provider found in your account for ${iss}`);
  }
  let claims: JWTPayload;
  try {
    const keys = await ctx.webIdentityKeys.keysFor(iss);
    ({ payload: claims } = await jwtVerify(token!, keys, {
      algorithms: ASYMMETRIC_ALGORITHMS,
      currentDate: new Date(ctx.now),
      clockTolerance: NOT_BEFORE_SKEW_SECONDS,
    }));
  } catch (error) {
    throw mapJoseError(error, ctx.now);
  }
  // The tolerance above is for `nbf` (an IdP clock slightly ahead); `exp` is exact, on the STS clock.
  const nowSeconds = Math.floor(ctx.now / 1000);
  if (typeof claims.exp !== 'number') {
    throw invalidToken('The ID Token has no exp claim; STS only accepts tokens that expire.');
  }
  if (nowSeconds >= claims.exp) {
    throw new StsError(
      'ExpiredTokenException',
      `Token expired: current date/time ${nowSeconds} must be before the expiration date/time ${claims.exp}`,
    );
  }
  if (typeof claims.sub !== 'string' || claims.sub === '') {
    throw invalidToken('The ID Token has no sub claim.');
  }
  const sub = claims.sub;
  const audiences = typeof claims.aud === 'string' ? [claims.aud] : (claims.aud ?? []);

  // AWS checks the token's audience against the IAM provider's client ID list before it reads any
  // role: a token for an unknown client is an InvalidIdentityToken, not an AccessDenied.
  const provider = iamModelFor(config).oidcProvider(iss, ctx.webIdentityKeys.ownIssuer);
  const azp = typeof claims.azp === 'string' ? claims.azp : undefined;
  const audience =
    azp !== undefined
      ? provider.clientIds.includes(azp)
        ? azp
        : undefined
      : audiences.find((aud) => provider.clientIds.includes(aud));
  if (audience === undefined) throw invalidToken('Incorrect token audience');

  const sourceIdentity = claims[SOURCE_IDENTITY_CLAIM];
  if (
    sourceIdentity !== undefined &&
    (typeof sourceIdentity !== 'string' || !/^[\w+=,.@-]{2,64}$/.test(sourceIdentity))
  ) {
    throw invalidToken(
      `The ${SOURCE_IDENTITY_CLAIM} claim must be 2-64 characters of [\\w+=,.@-].`,
    );
  }
  const tags = readTokenTags(claims[WEB_IDENTITY_TAGS_CLAIM]);
  const url = provider.providerUrl;
  const amr = claims.amr;
  // The condition keys of this provider: in the trust policy now and in every request the session signs.
  const federatedKeys: Record<string, string | string[]> = {
    [`${url}:aud`]: audience,
    [`${url}:sub`]: sub,
    ...(azp !== undefined ? { [`${url}:oaud`]: audiences } : {}),
    ...(Array.isArray(amr) && amr.every((v) => typeof v === 'string')
      ? { [`${url}:amr`]: amr as string[] }
      : typeof amr === 'string'
        ? { [`${url}:amr`]: amr }
        : {}),
    'aws:FederatedProvider': provider.arn,
  };

  const denied = (action: string) =>
    new StsError('AccessDenied', `Not authorized to perform ${action}`);
  const role = findRole(config, roleArn);
  if (!role) throw denied('sts:AssumeRoleWithWebIdentity');
  checkRoleTrust(config, {
    roleName: role.name,
    roleArn: roleArn.arn,
    action: 'sts:AssumeRoleWithWebIdentity',
    caller: { federated: provider.arn },
    context: new RequestContext({
      ...federatedKeys,
      ...tagContext(tags),
      'sts:RoleSessionName': sessionName,
      'sts:SourceIdentity': typeof sourceIdentity === 'string' ? sourceIdentity : undefined,
      'aws:CurrentTime': new Date(ctx.now).toISOString(),
      'aws:EpochTime': Math.floor(ctx.now / 1000),
      'aws:SecureTransport': false,
    }),
    tagging: Object.keys(tags.tags).length > 0,
    settingSourceIdentity: typeof sourceIdentity === 'string',
    denied,
  });
  const sessionPolicies = resolveSessionPolicies(config, policies);

  const duration = roleSessionSeconds(role, requested);
  const credential = ctx.store.issue({
    kind: 'web-identity',
    durationSeconds: issuedSeconds(config, duration),
    roleName: role.name,
    sessionName: sessionName!,
    now: ctx.now,
    ...(typeof sourceIdentity === 'string' ? { sourceIdentity } : {}),
    claims: sessionClaims({ sessionPolicies, tags, federatedKeys }),
  });
  return {
    Credentials: credentialsXml(credential),
    SubjectFromWebIdentityToken: sub,
    AssumedRoleUser: assumedRoleUserXml(credential),
    PackedPolicySize: packedPolicySize(policies),
    Provider: iss,
    Audience: audience,
    SourceIdentity: credential.sourceIdentity,
  };
};
