// Requests the real SDK v3 clients sign (S3 with awkward keys, queries, metadata, streamed
// aws-chunked uploads, multipart, presigned URLs; DynamoDB; STS), captured byte for byte by a
// plain HTTP server on 127.0.0.1: the verifier must reproduce every signature, and refuse each
// request with one byte of its path changed. This corpus is how the verifier came to re-sign with
// @smithy/signature-v4 (the signer SDK v3 uses) instead of a canonicalizer of its own: measured
// here, both reproduced 29/29 and refused 29/29, so the stack keeps the one the SDK maintains.
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialStore, resolveDevstackConfig, verifySigV4 } from '@fedcreds/devstack';
import type { IncomingSignedRequest } from '@fedcreds/devstack';

interface Captured {
  label: string;
  request: IncomingSignedRequest;
}

const config = resolveDevstackConfig();
const store = new CredentialStore(config);
const temporary = store.issue({ kind: 'web-identity', durationSeconds: 3600, roleName: 'r' });
const TEMP = {
  accessKeyId: temporary.accessKeyId,
  secretAccessKey: temporary.secretAccessKey,
  sessionToken: temporary.sessionToken!,
};
const { accessKeyId, secretAccessKey } = config.accessKeys[0]!;
const LONG_TERM = { accessKeyId, secretAccessKey };
const BUCKET = 'corpus-bucket';
const AWKWARD_KEYS = [
  'plain.txt',
  "with space/ümlaut+plus~tilde!*'().txt",
  '../other-bucket/secret.txt',
  'a//b/./c/%2E%2E/d',
  'emoji-🔑 and = & ? #.txt',
];

const captured: Captured[] = [];
let label = '';
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    captured.push({
      label,
      request: {
        method: req.method ?? 'GET',
        path: q < 0 ? url : url.slice(0, q),
        query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)),
        headers: req.headers,
        body: Buffer.concat(chunks),
      },
    });
    // Any answer will do: only the request is measured. The SDK may fail to parse it.
    res.writeHead(500, { 'content-type': 'text/plain' }).end('captured');
  });
});
let endpoint = '';

/**
 * GETs a URL with its path exactly as written: `fetch` (like a browser) resolves `..` and `.`
 * segments first, so a presigned URL for such a key no longer matches its signature.
 */
function sendAsIs(url: string): Promise<void> {
  const { host, search } = new URL(url);
  const rawPath = url.slice(url.indexOf(host) + host.length).split('?')[0]!;
  return new Promise((resolve) => {
    const req = httpRequest(`http://${host}`, { path: `${rawPath}${search}` }, (res) => {
      res.resume().on('end', resolve);
    });
    req.on('error', () => resolve());
    req.end();
  });
}

