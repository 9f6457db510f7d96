import { InvalidParameterError } from '../errors.js';
import { decodeJwt } from '../jwt/decodeJwt.js';
import { decodeSamlAssertion } from '../saml/decodeSamlAssertion.js';

/**
 * Checks STS request parameters the way STS would, before any request is made, so a typo costs
 * no round trip and the error names the parameter. Values are never quoted in messages: some of
 * them (tokens, assertions) are secrets.
 */

/** Shortest role session STS grants, in seconds. */
export const MIN_DURATION_SECONDS = 900;
/** Longest role session STS grants (a role's maximum session duration setting), in seconds. */
export const MAX_ROLE_DURATION_SECONDS = 43_200;
/** Longest session a role assumed with temporary credentials may have ("role chaining"), in seconds. */
export const MAX_CHAINED_DURATION_SECONDS = 3_600;
/** Longest GetSessionToken session, in seconds. */
export const MAX_SESSION_TOKEN_DURATION_SECONDS = 129_600;
/** Most managed session policies one request may pass. */
export const MAX_POLICY_ARNS = 10;
/** Longest inline session policy, in characters. */
export const MAX_POLICY_LENGTH = 2_048;

// The partitions of AWS SDK v3's partitions.json: aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b,
// aws-iso-e, aws-iso-f, aws-eusc.
const IAM = 'arn:aws(?:-cn|-us-gov|-iso(?:-[bef])?|-eusc)?:iam::';
// An IAM path is `/` or `/seg/.../` of printable ASCII; no segment is empty.
const PATH = '\\/(?:[!-.0-~]+\\/)*';
const ROLE_ARN = new RegExp(`^${IAM}\\d{12}:role${PATH}[\\w+=,.@-]{1,64}$`);
const SAML_PROVIDER_ARN = new RegExp(`^${IAM}\\d{12}:saml-provider\\/[\\w.-]{1,128}$`);
const POLICY_ARN = new RegExp(`^${IAM}(?:\\d{12}|aws):policy${PATH}[\\w+=,.@-]{1,128}$`);
/** Longest `RoleArn` STS accepts, in characters. */
const MAX_ARN_LENGTH = 2_048;
const MFA_SERIAL = /^[\w+=/:,.@-]{9,256}$/;
const ROLE_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const TOKEN_CODE = /^\d{6}$/;
const PROVIDER_ID = /^[^\s]{4,2048}$/;

type Params = Readonly<Record<string, unknown>>;

