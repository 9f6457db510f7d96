import type { DevstackConfig } from './config.js';
import { IamModel } from './iam/iamModel.js';
import { PolicyDocumentError } from './iam/policyDocument.js';

/** A configuration value that is wrong; `field` names it (`roles[2].trustPolicy.Statement[0].Effect`). */
export class DevstackConfigError extends TypeError {
  override readonly name = 'DevstackConfigError';
  readonly field: string;

  constructor(field: string, problem: string) {
    super(`devstack config: ${field} ${problem}`);
    this.field = field;
  }
}

type Check = (value: unknown, field: string) => void;

const fail = (field: string, problem: string): never => {
  throw new DevstackConfigError(field, problem);
};
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const string =
  (pattern?: RegExp, shown?: string): Check =>
  (value, field) => {
    if (typeof value !== 'string' || value === '') fail(field, 'must be a non-empty string');
    if (pattern && !pattern.test(value as string))
      fail(field, `must be ${shown}, got "${String(value)}"`);
  };
const integer =
  (min: number, max: number): Check =>
  (value, field) => {
    if (!Number.isInteger(value) || (value as number) < min || (value as number) > max)
      fail(field, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  };
const boolean: Check = (value, field) => {
  if (typeof value !== 'boolean') fail(field, 'must be true or false');
};
const list =
  (item: Check): Check =>
  (value, field) => {
    if (!Array.isArray(value)) fail(field, 'must be an array');
    (value as unknown[]).forEach((v, i) => item(v, `${field}[${i}]`));
  };
const record =
  (item: Check): Check =>
  (value, field) => {
    if (!isObject(value)) fail(field, 'must be an object');
    for (const [k, v] of Object.entries(value as object)) item(v, `${field}.${k}`);
  };
const anything: Check = () => undefined;
const policyObject: Check = (value, field) => {
  if (!isObject(value)) fail(field, 'must be an IAM policy document (an object with Statement)');
};

/** An object with these fields (`?` suffix = optional); unknown fields are refused (typos). */
const shape =
  (fields: Record<string, Check>): Check =>
  (value, field) => {
    if (!isObject(value)) fail(field, 'must be an object');
    const object = value as Record<string, unknown>;
    for (const key of Object.keys(object)) {
      if (!Object.hasOwn(fields, key) && !Object.hasOwn(fields, `${key}?`))
        fail(
          `${field}.${key}`,
          `is not a known option (known: ${Object.keys(fields)
            .map((k) => k.replace(/\?$/, ''))
            .join(', ')})`,
        );
    }
    for (const [name, check] of Object.entries(fields)) {
      const key = name.replace(/\?$/, '');
      const optional = name.endsWith('?');
      if (object[key] === undefined) {
        if (!optional) fail(`${field}.${key}`, 'is required');
        continue;
      }
      check(object[key], `${field}.${key}`);
    }
  };

const NAME = /^[\w+=,.@-]{1,64}$/;
const POLICY_ARN = /^arn:aws:iam::(\d{12}|aws):policy\/[\w+=,.@/-]+$/;
const URL_LIKE = /^https?:\/\/[^\s/]+(\/\S*)?$/;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const role = shape({
  name: string(NAME, '1-64 characters of [\\w+=,.@-]'),
  'maxSessionDurationSeconds?': integer(3600, 43200),
  'trustPolicy?': policyObject,
  'policies?': list(policyObject),
  'managedPolicyArns?': list(
    string(POLICY_ARN, 'a policy ARN (arn:aws:iam::<account|aws>:policy/<name>)'),
  ),
  'tags?': record(string()),
  'webIdentity?': list(
    shape({
      issuer: string(/^(devstack|https?:\/\/\S+)$/, '"devstack" or an issuer URL'),
      audiences: list(string()),
      'subjects?': list(string()),
    }),
  ),
  'samlProvider?': string(NAME, 'a SAML provider name'),
  'assumableBy?': list(string(NAME, 'a role or user name')),
  'requireMfa?': boolean,
  'allow?': shape({ 'buckets?': list(string()), 'tables?': list(string()) }),
});

const SCHEMA = shape({
  host: string(),
  ports: shape({
    oidc: integer(0, 65535),
    saml: integer(0, 65535),
    sts: integer(0, 65535),
    gateway: integer(0, 65535),
  }),
  accountId: string(/^\d{12}$/, 'a 12-digit account id'),
  region: string(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'a region name like us-east-1'),
  allowedOrigins: list(string(/^https?:\/\/[^/\s]+$/, 'an origin (scheme://host[:port], no path)')),
  users: list(
    shape({
      username: string(),
      password: string(),
      sub: string(),
      'email?': string(),
      'name?': string(),
      'samlRoles?': list(string(NAME, 'a role name')),
    }),
  ),
  roles: list(role),
  iamUsers: list(
    shape({
      userName: string(NAME, 'an IAM user name'),
      'policies?': list(policyObject),
      'managedPolicyArns?': list(string(POLICY_ARN, 'a policy ARN')),
      'tags?': record(string()),
    }),
  ),
  managedPolicies: list(shape({ arn: string(POLICY_ARN, 'a policy ARN'), document: policyObject })),
  accessKeys: list(
    shape({
      userName: string(NAME, 'an IAM user name'),
      accessKeyId: string(/^[A-Z0-9]{16,128}$/, '16-128 characters of [A-Z0-9]'),
      secretAccessKey: string(),
      'mfa?': shape({
        serialNumber: string(),
        'totpSecret?': string(/^[A-Z2-7]+=*$/, 'base32'),
        'devCode?': string(/^\d{6}$/, 'six digits'),
      }),
    }),
  ),
  oidc: shape({
    clients: list(
      shape({
        clientId: string(),
        redirectUris: list(string()),
        'postLogoutRedirectUris?': list(string()),
      }),
    ),
    providerUrl: string(
      /^(?!https?:\/\/)\S+$/,
      'a provider URL without the scheme (host[:port][/path])',
    ),
    'clientIds?': list(string()),
    idTokenTtlSeconds: integer(1, 86400 * 7),
    accessTokenTtlSeconds: integer(1, 86400 * 7),
    refreshTokenTtlSeconds: integer(1, 86400 * 365),
  }),
  saml: shape({
    providerName: string(NAME, 'a SAML provider name'),
    spEntityId: string(),
    appReturnUrl: string(URL_LIKE, 'an http(s) URL'),
    sessionDurationSeconds: integer(900, 43200),
    assertionTtlSeconds: integer(1, 86400),
  }),
  sts: shape({
    'credentialTtlSeconds?': integer(1, 129600),
    externalProviders: list(
      shape({
        issuer: string(URL_LIKE, 'an issuer URL'),
        'jwksUri?': string(URL_LIKE, 'a URL'),
        'clientIds?': list(string()),
      }),
    ),
  }),
  gateway: shape({
    buckets: list(
      string(BUCKET_NAME, 'an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)'),
    ),
    tables: list(
      shape({
        name: string(/^[\w.-]{3,255}$/, 'a table name'),
        partitionKey: string(),
        'sortKey?': string(),
      }),
    ),
  }),
  'dataDir?': string(),
  // Options of startDevstack that may sit beside the configuration (the CLI's file, tests).
  'ephemeralPorts?': anything,
  'clock?': anything,
  'logFile?': anything,
});

/**
 * Checks a resolved configuration and throws {@link DevstackConfigError} naming the first field
 * that is wrong: unknown options (typos), values of the wrong type or range, duplicate role
 * names, references to managed policies that do not exist, and every IAM policy document
 * (parsed as IAM parses it). Runs when the stack starts, before any server listens.
 */
export function validateDevstackConfig(config: DevstackConfig): void {
  SCHEMA(config, 'config');
  const roleNames = new Set<string>();
  config.roles.forEach((r, i) => {
    if (roleNames.has(r.name)) fail(`config.roles[${i}].name`, `"${r.name}" is used by two roles`);
    roleNames.add(r.name);
    const shorthand = r.webIdentity ?? r.samlProvider ?? r.assumableBy;
    if (r.trustPolicy !== undefined && shorthand !== undefined)
      fail(
        `config.roles[${i}]`,
        'sets trustPolicy and a trust shorthand (webIdentity, samlProvider, assumableBy): use one',
      );
  });
  try {
    new IamModel(config);
  } catch (error) {
    if (error instanceof PolicyDocumentError)
      fail(`config.${error.path}`, error.message.slice(error.path.length + 2));
    if (error instanceof TypeError) {
      const [field = 'config', ...rest] = error.message.split(': ');
      fail(`config.${field}`, rest.join(': '));
    }
    throw error;
  }
}
