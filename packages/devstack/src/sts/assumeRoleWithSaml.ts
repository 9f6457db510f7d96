import { createHash } from 'node:crypto';
import { AWS_SAML_ATTRIBUTES } from '../saml/buildSamlResponseXml.js';
import { RequestContext } from '../iam/requestContext.js';
import { checkRoleTrust, resolveSessionPolicies, sessionClaims } from './roleTrust.js';
import { readSamlTags, tagContext } from './sessionTags.js';
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
import { verifySamlResponse } from './verifySamlResponse.js';

const PRINCIPAL_ARN_PATTERN = /^arn:aws:iam::(\d{12}):saml-provider\/([\w+=,.@-]{1,128})$/;
const NAMEID_PREFIX = 'urn:oasis:names:tc:SAML:2.0:nameid-format:';
/** IdP clocks drift; AWS tolerates a little skew on NotBefore. */
const NOT_BEFORE_SKEW_MS = 5 * 60 * 1000;

const invalid = (message: string) => new StsError('InvalidIdentityToken', message);
const denied = (action = 'sts:AssumeRoleWithSAML') =>
  new StsError('AccessDenied', `Not authorized to perform ${action}`);

/** AssumeRoleWithSAML: a signed SAML response for a role's temporary credentials (unsigned call). */
export const assumeRoleWithSaml: StsAction = async (ctx) => {
  const { params, config } = ctx;
  const roleArnParam = params.required('RoleArn');
  params.length('RoleArn', roleArnParam, 20, 2048);
  const principalArn = params.required('PrincipalArn');
  params.length('PrincipalArn', principalArn, 20, 2048);
  const assertion = params.required('SAMLAssertion');
  params.length('SAMLAssertion', assertion, 4, 100000, false);
  const policies = params.sessionPolicies();
  const requested = params.integer(
    'DurationSeconds',
    MIN_DURATION_SECONDS,
    MAX_ROLE_DURATION_SECONDS,
  );
  params.throwIfInvalid();
  const roleArn = parseRoleArn(roleArnParam!);
  const principal = PRINCIPAL_ARN_PATTERN.exec(principalArn!);
  if (!principal) {
    throw new StsError(
      'ValidationError',
      `${principalArn} is invalid: expected a SAML provider ARN like arn:aws:iam::<12-digit account id>:saml-provider/<name>.`,
    );
  }
  checkSessionPolicies(policies);

  const saml = verifySamlResponse(assertion!, ctx.samlSigningCertPem);
  if (saml.notOnOrAfter !== undefined && ctx.now >= saml.notOnOrAfter) {
    throw new StsError(
      'ExpiredTokenException',
      `Token expired: current date/time ${new Date(ctx.now).toISOString()} must be before the expiration date/time ${new Date(saml.notOnOrAfter).toISOString()}`,
    );
  }
  if (saml.notBefore !== undefined && saml.notBefore - NOT_BEFORE_SKEW_MS > ctx.now) {
    throw invalid(
      `Invalid SAML response: the assertion is not valid before ${new Date(saml.notBefore).toISOString()}.`,
    );
  }
  if (!saml.audiences.includes(config.saml.spEntityId)) {
    throw invalid(
      `Invalid SAML response: the assertion's Audience must be ${config.saml.spEntityId}.`,
    );
  }
  if (principal[1] !== config.accountId || principal[2] !== config.saml.providerName) {
    throw invalid(`No SAML provider ${principalArn} exists in account ${config.accountId}.`);
  }

  // The Role attribute offers "roleArn,principalArn" pairs; AWS accepts either order.
  const offered = (saml.attributes.get(AWS_SAML_ATTRIBUTES.role) ?? []).some((value) => {
    const pair = value.split(',').map((part) => part.trim());
    if (pair.length !== 2) return false;
    return (
      (pair[0] === roleArn.arn && pair[1] === principalArn) ||
      (pair[1] === roleArn.arn && pair[0] === principalArn)
    );
  });
  const role = findRole(config, roleArn);
  if (!offered || !role) throw denied();

  const sessionName = saml.attributes.get(AWS_SAML_ATTRIBUTES.roleSessionName)?.[0];
  if (sessionName === undefined) {
    throw invalid(
      `RoleSessionName is required in AuthnResponse (attribute ${AWS_SAML_ATTRIBUTES.roleSessionName}).`,
    );
  }
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
    throw invalid(
      'Invalid SAML response: the RoleSessionName attribute must be 2-64 characters of [\\w+=,.@-].',
    );
  }
  const sessionDurationText = saml.attributes.get(AWS_SAML_ATTRIBUTES.sessionDuration)?.[0];
  let sessionDuration: number | undefined;
  if (sessionDurationText !== undefined) {
    sessionDuration = /^\d+$/.test(sessionDurationText) ? Number(sessionDurationText) : Number.NaN;
    if (!(
      sessionDuration >= MIN_DURATION_SECONDS && sessionDuration <= MAX_ROLE_DURATION_SECONDS
    )) {
      throw invalid(
        'Invalid SAML response: the SessionDuration attribute must be an integer from 900 to 43200.',
      );
    }
  }
  const sourceIdentity = saml.attributes.get(AWS_SAML_ATTRIBUTES.sourceIdentity)?.[0];
  if (sourceIdentity !== undefined && !/^[\w+=,.@-]{2,64}$/.test(sourceIdentity)) {
    throw invalid(
      'Invalid SAML response: the SourceIdentity attribute must be 2-64 characters of [\\w+=,.@-].',
    );
  }

  let duration = roleSessionSeconds(role, requested);
  if (sessionDuration !== undefined) duration = Math.min(duration, sessionDuration);
  if (saml.sessionNotOnOrAfter !== undefined) {
    const remaining = Math.floor((saml.sessionNotOnOrAfter - ctx.now) / 1000);
    if (remaining <= 0) {
      throw new StsError(
        'ExpiredTokenException',
        'Token expired: the SAML session (SessionNotOnOrAfter) has ended',
      );
    }
    duration = Math.min(duration, remaining);
  }
  const format = saml.nameIdFormat ?? `${NAMEID_PREFIX}unspecified`;
  const subType = format.startsWith(NAMEID_PREFIX) ? format.slice(NAMEID_PREFIX.length) : format;
  // AWS: base64(SHA1(issuer + account id + "/" + provider name)), stable per user and provider.
  const nameQualifier = createHash('sha1')
    .update(`${saml.issuer}${config.accountId}/${principal[2]}`)
    .digest('base64');
  const tags = readSamlTags(saml.attributes);
  // AWS's SAML condition keys: in the trust policy now and in every request the session signs.
  const federatedKeys: Record<string, string | string[]> = {
    'saml:aud': saml.recipient ?? config.saml.spEntityId,
    'saml:sub': saml.nameId,
    'saml:sub_type': subType,
    'saml:iss': saml.issuer,
    'saml:namequalifier': nameQualifier,
    'saml:doc': `${config.accountId}/${principal[2]}`,
    'aws:FederatedProvider': principalArn!,
  };
  checkRoleTrust(config, {
    roleName: role.name,
    roleArn: roleArn.arn,
    action: 'sts:AssumeRoleWithSAML',
    caller: { federated: principalArn! },
    context: new RequestContext({
      ...federatedKeys,
      ...tagContext(tags),
      'sts:SourceIdentity': sourceIdentity,
      'aws:CurrentTime': new Date(ctx.now).toISOString(),
      'aws:EpochTime': Math.floor(ctx.now / 1000),
      'aws:SecureTransport': false,
    }),
    tagging: Object.keys(tags.tags).length > 0,
    settingSourceIdentity: sourceIdentity !== undefined,
    denied,
  });
  const sessionPolicies = resolveSessionPolicies(config, policies);
  const credential = ctx.store.issue({
    kind: 'saml',
    durationSeconds: issuedSeconds(config, duration),
    roleName: role.name,
    sessionName,
    now: ctx.now,
    ...(sourceIdentity === undefined ? {} : { sourceIdentity }),
    claims: sessionClaims({ sessionPolicies, tags, federatedKeys }),
  });
  return {
    Credentials: credentialsXml(credential),
    AssumedRoleUser: assumedRoleUserXml(credential),
    PackedPolicySize: packedPolicySize(policies),
    Subject: saml.nameId,
    SubjectType: subType,
    Issuer: saml.issuer,
    Audience: saml.recipient ?? config.saml.spEntityId,
    NameQualifier: nameQualifier,
    SourceIdentity: credential.sourceIdentity,
  };
};
