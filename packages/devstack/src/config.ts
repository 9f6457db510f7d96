import { defaultDevstackConfig, defaultRoles } from './defaultDevstackConfig.js';
import { validateDevstackConfig } from './validateDevstackConfig.js';
import type { PolicyDocument } from './iam/policyDocument.js';

/**
 * The one configuration of the local federation stack: who can sign in, which roles trust whom,
 * what each role may touch, and how long tokens and credentials live. Every part of the stack
 * (OpenID Provider, SAML IdP, STS, S3/DynamoDB gateway) reads the same resolved object.
 */

/** A person who can sign in at the OpenID Provider and the SAML IdP. */
export interface DevstackUser {
  /** Login name typed into the login pages. */
  username: string;
  /** Password typed into the login pages (dev only, never a real secret). */
  password: string;
  /** Stable subject: the ID token's `sub` and the SAML `NameID`. */
  sub: string;
  email?: string;
  name?: string;
  /** Role names (see {@link DevstackRole.name}) the SAML IdP offers this user. */
  samlRoles?: string[];
}

/** Who may assume a role with AssumeRoleWithWebIdentity (the role's OIDC trust conditions). */
export interface WebIdentityTrust {
  /**
   * Issuer URL the ID token must carry in `iss`. `'devstack'` means the stack's own OpenID
   * Provider; any other value is an external issuer whose JWKS is found through discovery
   * (`<issuer>/.well-known/openid-configuration`) or given in {@link ExternalIdentityProvider}.
   */
  issuer: string;
  /** Accepted `aud` values (at least one must match). */
  audiences: string[];
  /** When set, only these `sub` values may assume the role. */
  subjects?: string[];
}

/**
 * A role the stack's STS can hand out credentials for. Who may assume it is its `trustPolicy` and
 * what its sessions may do are its `policies` and `managedPolicyArns`, IAM JSON as deployed to AWS.
 * The older shorthand fields (`webIdentity`, `samlProvider`, `assumableBy`, `requireMfa`, `allow`)
 * still work: the stack turns them into the same IAM JSON (see the README).
 */
export interface DevstackRole {
  /** IAM role name; the ARN is `arn:aws:iam::<accountId>:role/<name>`. */
  name: string;
  /** Role's maximum session duration in seconds (AWS: 3600–43200). @default 3600 */
  maxSessionDurationSeconds?: number;
  /**
   * The role's trust policy (`AssumeRolePolicyDocument`): statements with `Principal.Federated`
   * (an OIDC provider ARN `arn:aws:iam::<acct>:oidc-provider/<providerUrl>` or the SAML provider
   * ARN), `Principal.AWS` (user, role or account ARNs) and conditions on `<providerUrl>:aud`,
   * `<providerUrl>:sub`, `SAML:aud`, `SAML:sub`, `aws:MultiFactorAuthPresent`, `sts:ExternalId`, …
   * Actions: `sts:AssumeRoleWithWebIdentity`, `sts:AssumeRoleWithSAML`, `sts:AssumeRole`, and
   * `sts:TagSession` / `sts:SetSourceIdentity` when sessions carry tags or a source identity.
   * Replaces the trust shorthands when set.
   */
  trustPolicy?: PolicyDocument;
  /** Inline permission policies (identity-based). */
  policies?: PolicyDocument[];
  /** Managed policies attached to the role, by ARN (see {@link DevstackConfig.managedPolicies}). */
  managedPolicyArns?: string[];
  /** Role tags: `aws:PrincipalTag/<key>` in its sessions' requests (session tags override them). */
  tags?: Record<string, string>;
  /** Shorthand trust for AssumeRoleWithWebIdentity (becomes a `Principal.Federated` statement). */
  webIdentity?: WebIdentityTrust[];
  /** Shorthand trust for AssumeRoleWithSAML: the SAML provider name (`arn:aws:iam::<acct>:saml-provider/<name>`). */
  samlProvider?: string;
  /**
   * Shorthand trust for AssumeRole: role names (credentials issued for that role may chain into
   * this one) or long-term user names (a `Principal.AWS` statement).
   */
  assumableBy?: string[];
  /** With `assumableBy`: require MFA (`aws:MultiFactorAuthPresent`) on AssumeRole. @default false */
  requireMfa?: boolean;
  /** Shorthand permissions: read-write use of whole buckets and tables (and listing them). */
  allow?: { buckets?: string[]; tables?: string[] };
}