async function capture(name: string, send: () => Promise<unknown>): Promise<void> {
  label = name;
  await send().catch(() => undefined);
}

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const common = { endpoint, region: 'us-east-1', maxAttempts: 1 };
  const s3 = new S3Client({ ...common, forcePathStyle: true, credentials: TEMP });
  const s3LongTerm = new S3Client({ ...common, forcePathStyle: true, credentials: LONG_TERM });
  const dynamodb = new DynamoDBClient({ ...common, credentials: TEMP });
  const sts = new STSClient({ ...common, credentials: TEMP });
  const stsLongTerm = new STSClient({ ...common, credentials: LONG_TERM });

  for (const Key of AWKWARD_KEYS) {
    await capture(`s3 PutObject ${JSON.stringify(Key)}`, () =>
      s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: 'hello' })),
    );
    await capture(`s3 GetObject ${JSON.stringify(Key)} with response overrides`, () =>
      s3.send(
        new GetObjectCommand({
          Bucket: BUCKET,
          Key,
          Range: 'bytes=0-3',
          ResponseContentType: 'text/plain; charset=utf-8',
          VersionId: 'v1+/=',
        }),
      ),
    );
    await capture(`s3 presigned GET ${JSON.stringify(Key)}`, async () => {
      const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key }), {
        expiresIn: 900,
      });
      await sendAsIs(url);
    });
  }
  await capture('s3 PutObject, metadata with runs of spaces, long-term key', () =>
    s3LongTerm.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'meta.txt',
        Body: 'x',
        ContentType: 'text/plain',
        Metadata: { note: '  many    spaces  here ', other: 'ä' },
      }),
    ),
  );
  await capture('s3 PutObject streamed (aws-chunked, checksum trailer)', () =>
    s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'streamed.bin',
        Body: Readable.from([Buffer.alloc(70_000, 1), Buffer.alloc(10, 2)]),
        ContentLength: 70_010,
      }),
    ),
  );
  await capture('s3 ListObjectsV2 with prefix, delimiter, start-after', () =>
    s3.send(
      new ListObjectsV2Command({
        Bucket: BUCKET,
        Prefix: 'dir with space/',
        Delimiter: '/',
        StartAfter: 'a=b&c',
        MaxKeys: 7,
      }),
    ),
  );
  await capture('s3 CopyObject from an awkward source key', () =>
    s3.send(
      new CopyObjectCommand({
        Bucket: BUCKET,
        Key: 'copy.txt',
        CopySource: `${BUCKET}/${encodeURIComponent('src key+ü.txt')}`,
      }),
    ),
  );
  await capture('s3 CreateMultipartUpload', () =>
    s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'big.bin' })),
  );
  await capture('s3 UploadPart', () =>
    s3.send(
      new UploadPartCommand({
        Bucket: BUCKET,
        Key: 'big.bin',
        UploadId: 'upload/id+=',
        PartNumber: 2,
        Body: Buffer.alloc(1024, 3),
      }),
    ),
  );
  await capture('s3 CompleteMultipartUpload (XML body)', () =>
    s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: 'big.bin',
        UploadId: 'upload/id+=',
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"etag"' }] },
      }),
    ),
  );
  await capture('s3 DeleteObjects (POST ?delete, checksum)', () =>
    s3.send(
      new DeleteObjectsCommand({
        Bucket: BUCKET,
        Delete: { Objects: [{ Key: 'a' }, { Key: 'b c' }] },
      }),
    ),
  );
  await capture('s3 HeadBucket', () => s3.send(new HeadBucketCommand({ Bucket: BUCKET })));
  await capture('s3 presigned PUT with a signed content type', async () => {
    const url = await getSignedUrl(
      s3,
      new PutObjectCommand({ Bucket: BUCKET, Key: 'up load.txt', ContentType: 'text/plain' }),
      { expiresIn: 3600, signableHeaders: new Set(['content-type']) },
    );
    await fetch(url, { method: 'PUT', body: 'hi', headers: { 'content-type': 'text/plain' } });
  });
  await capture('dynamodb PutItem (unicode values)', () =>
    dynamodb.send(
      new PutItemCommand({
        TableName: 'fedcreds-demo',
        Item: { pk: { S: 'ü/🔑 x' }, n: { N: '1' } },
      }),
    ),
  );
  await capture('dynamodb Query with expression values', () =>
    dynamodb.send(
      new QueryCommand({
        TableName: 'fedcreds-demo-notes',
        KeyConditionExpression: 'userId = :u',
        ExpressionAttributeValues: { ':u': { S: 'alice' } },
      }),
    ),
  );
  await capture('sts GetCallerIdentity', () => sts.send(new GetCallerIdentityCommand({})));
  await capture('sts AssumeRole with an inline session policy, long-term key', () =>
    stsLongTerm.send(
      new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::123456789012:role/fedcreds-demo-chained',
        RoleSessionName: 'corpus+session@x',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
        }),
      }),
    ),
  );
}, 60_000);

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function byVerifier(request: IncomingSignedRequest): Promise<boolean> {
  return (await verifySigV4(request, store, Date.now())).ok;
}

/** The request with its path's last character changed (a key the client did not sign). */
function tampered(request: IncomingSignedRequest): IncomingSignedRequest {
  const last = request.path.at(-1) === 'x' ? 'y' : 'x';
  return { ...request, path: `${request.path.slice(0, -1)}${last}` };
}

describe('SigV4 against the SDK’s own signatures', () => {
  it('captures every request the SDK clients signed', () => {
    // 3 per awkward key, 14 others; one label may hold more than one request (none do today).
    expect(new Set(captured.map((c) => c.label)).size).toBe(AWKWARD_KEYS.length * 3 + 14);
    expect(captured.some((c) => c.request.headers['content-encoding'] === 'aws-chunked')).toBe(
      true,
    );
    expect(captured.filter((c) => c.request.query.has('X-Amz-Signature')).length).toBe(
      AWKWARD_KEYS.length + 1,
    );
  });

  it('reproduces every signature the SDK made, and refuses each request once its path changed', async () => {
    const accepted: string[] = [];
    const refusedTampered: string[] = [];
    for (const { label: name, request } of captured) {
      if (await byVerifier(request)) accepted.push(name);
      if (!(await byVerifier(tampered(request)))) refusedTampered.push(name);
    }
    const all = captured.map((c) => c.label);
    console.log(
      `sigv4 corpus: ${all.length} SDK-signed requests — accepted ${accepted.length}/${all.length}, ` +
        `refused once tampered ${refusedTampered.length}/${all.length}`,
    );
    expect(accepted).toEqual(all);
    expect(refusedTampered).toEqual(all);
  });
});
