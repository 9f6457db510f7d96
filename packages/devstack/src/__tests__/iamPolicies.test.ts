import { describe, expect, it } from 'vitest';
import {
  accessDeniedMessage,
  evaluatePolicies,
  evaluateTrustPolicy,
  parsePolicy,
  PolicyDocumentError,
  RequestContext,
} from '@fedcreds/devstack';
import type { PolicyDocument, PolicyStatement } from '@fedcreds/devstack';

const PROVIDER = '127.0.0.1:9010';
const BUCKET = 'arn:aws:s3:::demo';
const TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/demo';

const policy = (...Statement: PolicyStatement[]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement,
});
const identity = (...statements: PolicyStatement[]) =>
  parsePolicy(policy(...statements), 'identity');
const decide = (
  statements: PolicyStatement[],
  action: string,
  resource: string,
  context: Record<string, string | string[] | boolean> = {},
  session?: PolicyStatement[],
) =>
  evaluatePolicies(
    {
      identity: [identity(...statements)],
      session: session && [parsePolicy(policy(...session), 'session')],
    },
    { action, resource, context: new RequestContext(context) },
  ).effect;

const perUserPrefix: PolicyStatement = {
  Effect: 'Allow',
  Action: ['s3:GetObject', 's3:PutObject'],
  Resource: `${BUCKET}/\${${PROVIDER}:sub}/*`,
};

