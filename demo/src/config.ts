/**
 * Everything the demo needs to know about its identity providers and AWS, from `VITE_*`
 * variables at build time. The defaults are the local dev stack's (`pnpm devstack`); pointing the
 * demo at real AWS is a matter of setting these (an empty endpoint means the SDK's default).
 */
export interface DemoConfig {
  oidcAuthority: string;
  oidcClientId: string;
  /** Role assumed with the OIDC ID token. */
  roleArn: string;
  /** IdP-initiated SAML login page; it returns to `<origin>/saml#SAMLResponse=…`. */
  samlLoginUrl: string;
  region: string;
  stsEndpoint: string | undefined;
  s3Endpoint: string | undefined;
  dynamodbEndpoint: string | undefined;
  bucket: string;
  /** The per-user notes table: one partition per user (their subject), one item per note. */
  notesTable: { name: string; partitionKey: string; sortKey: string };
  /** A narrower role the signed-in role may chain into with AssumeRole. */
  chainedRoleArn: string;
  /** How long before expiry credentials are renewed; `undefined` = the library's default. */
  refreshWindowMs: number | undefined;
  /** Random extra lead on top of `refreshWindowMs`; `undefined` = the library's default. */
  refreshJitterMs: number | undefined;
}

const env = import.meta.env;

/** An unset variable takes the dev stack's value; a set but empty one means "not configured". */
const milliseconds = (value: string | undefined) => (value ? Number(value) : undefined);

const endpoint = (value: string | undefined, devstackDefault: string) =>
  (value ?? devstackDefault) || undefined;

/** The demo's configuration, resolved once from the build's `VITE_*` variables. */
export const config: DemoConfig = {
  oidcAuthority: env.VITE_OIDC_AUTHORITY || 'http://127.0.0.1:9010',
  oidcClientId: env.VITE_OIDC_CLIENT_ID || 'fedcreds-demo',
  roleArn: env.VITE_ROLE_ARN || 'arn:aws:iam::123456789012:role/fedcreds-demo-web',
  samlLoginUrl: env.VITE_SAML_LOGIN_URL || 'http://127.0.0.1:9020/login',
  region: env.VITE_REGION || 'us-east-1',
  stsEndpoint: endpoint(env.VITE_STS_ENDPOINT, 'http://127.0.0.1:9030'),
  s3Endpoint: endpoint(env.VITE_S3_ENDPOINT, 'http://127.0.0.1:9040'),
  dynamodbEndpoint: endpoint(env.VITE_DYNAMODB_ENDPOINT, 'http://127.0.0.1:9040'),
  bucket: env.VITE_BUCKET || 'fedcreds-demo',
  notesTable: {
    name: env.VITE_NOTES_TABLE || 'fedcreds-demo-notes',
    partitionKey: env.VITE_NOTES_PARTITION_KEY || 'userId',
    sortKey: env.VITE_NOTES_SORT_KEY || 'noteId',
  },
  chainedRoleArn:
    env.VITE_CHAINED_ROLE_ARN || 'arn:aws:iam::123456789012:role/fedcreds-demo-chained',
  refreshWindowMs: milliseconds(env.VITE_REFRESH_WINDOW_MS),
  refreshJitterMs: milliseconds(env.VITE_REFRESH_JITTER_MS),
};

/** The session's refresh timing options that are configured (unset ones keep the defaults). */
export const refreshTiming = {
  ...(config.refreshWindowMs === undefined ? {} : { refreshWindowMs: config.refreshWindowMs }),
  ...(config.refreshJitterMs === undefined ? {} : { refreshJitterMs: config.refreshJitterMs }),
};

/** The STS client configuration both kinds of session use (no endpoint: the SDK's default). */
export const stsClientConfig = {
  region: config.region,
  ...(config.stsEndpoint === undefined ? {} : { endpoint: config.stsEndpoint }),
};