/** An IAM user: the principal behind {@link DevstackAccessKey}s with its `userName`. */
export interface DevstackIamUser {
  userName: string;
  /** Inline permission policies (identity-based). */
  policies?: PolicyDocument[];
  /** Managed policies attached to the user, by ARN. */
  managedPolicyArns?: string[];
  /** User tags: `aws:PrincipalTag/<key>`. */
  tags?: Record<string, string>;
}

/** A customer or AWS managed policy that roles, users and `PolicyArns` session policies refer to. */
export interface DevstackManagedPolicy {
  /** `arn:aws:iam::<accountId>:policy/<name>` or `arn:aws:iam::aws:policy/<name>`. */
  arn: string;
  document: PolicyDocument;
}

/** A long-term IAM user key pair, for AssumeRole / GetSessionToken from a "server" principal. */
export interface DevstackAccessKey {
  userName: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** MFA device of this user: serial number and TOTP secret (base32) and/or a fixed dev code. */
  mfa?: { serialNumber: string; totpSecret?: string; devCode?: string };
}

/** An OIDC client registered at the stack's OpenID Provider. */
export interface DevstackOidcClient {
  clientId: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
}

/** An external OpenID Provider trusted by STS (tests use this for "untrusted issuer" cases). */
export interface ExternalIdentityProvider {
  issuer: string;
  /**
   * The IAM provider's client ID list: a token whose audience (`azp`, else `aud`) is not in it is
   * refused with `InvalidIdentityToken` before any trust policy is read. Audiences of roles'
   * `webIdentity` shorthand for this issuer are added. @default []
   */
  clientIds?: string[];
  /** JWKS URL; when absent it is read from the issuer's discovery document. */
  jwksUri?: string;
}

/** Everything the stack needs; every field has a default (see {@link defaultDevstackConfig}). */
export interface DevstackConfig {
  /** Interface every server binds to. Only loopback is allowed. @default '127.0.0.1' */
  host: string;
  /** Ports; `0` picks a free port (tests). */
  ports: { oidc: number; saml: number; sts: number; gateway: number };
  accountId: string;
  region: string;
  /** Browser origins allowed by CORS on every server (the demo's dev server). */
  allowedOrigins: string[];
  users: DevstackUser[];
  roles: DevstackRole[];
  /** IAM users and their policies; an access key's user without an entry here may do nothing. */
  iamUsers: DevstackIamUser[];
  /** Managed policies by ARN, for roles, users and session `PolicyArns`. */
  managedPolicies: DevstackManagedPolicy[];
  accessKeys: DevstackAccessKey[];
  oidc: {
    clients: DevstackOidcClient[];
    /**
     * The provider URL IAM knows the stack's OpenID Provider by (no scheme): its ARN is
     * `arn:aws:iam::<accountId>:oidc-provider/<providerUrl>` and its condition keys and policy
     * variables `<providerUrl>:sub` / `:aud`. It stays the same whatever port the provider binds
     * (`--ephemeral`), so policies need not change. @default '127.0.0.1:9010'
     */
    providerUrl: string;
    /**
     * The IAM provider's client ID list (see {@link ExternalIdentityProvider.clientIds}).
     * @default every `clients[].clientId`
     */
    clientIds?: string[];
    /** ID token lifetime in seconds. @default 3600 */
    idTokenTtlSeconds: number;
    /** Access token lifetime in seconds. @default 3600 */
    accessTokenTtlSeconds: number;
    /** Refresh token lifetime in seconds (rotated on every use). @default 86400 */
    refreshTokenTtlSeconds: number;
  };
  saml: {
    /** Name of the SAML provider in IAM; its ARN is the `PrincipalArn`. */
    providerName: string;
    /** Where the IdP posts the SAML Response (the stack's ACS that hands it to the SPA). */
    spEntityId: string;
    /** SPA URL the ACS redirects to, with the assertion in the fragment. */
    appReturnUrl: string;
    /** `SessionDuration` attribute in seconds. @default 3600 */
    sessionDurationSeconds: number;
    /** Assertion validity (`NotOnOrAfter`) in seconds. @default 300 */
    assertionTtlSeconds: number;
  };
  sts: {
    /**
     * Dev setting: when set, every issued credential lives this many seconds, whatever duration
     * was (validly) requested, the way a SAML `SessionDuration` shortens a session. `Expiration`
     * in the response says so. Lets tests watch refreshes in real time.
     */
    credentialTtlSeconds?: number;
    /** Trusted issuers besides the stack's own OpenID Provider. */
    externalProviders: ExternalIdentityProvider[];
  };
  gateway: {
    buckets: string[];
    /**
     * Tables created at start: string partition key, and an optional string sort key (the demo's
     * notes table keeps one partition per user, one item per note).
     */
    tables: { name: string; partitionKey: string; sortKey?: string }[];
  };
  /** Where s3rver keeps objects; `undefined` = a fresh temporary directory. */
  dataDir?: string;
}