function fail(parameter: string, problem: string): never {
  throw new InvalidParameterError(parameter, problem);
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/**
 * Checks that a constructor argument is an object, so `new X()` or `new X(null)` gets a typed
 * error naming it rather than a `TypeError` from reading a property of `undefined`.
 *
 * @internal
 */
export function requireObject(value: unknown, parameter: string, what: string): void {
  if (typeof value !== 'object' || value === null) fail(parameter, `is required: pass ${what}`);
}

/** {@link requireObject} for the `params` of a class that assumes a role. @internal */
export function requireRoleParams(params: unknown): void {
  requireObject(params, 'params', 'an object with RoleArn and the other request parameters');
}

function requireString(params: Params, name: string, what: string): string {
  const value = params[name];
  if (typeof value !== 'string' || value.length === 0) fail(name, `is required: pass ${what}`);
  return value;
}

function optionalString(params: Params, name: string): string | undefined {
  const value = params[name];
  if (!isSet(value)) return undefined;
  if (typeof value !== 'string') fail(name, `must be a string, got ${typeof value}`);
  return value;
}

/** `RoleArn` is an IAM role ARN. */
function checkRoleArn(params: Params): void {
  const arn = requireString(
    params,
    'RoleArn',
    'the ARN of the role to assume, arn:aws:iam::<12-digit account>:role/<name>',
  );
  if (arn.length > MAX_ARN_LENGTH || !ROLE_ARN.test(arn))
    fail(
      'RoleArn',
      'is not an IAM role ARN; expected arn:<partition>:iam::<12-digit account>:role/<path/><name>',
    );
}

/** `RoleSessionName` is 2–64 characters of `[\w+=,.@-]`. */
function checkRoleSessionName(params: Params): void {
  const name = optionalString(params, 'RoleSessionName');
  if (name !== undefined && !ROLE_SESSION_NAME.test(name)) {
    fail('RoleSessionName', 'must be 2–64 characters of letters, digits and +=,.@_-');
  }
}

/** `DurationSeconds` is an integer within [min, max]; `why` explains the max when it is a cap. */
function checkDuration(params: Params, max: number, why?: string): void {
  const value = params['DurationSeconds'];
  if (!isSet(value)) return;
  if (typeof value !== 'number' || !Number.isInteger(value))
    fail('DurationSeconds', 'must be an integer number of seconds');
  if (value < MIN_DURATION_SECONDS || value > max) {
    const range = `must be between ${MIN_DURATION_SECONDS} and ${max} seconds, got ${value}`;
    // The cap's reason explains a value over it, not one under the 900-second floor.
    fail('DurationSeconds', why !== undefined && value > max ? `${range}: ${why}` : range);
  }
}

/** `PolicyArns` is at most 10 `{ arn }` entries, each an IAM policy ARN. */
function checkPolicyArns(params: Params): void {
  const value = params['PolicyArns'];
  if (!isSet(value)) return;
  if (!Array.isArray(value)) fail('PolicyArns', 'must be an array of { arn } objects');
  if (value.length > MAX_POLICY_ARNS)
    fail('PolicyArns', `may hold at most ${MAX_POLICY_ARNS} policies, got ${value.length}`);
  // An index loop, not forEach: forEach skips the holes of a sparse array.
  for (let index = 0; index < value.length; index++) {
    const entry: unknown = value[index];
    if (typeof entry !== 'object' || entry === null)
      fail(`PolicyArns[${index}]`, 'is missing; every entry is an { arn } object');
    const arn = (entry as { arn?: unknown }).arn;
    if (typeof arn !== 'string' || !POLICY_ARN.test(arn)) {
      fail(
        `PolicyArns[${index}].arn`,
        'is not an IAM policy ARN; expected arn:<partition>:iam::<account or "aws">:policy/<name>',
      );
    }
  }
}

/** `Policy` is a JSON document of at most 2048 characters. */
function checkPolicy(params: Params): void {
  const policy = optionalString(params, 'Policy');
  if (policy === undefined) return;
  if (policy.length === 0)
    fail('Policy', 'is empty; leave it out or pass an IAM policy JSON document');
  if (policy.length > MAX_POLICY_LENGTH) {
    fail(
      'Policy',
      `is ${policy.length} characters; session policies are limited to ${MAX_POLICY_LENGTH}`,
    );
  }
  try {
    JSON.parse(policy);
  } catch {
    fail('Policy', 'is not valid JSON; pass an IAM policy document');
  }
}

/** `SerialNumber` is an MFA device ARN or hardware serial; `TokenCode` six digits. */
function checkMfa(params: Params): void {
  const serial = optionalString(params, 'SerialNumber');
  if (serial !== undefined && !MFA_SERIAL.test(serial)) {
    fail(
      'SerialNumber',
      'is not an MFA device ARN (arn:aws:iam::<account>:mfa/<name>) or serial number',
    );
  }
  const code = optionalString(params, 'TokenCode');
  if (code !== undefined && !TOKEN_CODE.test(code))
    fail('TokenCode', 'must be the six digits the MFA device shows');
}

/** Options of {@link validateWebIdentityParams} and {@link validateSamlParams}. */
export interface IdentityTokenValidationOptions {
  /**
   * Accept a missing `WebIdentityToken` / `SAMLAssertion` (one that is present is still checked):
   * at construction, when a federated session writes the token in before the first refresh.
   * @default false
   */
  tokenOptional?: boolean;
}

/**
 * Checks AssumeRoleWithWebIdentity parameters before the request: `RoleArn`, the token (a JWT
 * unless `ProviderId` names an OAuth 2.0 provider), `RoleSessionName`, `DurationSeconds`,
 * `PolicyArns`, `Policy`.
 *
 * @throws {@link InvalidParameterError} naming the first parameter that is missing or malformed.
 */
export function validateWebIdentityParams(
  params: object,
  options: IdentityTokenValidationOptions = {},
): void {
  requireRoleParams(params);
  const p = params as Params;
  checkRoleArn(p);
  const token =
    options.tokenOptional === true && !isSet(p['WebIdentityToken'])
      ? undefined
      : requireString(p, 'WebIdentityToken', 'the ID token from the identity provider');
  const providerId = optionalString(p, 'ProviderId');
  if (providerId !== undefined && !PROVIDER_ID.test(providerId)) {
    fail(
      'ProviderId',
      'must be the 4–2048 character domain of an OAuth 2.0 provider, e.g. www.amazon.com',
    );
  }
  if (token !== undefined) {
    if (token.length < 4 || token.length > 20_000)
      fail('WebIdentityToken', 'must be 4–20000 characters long');
    // OAuth 2.0 access tokens (ProviderId set) are opaque; OpenID Connect ID tokens are JWTs.
    if (providerId === undefined) decodeJwt(token);
  }
  checkRoleSessionName(p);
  checkDuration(p, MAX_ROLE_DURATION_SECONDS);
  checkPolicyArns(p);
  checkPolicy(p);
}

/**
 * Checks AssumeRoleWithSAML parameters before the request: `RoleArn`, `PrincipalArn`, the
 * assertion (base64 of XML), `DurationSeconds`, `PolicyArns`, `Policy`.
 *
 * @throws {@link InvalidParameterError} naming the first parameter that is missing or malformed.
 */
export function validateSamlParams(
  params: object,
  options: IdentityTokenValidationOptions = {},
): void {
  requireRoleParams(params);
  const p = params as Params;
  checkRoleArn(p);
  const principal = requireString(p, 'PrincipalArn', 'the ARN of the SAML provider in IAM');
  if (!SAML_PROVIDER_ARN.test(principal)) {
    fail(
      'PrincipalArn',
      'is not a SAML provider ARN; expected arn:<partition>:iam::<12-digit account>:saml-provider/<name>',
    );
  }
  if (!(options.tokenOptional === true && !isSet(p['SAMLAssertion']))) {
    const assertion = requireString(
      p,
      'SAMLAssertion',
      'the base64 SAMLResponse from the identity provider',
    );
    if (assertion.length < 4 || assertion.length > 100_000)
      fail('SAMLAssertion', 'must be 4–100000 characters long');
    decodeSamlAssertion(assertion);
  }
  checkDuration(p, MAX_ROLE_DURATION_SECONDS);
  checkPolicyArns(p);
  checkPolicy(p);
}

/** Options of {@link validateAssumeRoleParams}. */
export interface AssumeRoleValidationOptions {
  /** The signing credentials are temporary, so STS caps the session at 3600 seconds. @default false */
  chained?: boolean;
}

/**
 * Checks AssumeRole parameters before the request, with the 3600-second cap on `DurationSeconds`
 * when `options.chained`.
 *
 * @throws {@link InvalidParameterError} naming the first parameter that is missing or malformed.
 */
export function validateAssumeRoleParams(
  params: object,
  options: AssumeRoleValidationOptions = {},
): void {
  requireRoleParams(params);
  const p = params as Params;
  checkRoleArn(p);
  checkRoleSessionName(p);
  if (options.chained) {
    checkDuration(p, MAX_CHAINED_DURATION_SECONDS, 'role chaining caps sessions at 3600 seconds');
  } else {
    checkDuration(p, MAX_ROLE_DURATION_SECONDS);
  }
  checkPolicyArns(p);
  checkPolicy(p);
  checkMfa(p);
  const externalId = optionalString(p, 'ExternalId');
  if (externalId !== undefined && !EXTERNAL_ID.test(externalId)) {
    fail('ExternalId', 'must be 2–1224 characters of letters, digits and +=,.@:/_-');
  }
  const sourceIdentity = optionalString(p, 'SourceIdentity');
  if (sourceIdentity !== undefined && !ROLE_SESSION_NAME.test(sourceIdentity)) {
    fail('SourceIdentity', 'must be 2–64 characters of letters, digits and +=,.@_-');
  }
}

/**
 * Checks GetSessionToken parameters (`DurationSeconds`, `SerialNumber`, `TokenCode`) before the
 * request.
 *
 * @throws {@link InvalidParameterError} naming the first parameter that is malformed.
 */
export function validateGetSessionTokenParams(params: object): void {
  requireObject(params, 'params', 'an object of GetSessionToken parameters');
  const p = params as Params;
  checkDuration(p, MAX_SESSION_TOKEN_DURATION_SECONDS);
  checkMfa(p);
}
