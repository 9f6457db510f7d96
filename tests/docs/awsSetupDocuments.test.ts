import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  evaluatePolicies,
  evaluateTrustPolicy,
  parsePolicy,
  RequestContext,
} from '@fedcreds/devstack';
import { describe, expect, it } from 'vitest';

const docsDir = fileURLToPath(new URL('../../docs/', import.meta.url));
const awsDir = `${docsDir}aws/`;
const read = async (file: string) =>
  JSON.parse(await readFile(`${awsDir}${file}`, 'utf8')) as unknown;

// IAM's grammar, as far as these documents use it (IAM JSON policy reference: Version,
// Statement, Effect, Principal, Action, Resource, Condition; operators and set qualifiers).
const CONDITION_OPERATOR =
  /^(ForAllValues:|ForAnyValue:)?(StringEquals|StringNotEquals|StringLike|StringNotLike|StringEqualsIgnoreCase|ArnLike|ArnEquals|Bool|DateGreaterThan|DateLessThan|NumericLessThanEquals|Null)(IfExists)?$/;
const ACTION = /^(sts|s3|dynamodb):[A-Za-z*]+$/;
const POLICY_VARIABLE = /\$\{([^}]*)\}/g;
// The variables IAM substitutes for web identity and SAML federated users.
const KNOWN_VARIABLES = new Set(['idp.example.com:sub', 'saml:sub', 'aws:username']);

interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: { Federated: string };
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

function checkPolicy(policy: unknown, kind: 'trust' | 'permissions'): Statement[] {
  const { Version, Statement: statements } = policy as { Version: string; Statement: Statement[] };
  expect(Version).toBe('2012-10-17');
  expect(Array.isArray(statements) && statements.length > 0).toBe(true);
  const sids = statements.map((s) => s.Sid).filter(Boolean);
  expect(new Set(sids).size).toBe(sids.length);
  for (const statement of statements) {
    expect(statement.Effect).toMatch(/^(Allow|Deny)$/);
    for (const action of [statement.Action].flat()) expect(action).toMatch(ACTION);
    if (kind === 'trust') {
      // A role trust policy names who may assume it, and no resource.
      expect(statement.Principal?.Federated).toMatch(
        /^arn:aws:iam::\d{12}:(oidc-provider\/[a-z0-9.-]+|saml-provider\/[\w+=,.@-]+)$/,
      );
      expect(statement.Resource).toBeUndefined();
    } else {
      expect(statement.Principal).toBeUndefined();
      for (const resource of [statement.Resource].flat()) {
        expect(resource).toMatch(
          /^arn:aws:(s3:::[a-z0-9.-]+(\/.*)?|dynamodb:[a-z0-9-]+:\d{12}:table\/[\w.-]+)$/,
        );
      }
    }
    for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
      expect(operator).toMatch(CONDITION_OPERATOR);
      for (const [key, value] of Object.entries(keys)) {
        expect(key).toMatch(
          /^([a-z0-9.-]+:(aud|sub|amr)|SAML:(aud|sub|sub_type)|s3:prefix|dynamodb:LeadingKeys)$/,
        );
        // Multi-valued keys need a set qualifier; single-valued ones must not have one.
        expect(operator.startsWith('ForAllValues:')).toBe(key === 'dynamodb:LeadingKeys');
        for (const item of [value].flat()) expect(typeof item).toBe('string');
      }
    }
    for (const [, name] of JSON.stringify(statement).matchAll(POLICY_VARIABLE)) {
      expect(KNOWN_VARIABLES.has(name!), `unknown policy variable \${${name}}`).toBe(true);
    }
  }
  return statements;
}