describe('IAM policy evaluation', () => {
  it('allows nothing without an allowing statement', () => {
    expect(decide([], 's3:GetObject', `${BUCKET}/a`)).toBe('implicit-deny');
  });

  it('lets an explicit deny beat any allow', () => {
    const statements: PolicyStatement[] = [
      { Effect: 'Allow', Action: 's3:*', Resource: '*' },
      { Effect: 'Deny', Action: 's3:DeleteObject', Resource: `${BUCKET}/*` },
    ];
    expect(decide(statements, 's3:GetObject', `${BUCKET}/a`)).toBe('allow');
    expect(decide(statements, 's3:DeleteObject', `${BUCKET}/a`)).toBe('explicit-deny');
  });

  it('matches actions case-insensitively and ARNs case-sensitively', () => {
    const statements: PolicyStatement[] = [
      { Effect: 'Allow', Action: 'S3:get*', Resource: `${BUCKET}/Docs/*` },
    ];
    expect(decide(statements, 's3:GetObject', `${BUCKET}/Docs/x`)).toBe('allow');
    expect(decide(statements, 's3:GetObject', `${BUCKET}/docs/x`)).toBe('implicit-deny');
    expect(decide(statements, 's3:PutObject', `${BUCKET}/Docs/x`)).toBe('implicit-deny');
  });

  it('supports ? as exactly one character and keeps wildcards inside one ARN component', () => {
    const statements: PolicyStatement[] = [
      { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: 'arn:aws:dynamodb:*:*:table/d?mo' },
    ];
    expect(decide(statements, 'dynamodb:GetItem', TABLE)).toBe('allow');
    expect(decide(statements, 'dynamodb:GetItem', `${TABLE}x`)).toBe('implicit-deny');
    const spanning: PolicyStatement[] = [
      { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: 'arn:aws:dynamodb:*:table/demo' },
    ];
    expect(decide(spanning, 'dynamodb:GetItem', TABLE)).toBe('implicit-deny');
  });

  it('applies NotAction and NotResource as complements', () => {
    const notAction: PolicyStatement[] = [
      { Effect: 'Allow', NotAction: 's3:Delete*', Resource: '*' },
    ];
    expect(decide(notAction, 's3:GetObject', `${BUCKET}/a`)).toBe('allow');
    expect(decide(notAction, 's3:DeleteObject', `${BUCKET}/a`)).toBe('implicit-deny');
    const notResource: PolicyStatement[] = [
      { Effect: 'Allow', Action: 's3:*', Resource: '*' },
      { Effect: 'Deny', Action: 's3:*', NotResource: [`${BUCKET}`, `${BUCKET}/*`] },
    ];
    expect(decide(notResource, 's3:GetObject', `${BUCKET}/a`)).toBe('allow');
    expect(decide(notResource, 's3:GetObject', 'arn:aws:s3:::other/a')).toBe('explicit-deny');
  });

  describe('policy variables', () => {
    it("resolves the provider's sub into a per-user prefix", () => {
      expect(
        decide([perUserPrefix], 's3:GetObject', `${BUCKET}/alice/notes.txt`, {
          [`${PROVIDER}:sub`]: 'alice',
        }),
      ).toBe('allow');
      expect(
        decide([perUserPrefix], 's3:GetObject', `${BUCKET}/bob/notes.txt`, {
          [`${PROVIDER}:sub`]: 'alice',
        }),
      ).toBe('implicit-deny');
    });

    it('treats a substituted value as literal text, never as a wildcard', () => {
      expect(
        decide([perUserPrefix], 's3:GetObject', `${BUCKET}/bob/notes.txt`, {
          [`${PROVIDER}:sub`]: '*',
        }),
      ).toBe('implicit-deny');
    });

    it('matches nothing when the key is missing, unless a default is given', () => {
      expect(decide([perUserPrefix], 's3:GetObject', `${BUCKET}/alice/x`)).toBe('implicit-deny');
      const withDefault: PolicyStatement = {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: `${BUCKET}/\${aws:PrincipalTag/team, 'shared'}/*`,
      };
      expect(decide([withDefault], 's3:GetObject', `${BUCKET}/shared/x`)).toBe('allow');
      expect(
        decide([withDefault], 's3:GetObject', `${BUCKET}/red/x`, {
          'aws:PrincipalTag/team': 'red',
        }),
      ).toBe('allow');
    });

    it('reads ${*}, ${?} and ${$} as the literal characters', () => {
      const literal: PolicyStatement = {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: `${BUCKET}/\${*}\${?}\${$}`,
      };
      expect(decide([literal], 's3:GetObject', `${BUCKET}/*?$`)).toBe('allow');
      expect(decide([literal], 's3:GetObject', `${BUCKET}/ab$`)).toBe('implicit-deny');
    });

    it('leaves ${…} as text in a policy without Version 2012-10-17', () => {
      const legacy = parsePolicy(
        { Statement: { ...perUserPrefix, Resource: `${BUCKET}/\${aws:userid}` } },
        'identity',
      );
      const query = (resource: string) => ({
        action: 's3:GetObject',
        resource,
        context: new RequestContext({ 'aws:userid': 'AROA:alice' }),
      });
      expect(evaluatePolicies({ identity: [legacy] }, query(`${BUCKET}/AROA:alice`)).effect).toBe(
        'implicit-deny',
      );
      expect(
        evaluatePolicies({ identity: [legacy] }, query(`${BUCKET}/\${aws:userid}`)).effect,
      ).toBe('allow');
    });
  });

  describe('condition operators', () => {
    const listPrefix = (operator: string, values: string | string[]): PolicyStatement[] => [
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: BUCKET,
        Condition: { [operator]: { 's3:prefix': values } },
      },
    ];

    it('StringLike on s3:prefix with a policy variable', () => {
      const statements = listPrefix('StringLike', [`\${${PROVIDER}:sub}/*`, '']);
      const ctx = (prefix?: string) => ({
        [`${PROVIDER}:sub`]: 'alice',
        ...(prefix === undefined ? {} : { 's3:prefix': prefix }),
      });
      expect(decide(statements, 's3:ListBucket', BUCKET, ctx('alice/'))).toBe('allow');
      expect(decide(statements, 's3:ListBucket', BUCKET, ctx(''))).toBe('allow');
      expect(decide(statements, 's3:ListBucket', BUCKET, ctx('bob/'))).toBe('implicit-deny');
      expect(decide(statements, 's3:ListBucket', BUCKET, ctx())).toBe('implicit-deny');
    });

    it('StringEquals is exact and case-sensitive; StringEqualsIgnoreCase is not', () => {
      expect(
        decide(listPrefix('StringEquals', 'a*'), 's3:ListBucket', BUCKET, { 's3:prefix': 'ab' }),
      ).toBe('implicit-deny');
      expect(
        decide(listPrefix('StringEquals', 'A'), 's3:ListBucket', BUCKET, { 's3:prefix': 'a' }),
      ).toBe('implicit-deny');
      expect(
        decide(listPrefix('StringEqualsIgnoreCase', 'A'), 's3:ListBucket', BUCKET, {
          's3:prefix': 'a',
        }),
      ).toBe('allow');
    });

    it('negated operators pass when the key is missing and fail on any listed value', () => {
      const statements = listPrefix('StringNotEquals', ['secret/', 'private/']);
      expect(decide(statements, 's3:ListBucket', BUCKET)).toBe('allow');
      expect(decide(statements, 's3:ListBucket', BUCKET, { 's3:prefix': 'public/' })).toBe('allow');
      expect(decide(statements, 's3:ListBucket', BUCKET, { 's3:prefix': 'private/' })).toBe(
        'implicit-deny',
      );
      expect(
        decide(listPrefix('StringNotLike', 'secret*'), 's3:ListBucket', BUCKET, {
          's3:prefix': 'secrets',
        }),
      ).toBe('implicit-deny');
    });

    it('IfExists passes a missing key and checks a present one', () => {
      const statements = listPrefix('StringLikeIfExists', 'home/*');
      expect(decide(statements, 's3:ListBucket', BUCKET)).toBe('allow');
      expect(decide(statements, 's3:ListBucket', BUCKET, { 's3:prefix': 'home/x' })).toBe('allow');
      expect(decide(statements, 's3:ListBucket', BUCKET, { 's3:prefix': 'etc/x' })).toBe(
        'implicit-deny',
      );
    });

    const leadingKeys = (operator: string): PolicyStatement[] => [
      {
        Effect: 'Allow',
        Action: 'dynamodb:*',
        Resource: TABLE,
        Condition: { [operator]: { 'dynamodb:LeadingKeys': `\${${PROVIDER}:sub}` } },
      },
    ];

    it('ForAllValues:StringEquals on dynamodb:LeadingKeys needs every key to be the user', () => {
      const ctx = (keys?: string[]) => ({
        [`${PROVIDER}:sub`]: 'alice',
        ...(keys && { 'dynamodb:LeadingKeys': keys }),
      });
      const statements = leadingKeys('ForAllValues:StringEquals');
      expect(decide(statements, 'dynamodb:GetItem', TABLE, ctx(['alice']))).toBe('allow');
      expect(decide(statements, 'dynamodb:BatchGetItem', TABLE, ctx(['alice', 'bob']))).toBe(
        'implicit-deny',
      );
      // AWS: ForAllValues is also true when the request has no such key (Scan has no leading key);
      // that is why AWS's examples pair it with a Null check.
      expect(decide(statements, 'dynamodb:Scan', TABLE, ctx())).toBe('allow');
      const strict: PolicyStatement[] = [
        {
          ...leadingKeys('ForAllValues:StringEquals')[0]!,
          Condition: {
            'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': `\${${PROVIDER}:sub}` },
            Null: { 'dynamodb:LeadingKeys': 'false' },
          },
        },
      ];
      expect(decide(strict, 'dynamodb:Scan', TABLE, ctx())).toBe('implicit-deny');
      expect(decide(strict, 'dynamodb:GetItem', TABLE, ctx(['alice']))).toBe('allow');
    });

    it('ForAnyValue:StringLike needs one matching value and fails without the key', () => {
      const statements = leadingKeys('ForAnyValue:StringLike');
      const ctx = (keys?: string[]) => ({
        [`${PROVIDER}:sub`]: 'alice',
        ...(keys && { 'dynamodb:LeadingKeys': keys }),
      });
      expect(decide(statements, 'dynamodb:BatchGetItem', TABLE, ctx(['bob', 'alice']))).toBe(
        'allow',
      );
      expect(decide(statements, 'dynamodb:BatchGetItem', TABLE, ctx(['bob']))).toBe(
        'implicit-deny',
      );
      expect(decide(statements, 'dynamodb:Scan', TABLE, ctx())).toBe('implicit-deny');
    });

    it('Bool on aws:SecureTransport', () => {
      const denyHttp: PolicyStatement[] = [
        { Effect: 'Allow', Action: 's3:*', Resource: '*' },
        {
          Effect: 'Deny',
          Action: 's3:*',
          Resource: '*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ];
      expect(
        decide(denyHttp, 's3:GetObject', `${BUCKET}/a`, { 'aws:SecureTransport': false }),
      ).toBe('explicit-deny');
      expect(decide(denyHttp, 's3:GetObject', `${BUCKET}/a`, { 'aws:SecureTransport': true })).toBe(
        'allow',
      );
    });

    it('DateGreaterThan / DateLessThan on aws:CurrentTime', () => {
      const window: PolicyStatement[] = [
        {
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: '*',
          Condition: {
            DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' },
            DateLessThan: { 'aws:CurrentTime': '2026-06-30T23:59:59Z' },
          },
        },
      ];
      const at = (time: string) =>
        decide(window, 's3:GetObject', `${BUCKET}/a`, { 'aws:CurrentTime': time });
      expect(at('2026-03-01T12:00:00Z')).toBe('allow');
      expect(at('2025-12-31T23:59:59Z')).toBe('implicit-deny');
      expect(at('2026-07-01T00:00:00Z')).toBe('implicit-deny');
    });

    it('Null tests whether a key is present; condition key names ignore case', () => {
      const needsTag: PolicyStatement[] = [
        {
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: '*',
          Condition: { Null: { 'AWS:PrincipalTag/Team': 'false' } },
        },
      ];
      expect(
        decide(needsTag, 's3:GetObject', `${BUCKET}/a`, { 'aws:principaltag/team': 'x' }),
      ).toBe('allow');
      expect(decide(needsTag, 's3:GetObject', `${BUCKET}/a`)).toBe('implicit-deny');
    });

    it('NumericLessThanEquals and IpAddress', () => {
      const statements: PolicyStatement[] = [
        {
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: BUCKET,
          Condition: {
            NumericLessThanEquals: { 's3:max-keys': 100 },
            IpAddress: { 'aws:SourceIp': '127.0.0.0/8' },
          },
        },
      ];
      const ctx = (maxKeys: string, ip: string) => ({ 's3:max-keys': maxKeys, 'aws:SourceIp': ip });
      expect(decide(statements, 's3:ListBucket', BUCKET, ctx('100', '127.0.0.1'))).toBe('allow');
      expect(decide(statements, 's3:ListBucket', BUCKET, ctx('101', '127.0.0.1'))).toBe(
        'implicit-deny',
      );
      expect(decide(statements, 's3:ListBucket', BUCKET, ctx('10', '10.0.0.1'))).toBe(
        'implicit-deny',
      );
    });
  });

  describe('session policies', () => {
    const role: PolicyStatement[] = [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }];

    it('narrow a role to their intersection', () => {
      const readOnly: PolicyStatement[] = [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/*` },
      ];
      expect(decide(role, 's3:GetObject', `${BUCKET}/a`, {}, readOnly)).toBe('allow');
      const decision = evaluatePolicies(
        { identity: [identity(...role)], session: [parsePolicy(policy(...readOnly), 'session')] },
        { action: 's3:PutObject', resource: `${BUCKET}/a`, context: new RequestContext() },
      );
      expect(decision).toEqual({ effect: 'implicit-deny', policyType: 'session' });
    });

    it('never grant what the role lacks', () => {
      const everything: PolicyStatement[] = [{ Effect: 'Allow', Action: '*', Resource: '*' }];
      expect(decide([], 's3:GetObject', `${BUCKET}/a`, {}, everything)).toBe('implicit-deny');
    });
  });

  it('words AccessDenied messages as AWS does', () => {
    const arn = 'arn:aws:sts::123456789012:assumed-role/web/alice';
    const query = { action: 's3:GetObject', resource: `${BUCKET}/k` };
    expect(
      accessDeniedMessage(
        arn,
        query,
        { effect: 'implicit-deny', policyType: 'identity-based' },
        true,
      ),
    ).toBe(
      `User: ${arn} is not authorized to perform: s3:GetObject on resource: "${BUCKET}/k" because no identity-based policy allows the s3:GetObject action`,
    );
    expect(
      accessDeniedMessage(arn, query, { effect: 'explicit-deny', policyType: 'session' }, false),
    ).toBe(
      `User: ${arn} is not authorized to perform: s3:GetObject on resource: ${BUCKET}/k with an explicit deny in a session policy`,
    );
    expect(
      accessDeniedMessage(
        arn,
        query,
        { effect: 'explicit-deny', policyType: 'identity-based' },
        true,
      ),
    ).toMatch(/with an explicit deny in an identity-based policy$/);
  });

  describe('policy documents', () => {
    it.each([
      [
        { Statement: [{ Effect: 'Permit', Action: 's3:*', Resource: '*' }] },
        'policy.Statement[0].Effect',
      ],
      [{ Statement: [{ Effect: 'Allow', Resource: '*' }] }, 'policy.Statement[0]'],
      [
        { Statement: { Effect: 'Allow', Action: 'GetObject', Resource: '*' } },
        'policy.Statement.Action[0]',
      ],
      [{ Version: '2020-01-01', Statement: [] }, 'policy.Version'],
      [
        {
          Statement: [
            {
              Effect: 'Allow',
              Action: 's3:*',
              Resource: '*',
              Condition: { StringEqual: { a: 'b' } },
            },
          ],
        },
        'policy.Statement[0].Condition.StringEqual',
      ],
      [
        { Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*', Principal: '*' }] },
        'policy.Statement[0].Principal',
      ],
    ])('refuses %j naming %s', (document, path) => {
      const attempt = () => parsePolicy(document, 'identity');
      expect(attempt).toThrow(PolicyDocumentError);
      expect(attempt).toThrow(expect.objectContaining({ path }));
    });

    it('accepts JSON text and requires a Principal in trust policies', () => {
      expect(parsePolicy(JSON.stringify(policy(perUserPrefix)), 'session').statements).toHaveLength(
        1,
      );
      expect(() => parsePolicy('{"Statement": [', 'session')).toThrow(/not valid JSON/);
      expect(() =>
        parsePolicy(policy({ Effect: 'Allow', Action: 'sts:AssumeRole' }), 'trust'),
      ).toThrow(/Principal/);
    });
  });

  describe('trust policies', () => {
    const OIDC_ARN = `arn:aws:iam::123456789012:oidc-provider/${PROVIDER}`;
    const trust = parsePolicy(
      policy(
        {
          Effect: 'Allow',
          Principal: { Federated: OIDC_ARN },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { [`${PROVIDER}:aud`]: 'demo' },
            StringNotEquals: { [`${PROVIDER}:sub`]: 'mallory' },
          },
        },
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::123456789012:role/web' },
          Action: 'sts:AssumeRole',
        },
        { Effect: 'Allow', Principal: { AWS: '123456789012' }, Action: 'sts:TagSession' },
      ),
      'trust',
    );
    const web = (sub: string, aud = 'demo') =>
      evaluateTrustPolicy(
        trust,
        { federated: OIDC_ARN },
        'sts:AssumeRoleWithWebIdentity',
        new RequestContext({ [`${PROVIDER}:aud`]: aud, [`${PROVIDER}:sub`]: sub }),
      );

    it('trusts the federated provider under its conditions', () => {
      expect(web('alice')).toBe('allow-principal');
      expect(web('mallory')).toBe('implicit-deny');
      expect(web('alice', 'other')).toBe('implicit-deny');
    });

    it('names AWS principals by role ARN, and whole accounts only with identity policies', () => {
      const caller = {
        aws: {
          arns: [
            'arn:aws:iam::123456789012:role/web',
            'arn:aws:sts::123456789012:assumed-role/web/s',
          ],
          accountId: '123456789012',
        },
      };
      const ctx = new RequestContext();
      expect(evaluateTrustPolicy(trust, caller, 'sts:AssumeRole', ctx)).toBe('allow-principal');
      expect(evaluateTrustPolicy(trust, caller, 'sts:TagSession', ctx)).toBe('allow-account');
      expect(
        evaluateTrustPolicy(
          trust,
          { aws: { arns: ['arn:aws:iam::123456789012:user/u'], accountId: '123456789012' } },
          'sts:AssumeRole',
          ctx,
        ),
      ).toBe('implicit-deny');
      expect(evaluateTrustPolicy(trust, { federated: OIDC_ARN }, 'sts:AssumeRole', ctx)).toBe(
        'implicit-deny',
      );
    });
  });
});