/** Options accepted by `startDevstack`: any part of the config, deeply optional at the top level. */
export type DevstackOptions = Partial<
  Omit<DevstackConfig, 'ports' | 'oidc' | 'saml' | 'sts' | 'gateway'>
> & {
  ports?: Partial<DevstackConfig['ports']>;
  oidc?: Partial<DevstackConfig['oidc']>;
  saml?: Partial<DevstackConfig['saml']>;
  sts?: Partial<DevstackConfig['sts']>;
  gateway?: Partial<DevstackConfig['gateway']>;
};

export {
  ADMINISTRATOR_ACCESS_ARN,
  DEFAULT_ACCOUNT_ID,
  DEFAULT_OIDC_PROVIDER_URL,
  DEMO_CLIENT_ID,
  DEMO_ORIGIN,
  defaultDevstackConfig,
  S3_READ_ONLY_ACCESS_ARN,
} from './defaultDevstackConfig.js';

/** Merges options over the defaults (one level deep for the nested sections). */
export function resolveDevstackConfig(options: DevstackOptions = {}): DevstackConfig {
  const base = defaultDevstackConfig();
  const config: DevstackConfig = {
    ...base,
    ...options,
    ports: { ...base.ports, ...options.ports },
    oidc: { ...base.oidc, ...options.oidc },
    saml: { ...base.saml, ...options.saml },
    sts: { ...base.sts, ...options.sts },
    gateway: { ...base.gateway, ...options.gateway },
  };
  if (options.roles === undefined) {
    // The default roles name the account, region and providers: follow them when they change.
    config.roles = defaultRoles({
      accountId: config.accountId,
      region: config.region,
      providerUrl: config.oidc.providerUrl,
      samlProviderName: config.saml.providerName,
    });
  }
  assertLoopbackHost(config.host);
  validateDevstackConfig(config);
  return config;
}

/**
 * Types a devstack configuration file: an identity function, so an editor checks the options and
 * completes them. `fedcreds-devstack --config devstack.config.mjs` loads the module's default
 * export; a `.json` file holds the same object.
 *
 * @example
 * // devstack.config.mjs
 * import { defineDevstackConfig } from '@fedcreds/devstack';
 * export default defineDevstackConfig({
 *   roles: [{ name: 'app', trustPolicy: { ... }, policies: [{ ... }] }],
 * });
 */
export function defineDevstackConfig(options: DevstackOptions): DevstackOptions {
  return options;
}

/**
 * Throws unless `host` is a 127.0.0.0/8 address. Every server of the stack checks it before it
 * binds, so a configuration that never went through {@link resolveDevstackConfig} cannot expose
 * the stack (dev passwords, unsigned control endpoints) beyond the machine either.
 */
export function assertLoopbackHost(host: string): void {
  if (!/^127\.\d+\.\d+\.\d+$/.test(host)) {
    throw new Error(`devstack: host must be a 127.0.0.0/8 address, got "${host}"`);
  }
}

/** ARN of a configured role. */
export const roleArn = (config: DevstackConfig, name: string) =>
  `arn:aws:iam::${config.accountId}:role/${name}`;

/** ARN of the stack's SAML provider (the `PrincipalArn` of AssumeRoleWithSAML). */
export const samlProviderArn = (config: DevstackConfig, name = config.saml.providerName) =>
  `arn:aws:iam::${config.accountId}:saml-provider/${name}`;
