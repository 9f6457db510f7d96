import type { DevstackConfig, DevstackRole } from './config.js';
import type { PolicyDocument, PolicyStatement } from './iam/policyDocument.js';
import { bucketStatements, tableStatements } from './iam/shorthandPolicies.js';

/** Origin of the demo's Vite dev server. */
export const DEMO_ORIGIN = 'http://127.0.0.1:5173';
/** Client id of the demo's public PKCE client. */
export const DEMO_CLIENT_ID = 'fedcreds-demo';
/** AWS account id of the default configuration (every role and provider ARN uses it). */
export const DEFAULT_ACCOUNT_ID = '123456789012';

/** Provider URL IAM knows the stack's own OpenID Provider by (see `oidc.providerUrl`). */
export const DEFAULT_OIDC_PROVIDER_URL = '127.0.0.1:9010';
/** The demo's bucket and table. */
const DEMO_BUCKET = 'fedcreds-demo';
const DEMO_TABLE = 'fedcreds-demo';
/** The demo's per-user notes: partition key `userId` (the user's `sub`), sort key `noteId`. */
const DEMO_NOTES_TABLE = 'fedcreds-demo-notes';
/** AWS's managed policy granting everything (attached to the default IAM user `ci-user`). */
export const ADMINISTRATOR_ACCESS_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';
/** AWS's managed read-only S3 policy, handy as a `PolicyArns` session policy. */
export const S3_READ_ONLY_ACCESS_ARN = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';

const policy = (...Statement: PolicyStatement[]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement,
});

/**
 * The demo's roles as IAM JSON: who may assume each one (trust policy) and what it may do.
 * Built for the resolved account, region and provider names (`resolveDevstackConfig` rebuilds
 * them when those change and `roles` is not given). `fedcreds-demo-per-user` is the pattern browser apps deploy: each signed-in user may touch only
 * the S3 prefix `<sub>/` and the DynamoDB items whose partition key is their `sub`.
 */
export function defaultRoles(
  where: Pick<DevstackConfig, 'accountId' | 'region'> & {
    providerUrl: string;
    samlProviderName: string;
  } = {
    accountId: DEFAULT_ACCOUNT_ID,
    region: 'us-east-1',
    providerUrl: DEFAULT_OIDC_PROVIDER_URL,
    samlProviderName: 'fedcreds-devstack',
  },
): DevstackRole[] {
  const { accountId: account, region, providerUrl: provider } = where;
  const sub = '${' + provider + ':sub}';
  const sessionExtras = ['sts:TagSession', 'sts:SetSourceIdentity'];
  const webTrust = policy({
    Effect: 'Allow',
    Principal: { Federated: `arn:aws:iam::${account}:oidc-provider/${provider}` },
    Action: ['sts:AssumeRoleWithWebIdentity', ...sessionExtras],
    Condition: { StringEquals: { [`${provider}:aud`]: DEMO_CLIENT_ID } },
  });
  const samlTrust = policy({
    Effect: 'Allow',
    Principal: { Federated: `arn:aws:iam::${account}:saml-provider/${where.samlProviderName}` },
    Action: ['sts:AssumeRoleWithSAML', ...sessionExtras],
  });
  const assumableBy = (principals: string[], condition?: PolicyStatement['Condition']) =>
    policy({
      Effect: 'Allow',
      Principal: { AWS: principals.map((p) => `arn:aws:iam::${account}:${p}`) },
      Action: ['sts:AssumeRole', ...sessionExtras],
      ...(condition === undefined ? {} : { Condition: condition }),
    });
  const bucket = policy(...bucketStatements([DEMO_BUCKET]));
  const bucketAndTable = policy(
    ...bucketStatements([DEMO_BUCKET]),
    ...tableStatements(where, [DEMO_TABLE, DEMO_NOTES_TABLE]),
  );
  const tableArn = (table: string) => `arn:aws:dynamodb:${region}:${account}:table/${table}`;
  return [
    {
      name: 'fedcreds-demo-web',
      maxSessionDurationSeconds: 3600,
      trustPolicy: webTrust,
      policies: [bucketAndTable],
    },
    {
      name: 'fedcreds-demo-per-user',
      maxSessionDurationSeconds: 3600,
      trustPolicy: webTrust,
      policies: [
        policy(
          {
            Sid: 'ListOwnPrefix',
            Effect: 'Allow',
            Action: 's3:ListBucket',
            Resource: `arn:aws:s3:::${DEMO_BUCKET}`,
            Condition: { StringLike: { 's3:prefix': `${sub}/*` } },
          },
          {
            Sid: 'OwnObjects',
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
            Resource: `arn:aws:s3:::${DEMO_BUCKET}/${sub}/*`,
          },
          {
            Sid: 'OwnItems',
            Effect: 'Allow',
            Action: [
              'dynamodb:GetItem',
              'dynamodb:BatchGetItem',
              'dynamodb:Query',
              'dynamodb:PutItem',
              'dynamodb:UpdateItem',
              'dynamodb:DeleteItem',
              'dynamodb:BatchWriteItem',
            ],
            Resource: [tableArn(DEMO_TABLE), tableArn(DEMO_NOTES_TABLE)],
            Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': sub } },
          },
        ),
      ],
    },
    {
      name: 'fedcreds-demo-saml',
      maxSessionDurationSeconds: 3600,
      trustPolicy: samlTrust,
      policies: [bucketAndTable],
    },
    {
      name: 'fedcreds-demo-saml-readonly',
      maxSessionDurationSeconds: 3600,
      trustPolicy: samlTrust,
      policies: [bucket],
    },
    {
      name: 'fedcreds-demo-chained',
      maxSessionDurationSeconds: 43200,
      trustPolicy: assumableBy([
        'role/fedcreds-demo-web',
        'role/fedcreds-demo-saml',
        'user/ci-user',
      ]),
      policies: [bucketAndTable],
    },
    {
      name: 'fedcreds-demo-mfa',
      maxSessionDurationSeconds: 3600,
      trustPolicy: assumableBy(['user/ci-user'], {
        Bool: { 'aws:MultiFactorAuthPresent': 'true' },
      }),
      policies: [bucket],
    },
  ];
}

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
    roles: defaultRoles(),
    iamUsers: [{ userName: 'ci-user', managedPolicyArns: [ADMINISTRATOR_ACCESS_ARN] }],
    managedPolicies: [
      {
        arn: ADMINISTRATOR_ACCESS_ARN,
        document: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
        },
      },
      {
        arn: S3_READ_ONLY_ACCESS_ARN,
        document: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' }],
        },
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
      providerUrl: DEFAULT_OIDC_PROVIDER_URL,
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
        { name: DEMO_NOTES_TABLE, partitionKey: 'userId', sortKey: 'noteId' },
      ],
    },
  };
}