describe('docs/aws: the JSON documents of the real-AWS guide', () => {
  it('the OIDC trust policy pins the audience (client id) and conditions on sub', async () => {
    const [statement] = checkPolicy(await read('oidc-trust-policy.json'), 'trust');
    expect(statement!.Action).toBe('sts:AssumeRoleWithWebIdentity');
    const provider = statement!.Principal!.Federated.split('oidc-provider/')[1];
    expect(statement!.Condition!.StringEquals![`${provider}:aud`]).toBe('my-spa');
    expect(statement!.Condition!.StringLike![`${provider}:sub`]).toBeDefined();
  });

  it('the SAML trust policy pins SAML:aud to the ACS relay URL', async () => {
    const [statement] = checkPolicy(await read('saml-trust-policy.json'), 'trust');
    expect(statement!.Action).toBe('sts:AssumeRoleWithSAML');
    expect(statement!.Condition!.StringEquals!['SAML:aud']).toBe(
      'https://auth.example.com/saml/acs',
    );
  });

  it.each([
    ['oidc-permissions-policy.json', 'idp.example.com:sub'],
    ['saml-permissions-policy.json', 'saml:sub'],
  ])(
    '%s confines S3 to the user prefix and DynamoDB to the user leading key',
    async (file, variable) => {
      const statements = checkPolicy(await read(file), 'permissions');
      const user = `\${${variable}}`;
      const objects = statements.find((s) => [s.Action].flat().includes('s3:GetObject'))!;
      expect(objects.Resource).toBe(`arn:aws:s3:::my-app-bucket/${user}/*`);
      const list = statements.find((s) => s.Action === 's3:ListBucket')!;
      expect(list.Condition!.StringLike!['s3:prefix']).toEqual([`${user}/`, `${user}/*`]);
      const items = statements.find((s) => [s.Action].flat().includes('dynamodb:Query'))!;
      expect(items.Condition!['ForAllValues:StringEquals']!['dynamodb:LeadingKeys']).toEqual([
        user,
      ]);
    },
  );

  it('the S3 CORS rules expose ETag and the x-amz-* headers the SDK reads, without wildcards', async () => {
    const { CORSRules } = (await read('s3-cors.json')) as {
      CORSRules: { AllowedOrigins: string[]; AllowedMethods: string[]; ExposeHeaders: string[] }[];
    };
    const [rule] = CORSRules;
    expect(rule!.AllowedOrigins.every((origin) => /^https:\/\/[^/*]+$/.test(origin))).toBe(true);
    expect(rule!.AllowedMethods).toEqual(expect.arrayContaining(['GET', 'PUT', 'HEAD']));
    expect(rule!.ExposeHeaders).toEqual(
      expect.arrayContaining(['ETag', 'x-amz-request-id', 'x-amz-version-id']),
    );
    // S3 refuses wildcards in ExposeHeaders ("x-amz-*" is not accepted).
    expect(rule!.ExposeHeaders.some((header) => header.includes('*'))).toBe(false);
  });

  it('the guide uses every document, by the path it has in the repo', async () => {
    const guide = await readFile(`${docsDir}aws-setup.md`, 'utf8');
    for (const file of await readdir(awsDir)) expect(guide).toContain(`file://docs/aws/${file}`);
    for (const [, path] of guide.matchAll(/file:\/\/(docs\/aws\/[\w.-]+)/g)) {
      await expect(
        readFile(fileURLToPath(new URL(`../../${path}`, import.meta.url))),
      ).resolves.toBeDefined();
    }
  });
});

describe("docs/aws: the guide's policies, evaluated by the dev stack's IAM engine", () => {
  const allowed = (decision: { effect: string }) => decision.effect === 'allow';

  it.each([
    ['oidc-permissions-policy.json', 'idp.example.com:sub'],
    ['saml-permissions-policy.json', 'saml:sub'],
  ])('%s lets alice reach her own data and nothing of bob’s', async (file, subKey) => {
    const policy = parsePolicy(await read(file), 'identity', file);
    const as = (sub: string, extra: Record<string, string | string[]> = {}) =>
      new RequestContext({ [subKey]: sub, ...extra });
    const query = (action: string, resource: string, context: RequestContext) =>
      allowed(evaluatePolicies({ identity: [policy] }, { action, resource, context }));
    const bucket = 'arn:aws:s3:::my-app-bucket';
    const table = 'arn:aws:dynamodb:eu-west-1:123456789012:table/my-app-table';

    expect(query('s3:GetObject', `${bucket}/alice/notes.txt`, as('alice'))).toBe(true);
    expect(query('s3:PutObject', `${bucket}/alice/a/b.txt`, as('alice'))).toBe(true);
    expect(query('s3:GetObject', `${bucket}/bob/notes.txt`, as('alice'))).toBe(false);
    expect(query('s3:GetObject', `${bucket}/alice-evil/x`, as('alice'))).toBe(false);
    expect(query('s3:ListBucket', bucket, as('alice', { 's3:prefix': 'alice/' }))).toBe(true);
    expect(query('s3:ListBucket', bucket, as('alice', { 's3:prefix': 'bob/' }))).toBe(false);
    expect(query('s3:ListBucket', bucket, as('alice'))).toBe(false);
    expect(query('dynamodb:Query', table, as('alice', { 'dynamodb:LeadingKeys': ['alice'] }))).toBe(
      true,
    );
    expect(query('dynamodb:GetItem', table, as('alice', { 'dynamodb:LeadingKeys': ['bob'] }))).toBe(
      false,
    );
    expect(query('dynamodb:Scan', table, as('alice'))).toBe(false);
  });

  it('the OIDC trust policy admits only tokens for my-spa from the registered provider', async () => {
    const policy = parsePolicy(await read('oidc-trust-policy.json'), 'trust', 'oidc-trust-policy');
    const provider = 'arn:aws:iam::123456789012:oidc-provider/idp.example.com';
    const trust = (federated: string, aud: string) =>
      evaluateTrustPolicy(
        policy,
        { federated },
        'sts:AssumeRoleWithWebIdentity',
        new RequestContext({ 'idp.example.com:aud': aud, 'idp.example.com:sub': 'alice' }),
      );
    expect(trust(provider, 'my-spa')).toBe('allow-principal');
    expect(trust(provider, 'another-app')).not.toMatch(/^allow/);
    expect(
      trust('arn:aws:iam::123456789012:oidc-provider/other.example.com', 'my-spa'),
    ).not.toMatch(/^allow/);
  });

  it('the SAML trust policy refuses an assertion addressed to the AWS console', async () => {
    const policy = parsePolicy(await read('saml-trust-policy.json'), 'trust', 'saml-trust-policy');
    const provider = 'arn:aws:iam::123456789012:saml-provider/my-idp';
    const trust = (aud: string) =>
      evaluateTrustPolicy(
        policy,
        { federated: provider },
        'sts:AssumeRoleWithSAML',
        new RequestContext({ 'SAML:aud': aud }),
      );
    expect(trust('https://auth.example.com/saml/acs')).toBe('allow-principal');
    expect(trust('https://signin.aws.amazon.com/saml')).not.toMatch(/^allow/);
  });
});
