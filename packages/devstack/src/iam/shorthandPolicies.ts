import type { DevstackConfig, DevstackRole } from '../config.js';
import type { PolicyDocument, PolicyStatement } from './policyDocument.js';

/**
 * The provider URL IAM names an OpenID Provider by: its issuer without the scheme
 * (`https://idp.example.com/tenant` → `idp.example.com/tenant`). The provider's ARN is
 * `arn:aws:iam::<account>:oidc-provider/<url>` and its condition keys `<url>:sub`, `<url>:aud`.
 */
export function oidcProviderUrl(config: DevstackConfig, issuer: string): string {
  return issuer === 'devstack' ? config.oidc.providerUrl : issuer.replace(/^https?:\/\//, '');
}

/** ARN of an IAM OIDC identity provider. */
export const oidcProviderArn = (config: DevstackConfig, providerUrl: string) =>
  `arn:aws:iam::${config.accountId}:oidc-provider/${providerUrl}`;

/** Permission statements for read-write use of whole buckets (today's `allow.buckets`). */
export function bucketStatements(buckets: readonly string[]): PolicyStatement[] {
  if (buckets.length === 0) return [];
  return [
    {
      Effect: 'Allow',
      Action: 's3:*',
      Resource: buckets.flatMap((b) => [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`]),
    },
    { Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' },
  ];
}

/** Permission statements for read-write use of whole tables and their indexes. */
export function tableStatements(
  where: Pick<DevstackConfig, 'region' | 'accountId'>,
  tables: readonly string[],
): PolicyStatement[] {
  if (tables.length === 0) return [];
  const arn = (t: string) => `arn:aws:dynamodb:${where.region}:${where.accountId}:table/${t}`;
  return [
    {
      Effect: 'Allow',
      Action: 'dynamodb:*',
      Resource: tables.flatMap((t) => [arn(t), `${arn(t)}/*`]),
    },
    {
      Effect: 'Allow',
      Action: ['dynamodb:ListTables', 'dynamodb:DescribeLimits', 'dynamodb:DescribeEndpoints'],
      Resource: '*',
    },
  ];
}

/**
 * The trust policy a role's shorthand fields stand for (`webIdentity`, `samlProvider`,
 * `assumableBy`, `requireMfa`), as IAM JSON; `undefined` when the role uses none of them. The
 * statements also allow `sts:TagSession` and `sts:SetSourceIdentity`, which the shorthand always
 * permitted.
 */
export function shorthandTrustPolicy(
  config: DevstackConfig,
  role: DevstackRole,
): PolicyDocument | undefined {
  const statements: PolicyStatement[] = [];
  for (const trust of role.webIdentity ?? []) {
    const url = oidcProviderUrl(config, trust.issuer);
    statements.push({
      Effect: 'Allow',
      Principal: { Federated: oidcProviderArn(config, url) },
      Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession', 'sts:SetSourceIdentity'],
      Condition: {
        StringEquals: {
          [`${url}:aud`]: trust.audiences,
          ...(trust.subjects === undefined ? {} : { [`${url}:sub`]: trust.subjects }),
        },
      },
    });
  }
  if (role.samlProvider !== undefined) {
    statements.push({
      Effect: 'Allow',
      Principal: {
        Federated: `arn:aws:iam::${config.accountId}:saml-provider/${role.samlProvider}`,
      },
      Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession', 'sts:SetSourceIdentity'],
    });
  }
  if (role.assumableBy !== undefined && role.assumableBy.length > 0) {
    const isUser = (name: string) => config.accessKeys.some((k) => k.userName === name);
    statements.push({
      Effect: 'Allow',
      Principal: {
        AWS: role.assumableBy.map((name) =>
          isUser(name)
            ? `arn:aws:iam::${config.accountId}:user/${name}`
            : `arn:aws:iam::${config.accountId}:role/${name}`,
        ),
      },
      Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
      ...(role.requireMfa ? { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } } : {}),
    });
  }
  if (statements.length === 0 && role.assumableBy === undefined) return undefined;
  return { Version: '2012-10-17', Statement: statements };
}

/** The permission policy a role's `allow` shorthand stands for; `undefined` without one. */
export function shorthandPermissionPolicy(
  config: DevstackConfig,
  role: DevstackRole,
): PolicyDocument | undefined {
  if (role.allow === undefined) return undefined;
  return {
    Version: '2012-10-17',
    Statement: [
      ...bucketStatements(role.allow.buckets ?? []),
      ...tableStatements(config, role.allow.tables ?? []),
    ],
  };
}
