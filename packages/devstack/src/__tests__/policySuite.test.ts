import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import type { AssumeRoleCommandInput, Credentials } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_OIDC_PROVIDER_URL,
  defaultDevstackConfig,
  S3_READ_ONLY_ACCESS_ARN,
  startDevstack,
} from '@fedcreds/devstack';
import type { Devstack, PolicyDocument, PolicyStatement } from '@fedcreds/devstack';
import { BUCKET, TABLE, dynamoClient, s3Client } from './gatewayClients.js';
import type { Keys } from './gatewayClients.js';

const ACCOUNT = '123456789012';
const P = DEFAULT_OIDC_PROVIDER_URL;
const OIDC_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${P}`;
const CI_USER = {
  accessKeyId: 'AKIADEVSTACKCIUSER01',
  secretAccessKey: 'devstack/ci-user/secret/not-a-real-key-000',
};

const policy = (...Statement: PolicyStatement[]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement,
});
const webTrust = (condition: PolicyStatement['Condition'] = {}) =>
  policy({
    Effect: 'Allow',
    Principal: { Federated: OIDC_ARN },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${P}:aud`]: 'fedcreds-demo' }, ...condition },
  });
const bucketArns = [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`];

const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the request to be refused');
    },
    (error: unknown) => error as Error & { $metadata: { httpStatusCode?: number } },
  );

const keysOf = (c: Credentials | undefined): Keys => ({
  accessKeyId: c!.AccessKeyId!,
  secretAccessKey: c!.SecretAccessKey!,
  sessionToken: c!.SessionToken!,
});

describe('IAM policies at the stack, through the SDK', () => {
  let devstack: Devstack;
  const arn = (role: string) => `arn:aws:iam::${ACCOUNT}:role/${role}`;
  const sessionArn = (role: string, session: string) =>
    `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${session}`;

  beforeAll(async () => {
    const base = defaultDevstackConfig();
    devstack = await startDevstack({
      ephemeralPorts: true,
      roles: [
        ...base.roles,
        {
          name: 'deny-protected',
          trustPolicy: webTrust(),
          policies: [
            policy(
              { Effect: 'Allow', Action: 's3:*', Resource: bucketArns },
              {
                Effect: 'Deny',
                Action: 's3:DeleteObject',
                Resource: `arn:aws:s3:::${BUCKET}/protected/*`,
              },
            ),
          ],
        },
        {
          name: 'no-deletes',
          trustPolicy: webTrust(),
          policies: [policy({ Effect: 'Allow', NotAction: 's3:Delete*', Resource: bucketArns })],
        },
        {
          name: 'not-for-bob',
          trustPolicy: webTrust({ StringNotEquals: { [`${P}:sub`]: 'bob' } }),
          policies: [],
        },
        {
          name: 'team-prefix',
          trustPolicy: policy({
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/ci-user` },
            Action: ['sts:AssumeRole', 'sts:TagSession'],
          }),
          policies: [
            policy({
              Effect: 'Allow',
              Action: ['s3:GetObject', 's3:PutObject'],
              Resource: `arn:aws:s3:::${BUCKET}/teams/\${aws:PrincipalTag/team}/*`,
            }),
          ],
        },
        {
          name: 'untaggable',
          trustPolicy: policy({
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/ci-user` },
            Action: 'sts:AssumeRole',
          }),
        },
      ],
    });
  });

  afterAll(async () => {
    await devstack?.stop();
  });

  const sts = (credentials: Keys = { accessKeyId: 'unused', secretAccessKey: 'unused' }) =>
    new STSClient({
      endpoint: devstack.urls.sts,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1,
    });
  const s3 = (keys: Keys) => s3Client(devstack.urls.s3, 'us-east-1', keys);
  const dynamo = (keys: Keys) => dynamoClient(devstack.urls.dynamodb, 'us-east-1', keys);

  async function webKeys(
    role: string,
    sub: string,
    extra: { Policy?: string; PolicyArns?: { arn: string }[] } = {},
  ) {
    const out = await sts().send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: arn(role),
        RoleSessionName: sub,
        WebIdentityToken: await devstack.oidc.mintIdToken({ sub }),
        ...extra,
      }),
    );
    return keysOf(out.Credentials);
  }
  const assumeAsCi = (input: Omit<AssumeRoleCommandInput, 'RoleSessionName'>) =>
    sts(CI_USER).send(new AssumeRoleCommand({ RoleSessionName: 'ci', ...input }));

  describe('the per-user prefix and partition of fedcreds-demo-per-user', () => {
    let alice: Keys;
    let bob: Keys;
    beforeAll(async () => {
      alice = await webKeys('fedcreds-demo-per-user', 'alice');
      bob = await webKeys('fedcreds-demo-per-user', 'bob');
    });

    it('lets the owner write, read and list under her own prefix', async () => {
      await s3(alice).send(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'alice/notes.txt', Body: 'mine' }),
      );
      const object = await s3(alice).send(
        new GetObjectCommand({ Bucket: BUCKET, Key: 'alice/notes.txt' }),
      );
      expect(await object.Body!.transformToString()).toBe('mine');
      const listed = await s3(alice).send(
        new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'alice/' }),
      );
      expect(listed.Contents?.map((c) => c.Key)).toEqual(['alice/notes.txt']);
    });

    it("refuses another user's prefix with AWS's AccessDenied message", async () => {
      const error = await caught(
        s3(bob).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'alice/notes.txt' })),
      );
      expect(error.name).toBe('AccessDenied');
      expect(error.$metadata.httpStatusCode).toBe(403);
      expect(error.message).toBe(
        `User: ${sessionArn('fedcreds-demo-per-user', 'bob')} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::${BUCKET}/alice/notes.txt" because no identity-based policy allows the s3:GetObject action`,
      );
      expect(
        await caught(
          s3(bob).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'alice/evil.txt', Body: 'x' })),
        ),
      ).toMatchObject({ name: 'AccessDenied' });
      // A key that only looks like a way out of the prefix is a literal key inside bob's prefix:
      // allowed, and not alice's object (AWS: NoSuchKey).
      expect(
        await caught(
          s3(bob).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'bob/../alice/notes.txt' })),
        ),
      ).toMatchObject({ name: 'NoSuchKey' });
    });

    it('lists only with the own prefix (s3:prefix)', async () => {
      for (const Prefix of ['bob/', 'ali', undefined]) {
        const error = await caught(
          s3(alice).send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix })),
        );
        expect(error.message).toContain(`s3:ListBucket on resource: "arn:aws:s3:::${BUCKET}"`);
      }
    });

    it('keeps each user to their own DynamoDB partition (dynamodb:LeadingKeys)', async () => {
      await dynamo(alice).send(
        new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'alice' }, v: { S: '1' } } }),
      );
      const item = await dynamo(alice).send(
        new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'alice' } } }),
      );
      expect(item.Item?.v?.S).toBe('1');
      const query = await dynamo(alice).send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: '#k = :me',
          ExpressionAttributeNames: { '#k': 'pk' },
          ExpressionAttributeValues: { ':me': { S: 'alice' } },
        }),
      );
      expect(query.Count).toBe(1);

      for (const attempt of [
        dynamo(bob).send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'alice' } } })),
        dynamo(bob).send(new DeleteItemCommand({ TableName: TABLE, Key: { pk: { S: 'alice' } } })),
        dynamo(bob).send(
          new QueryCommand({
            TableName: TABLE,
            KeyConditionExpression: 'pk = :other',
            ExpressionAttributeValues: { ':other': { S: 'alice' } },
          }),
        ),
        dynamo(bob).send(new ScanCommand({ TableName: TABLE })),
      ]) {
        const error = await caught(attempt);
        expect(error.name).toBe('AccessDeniedException');
        expect(error.message).toMatch(
          /^User: arn:aws:sts::123456789012:assumed-role\/fedcreds-demo-per-user\/bob is not authorized to perform: dynamodb:\w+ on resource: arn:aws:dynamodb:us-east-1:123456789012:table\/fedcreds-demo because no identity-based policy allows the dynamodb:\w+ action$/,
        );
      }
    });
  });

  it('lets an explicit deny beat the allow', async () => {
    const keys = await webKeys('deny-protected', 'alice');
    await s3(keys).send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'protected/a.txt', Body: 'a' }),
    );
    await s3(keys).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'scratch/a.txt', Body: 'a' }));
    await s3(keys).send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'scratch/a.txt' }));
    const error = await caught(
      s3(keys).send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'protected/a.txt' })),
    );
    expect(error.message).toBe(
      `User: ${sessionArn('deny-protected', 'alice')} is not authorized to perform: s3:DeleteObject on resource: "arn:aws:s3:::${BUCKET}/protected/a.txt" with an explicit deny in an identity-based policy`,
    );
  });

  it('applies NotAction: everything but the excluded actions', async () => {
    const keys = await webKeys('no-deletes', 'alice');
    await s3(keys).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'nd/a.txt', Body: 'a' }));
    expect(
      await caught(s3(keys).send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'nd/a.txt' }))),
    ).toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining(
        'because no identity-based policy allows the s3:DeleteObject action',
      ),
    });
  });

  describe('session policies', () => {
    it('narrow a role to what both allow (Policy)', async () => {
      const readOnly = JSON.stringify(
        policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` }),
      );
      const keys = await webKeys('fedcreds-demo-web', 'carol', { Policy: readOnly });
      await s3(await webKeys('fedcreds-demo-web', 'carol')).send(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'shared/readme.txt', Body: 'r' }),
      );
      await expect(
        s3(keys).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'shared/readme.txt' })),
      ).resolves.toBeDefined();
      const error = await caught(
        s3(keys).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'shared/x.txt', Body: 'x' })),
      );
      expect(error.message).toBe(
        `User: ${sessionArn('fedcreds-demo-web', 'carol')} is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::${BUCKET}/shared/x.txt" because no session policy allows the s3:PutObject action`,
      );
      // The session policy grants DynamoDB nothing, although the role may use the table.
      expect(
        await caught(
          dynamo(keys).send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'x' } } })),
        ),
      ).toMatchObject({ name: 'AccessDeniedException' });
    });

    it('narrow a role through a configured managed policy (PolicyArns)', async () => {
      const keys = await webKeys('fedcreds-demo-web', 'dave', {
        PolicyArns: [{ arn: S3_READ_ONLY_ACCESS_ARN }],
      });
      await expect(
        s3(keys).send(new ListObjectsV2Command({ Bucket: BUCKET })),
      ).resolves.toBeDefined();
      expect(
        await caught(
          s3(keys).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'dave.txt', Body: 'x' })),
        ),
      ).toMatchObject({ name: 'AccessDenied' });
    });

    it('refuse an unknown policy ARN and a malformed document at STS', async () => {
      expect(
        await caught(
          webKeys('fedcreds-demo-web', 'eve', {
            PolicyArns: [{ arn: `arn:aws:iam::${ACCOUNT}:policy/nope` }],
          }),
        ),
      ).toMatchObject({
        name: 'MalformedPolicyDocumentException',
        message: `Policy arn:aws:iam::${ACCOUNT}:policy/nope does not exist or is not attachable.`,
      });
      expect(
        await caught(
          webKeys('fedcreds-demo-web', 'eve', {
            Policy: '{"Statement":[{"Effect":"Maybe","Action":"s3:*","Resource":"*"}]}',
          }),
        ),
      ).toMatchObject({
        name: 'MalformedPolicyDocumentException',
        message: expect.stringContaining('Statement[0].Effect'),
      });
    });
  });

  it("refuses the user a trust policy's sub condition excludes", async () => {
    await expect(webKeys('not-for-bob', 'alice')).resolves.toBeDefined();
    expect(await caught(webKeys('not-for-bob', 'bob'))).toMatchObject({
      name: 'AccessDenied',
      message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
    });
  });

  describe('session tags', () => {
    it('resolve ${aws:PrincipalTag/…} in the role policy', async () => {
      const out = await assumeAsCi({
        RoleArn: arn('team-prefix'),
        Tags: [{ Key: 'team', Value: 'red' }],
      });
      const keys = keysOf(out.Credentials);
      await s3(keys).send(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'teams/red/plan.txt', Body: 'p' }),
      );
      expect(
        await caught(
          s3(keys).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'teams/blue/plan.txt' })),
        ),
      ).toMatchObject({ name: 'AccessDenied' });
      // Without the tag the variable has no value and the statement matches nothing.
      const untagged = keysOf((await assumeAsCi({ RoleArn: arn('team-prefix') })).Credentials);
      expect(
        await caught(
          s3(untagged).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'teams/red/plan.txt' })),
        ),
      ).toMatchObject({ name: 'AccessDenied' });
    });

    it('need sts:TagSession in the trust policy', async () => {
      await expect(assumeAsCi({ RoleArn: arn('untaggable') })).resolves.toBeDefined();
      expect(
        await caught(
          assumeAsCi({ RoleArn: arn('untaggable'), Tags: [{ Key: 'team', Value: 'red' }] }),
        ),
      ).toMatchObject({
        name: 'AccessDenied',
        message: `User: arn:aws:iam::${ACCOUNT}:user/ci-user is not authorized to perform: sts:TagSession on resource: ${arn('untaggable')}`,
      });
    });
  });

  it('authorizes a CopyObject source as a read of the source', async () => {
    const alice = await webKeys('fedcreds-demo-per-user', 'alice');
    await s3(alice).send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'alice/copy-src.txt', Body: 'c' }),
    );
    await expect(
      s3(alice).send(
        new CopyObjectCommand({
          Bucket: BUCKET,
          Key: 'alice/copy-dst.txt',
          CopySource: `${BUCKET}/alice/copy-src.txt`,
        }),
      ),
    ).resolves.toBeDefined();
    const bob = await webKeys('fedcreds-demo-per-user', 'bob');
    const error = await caught(
      s3(bob).send(
        new CopyObjectCommand({
          Bucket: BUCKET,
          Key: 'bob/stolen.txt',
          CopySource: `${BUCKET}/alice/copy-src.txt`,
        }),
      ),
    );
    expect(error.message).toContain(
      `s3:GetObject on resource: "arn:aws:s3:::${BUCKET}/alice/copy-src.txt"`,
    );
  });
});
