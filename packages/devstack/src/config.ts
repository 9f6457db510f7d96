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

/** A role the stack's STS can hand out credentials for. */
export interface DevstackRole {
  /** IAM role name; the ARN is `arn:aws:iam::<accountId>:role/<name>`. */
  name: string;
  /** Role's maximum session duration in seconds (AWS: 3600–43200). @default 3600 */
  maxSessionDurationSeconds?: number;
  /** Trust for AssumeRoleWithWebIdentity. */
  webIdentity?: WebIdentityTrust[];
  /** Trust for AssumeRoleWithSAML: the SAML provider name (`arn:aws:iam::<acct>:saml-provider/<name>`). */
  samlProvider?: string;
  /**
   * Principals allowed to call AssumeRole on this role: role names (credentials issued for that
   * role may chain into this one) or long-term user names.
   */
  assumableBy?: string[];
  /** Require MFA (`SerialNumber` + `TokenCode`) on AssumeRole. @default false */
  requireMfa?: boolean;
  /** Buckets and tables credentials of this role may use at the gateway; anything else is AccessDenied. */
  allow?: { buckets?: string[]; tables?: string[] };
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
  accessKeys: DevstackAccessKey[];
  oidc: {
    clients: DevstackOidcClient[];
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

/** Origin of the demo's Vite dev server. */
export const DEMO_ORIGIN = 'http://127.0.0.1:5173';
/** Client id of the demo's public PKCE client. */
export const DEMO_CLIENT_ID = 'fedcreds-demo';
/** AWS account id of the default configuration (every role and provider ARN uses it). */
export const DEFAULT_ACCOUNT_ID = '123456789012';

/** The configuration the demo runs on; tests start from it and override. */
export function defaultDevstackConfig(): DevstackConfig {
  return {
    host: '127.0.0.1',
    ports: { oidc: 9010, saml: 9020, sts: 9030, gateway: 9040 },
    accountId: DEFAULT_ACCOUNT_ID,
    region: 'us-east-1',
    allowedOrigins: [DEMO_ORIGIN, 'http://localhost:5173'],
    users: [
      {
        username: 'alice',
        password: 'alice-password',
        sub: 'alice',
        email: 'alice@example.test',
        name: 'Alice',
        samlRoles: ['fedcreds-demo-saml', 'fedcreds-demo-saml-readonly'],
      },
      {
        username: 'bob',
        password: 'bob-password',
        sub: 'bob',
        email: 'bob@example.test',
        name: 'Bob',
        samlRoles: ['fedcreds-demo-saml-readonly'],
      },
    ],
    roles: [
      {
        name: 'fedcreds-demo-web',
        maxSessionDurationSeconds: 3600,
        webIdentity: [{ issuer: 'devstack', audiences: [DEMO_CLIENT_ID] }],
        allow: { buckets: ['fedcreds-demo'], tables: ['fedcreds-demo', 'fedcreds-demo-notes'] },
      },
      {
        name: 'fedcreds-demo-saml',
        maxSessionDurationSeconds: 3600,
        samlProvider: 'fedcreds-devstack',
        allow: { buckets: ['fedcreds-demo'], tables: ['fedcreds-demo', 'fedcreds-demo-notes'] },
      },
      {
        name: 'fedcreds-demo-saml-readonly',
        maxSessionDurationSeconds: 3600,
        samlProvider: 'fedcreds-devstack',
        allow: { buckets: ['fedcreds-demo'] },
      },
      {
        name: 'fedcreds-demo-chained',
        maxSessionDurationSeconds: 43200,
        assumableBy: ['fedcreds-demo-web', 'fedcreds-demo-saml', 'ci-user'],
        allow: { buckets: ['fedcreds-demo'], tables: ['fedcreds-demo', 'fedcreds-demo-notes'] },
      },
      {
        name: 'fedcreds-demo-mfa',
        maxSessionDurationSeconds: 3600,
        assumableBy: ['ci-user'],
        requireMfa: true,
        allow: { buckets: ['fedcreds-demo'] },
      },
    ],
    accessKeys: [
      {
        userName: 'ci-user',
        accessKeyId: 'AKIADEVSTACKCIUSER01',
        secretAccessKey: 'devstack/ci-user/secret/not-a-real-key-000',
        mfa: { serialNumber: `arn:aws:iam::${DEFAULT_ACCOUNT_ID}:mfa/ci-user`, devCode: '123456' },
      },
    ],
    oidc: {
      clients: [
        {
          clientId: DEMO_CLIENT_ID,
          redirectUris: [`${DEMO_ORIGIN}/`, `${DEMO_ORIGIN}/callback`, 'http://localhost:5173/'],
          postLogoutRedirectUris: [`${DEMO_ORIGIN}/`],
        },
      ],
      idTokenTtlSeconds: 3600,
      accessTokenTtlSeconds: 3600,
      refreshTokenTtlSeconds: 86400,
    },
    saml: {
      providerName: 'fedcreds-devstack',
      spEntityId: 'urn:amazon:webservices',
      appReturnUrl: `${DEMO_ORIGIN}/saml`,
      sessionDurationSeconds: 3600,
      assertionTtlSeconds: 300,
    },
    sts: { externalProviders: [] },
    gateway: {
      buckets: ['fedcreds-demo'],
      tables: [
        { name: 'fedcreds-demo', partitionKey: 'pk' },
        { name: 'fedcreds-demo-notes', partitionKey: 'userId', sortKey: 'noteId' },
      ],
    },
  };
}

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
  assertLoopbackHost(config.host);
  return config;
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
