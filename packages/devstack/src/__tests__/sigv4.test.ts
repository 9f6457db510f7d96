import { createHash, createHmac } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { SignatureV4 } from '@smithy/signature-v4';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CredentialStore,
  decodeAwsChunked,
  resolveDevstackConfig,
  verifySigV4,
} from '@fedcreds/devstack';
import type { IncomingSignedRequest, IssuedCredential } from '@fedcreds/devstack';

const T = Date.UTC(2030, 0, 1, 12, 0, 0);
const HOST = '127.0.0.1:4566';
const config = resolveDevstackConfig();
const LONG_TERM = {
  accessKeyId: 'AKIADEVSTACKCIUSER01',
  secretAccessKey: 'devstack/ci-user/secret/not-a-real-key-000',
};

interface SmithyLikeRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

function incoming(req: SmithyLikeRequest): IncomingSignedRequest {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(req.query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value ?? '']) query.append(key, v);
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = v;
  const body =
    typeof req.body === 'string' ? Buffer.from(req.body) : (req.body ?? new Uint8Array());
  return { method: req.method, path: req.path, query, headers, body };
}

function signer(
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  service = 'sts',
) {
  return new SignatureV4({
    credentials,
    region: 'us-east-1',
    service,
    sha256: Sha256,
    uriEscapePath: service !== 's3',
  });
}

async function signedPost(
  credentials: Parameters<typeof signer>[0],
  body = 'Action=GetCallerIdentity&Version=2011-06-15',
) {
  return (await signer(credentials).sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 4566,
      path: '/',
      query: {},
      headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    },
    { signingDate: new Date(T) },
  )) as unknown as SmithyLikeRequest;
}

describe('verifySigV4', () => {
  let store: CredentialStore;
  let temp: IssuedCredential;

  beforeEach(() => {
    store = new CredentialStore(config, () => T);
    temp = store.issue({
      kind: 'web-identity',
      durationSeconds: 900,
      roleName: 'r',
      sessionName: 's',
    });
  });
  const tempKeys = () => ({
    accessKeyId: temp.accessKeyId,
    secretAccessKey: temp.secretAccessKey,
    sessionToken: temp.sessionToken!,
  });

  describe('header-signed requests', () => {
    it('accepts a request signed with a long-term key and names the credential, service and region', async () => {
      const result = await verifySigV4(incoming(await signedPost(LONG_TERM)), store, T);
      expect(result).toMatchObject({ ok: true, service: 'sts', region: 'us-east-1' });
      expect(result.ok && result.credential).toMatchObject({
        kind: 'long-term',
        userName: 'ci-user',
      });
    });

    it('accepts temporary credentials with their session token', async () => {
      const result = await verifySigV4(incoming(await signedPost(tempKeys())), store, T);
      expect(result.ok && result.credential.accessKeyId).toBe(temp.accessKeyId);
    });

    it('fails a wrong secret', async () => {
      const req = incoming(await signedPost({ ...LONG_TERM, secretAccessKey: 'not-the-secret' }));
      expect(await verifySigV4(req, store, T)).toMatchObject({
        ok: false,
        reason: 'bad-signature',
      });
    });

    it('fails when the body or a signed header changed after signing', async () => {
      const req = incoming(await signedPost(LONG_TERM));
      expect(
        await verifySigV4(
          { ...req, body: Buffer.from('Action=AssumeRole&Version=2011-06-15') },
          store,
          T,
        ),
      ).toMatchObject({
        reason: 'bad-signature',
      });
      expect(
        await verifySigV4(
          { ...req, headers: { ...req.headers, 'content-type': 'text/plain' } },
          store,
          T,
        ),
      ).toMatchObject({ reason: 'bad-signature' });
      expect(await verifySigV4({ ...req, method: 'PUT' }, store, T)).toMatchObject({
        reason: 'bad-signature',
      });
      // Headers outside SignedHeaders may change freely (proxies add them).
      expect(
        await verifySigV4(
          { ...req, headers: { ...req.headers, 'x-forwarded-for': '1.2.3.4' } },
          store,
          T,
        ),
      ).toMatchObject({
        ok: true,
      });
    });

    it('reports unknown keys, missing and malformed authorization', async () => {
      const unknown = incoming(
        await signedPost({ accessKeyId: 'AKIANOBODYNOBODY0000', secretAccessKey: 'x' }),
      );
      expect(await verifySigV4(unknown, store, T)).toMatchObject({
        ok: false,
        reason: 'unknown-key',
      });
      const bare = incoming({
        method: 'POST',
        path: '/',
        headers: { host: HOST },
        body: 'Action=GetCallerIdentity',
      });
      expect(await verifySigV4(bare, store, T)).toMatchObject({ ok: false, reason: 'missing' });
      const broken = {
        ...bare,
        headers: { ...bare.headers, authorization: 'AWS4-HMAC-SHA256 Credential=AKIA/2030' },
      };
      expect(await verifySigV4(broken, store, T)).toMatchObject({ ok: false, reason: 'malformed' });
      const v2 = { ...bare, headers: { ...bare.headers, authorization: 'AWS AKIA:sig' } };
      expect(await verifySigV4(v2, store, T)).toMatchObject({ ok: false, reason: 'malformed' });
    });

    it('checks that the session token belongs to the key', async () => {
      const other = store.issue({
        kind: 'web-identity',
        durationSeconds: 900,
        roleName: 'r',
        sessionName: 's',
      });
      const wrongToken = incoming(
        await signedPost({ ...tempKeys(), sessionToken: other.sessionToken! }),
      );
      expect(await verifySigV4(wrongToken, store, T)).toMatchObject({
        ok: false,
        reason: 'token-mismatch',
      });
      const noToken = incoming(
        await signedPost({ accessKeyId: temp.accessKeyId, secretAccessKey: temp.secretAccessKey }),
      );
      expect(await verifySigV4(noToken, store, T)).toMatchObject({
        ok: false,
        reason: 'token-mismatch',
      });
      const longTermWithToken = incoming(
        await signedPost({ ...LONG_TERM, sessionToken: temp.sessionToken! }),
      );
      expect(await verifySigV4(longTermWithToken, store, T)).toMatchObject({
        ok: false,
        reason: 'token-mismatch',
      });
    });

    it('reports expired credentials at their expiry on the given clock', async () => {
      const req = incoming(await signedPost(tempKeys()));
      expect(await verifySigV4(req, store, T + 899_999)).toMatchObject({ ok: true });
      expect(await verifySigV4(req, store, T + 900_000)).toMatchObject({
        ok: false,
        reason: 'expired',
        message: 'The security token included in the request is expired',
      });
    });

    it('refuses requests signed more than 15 minutes away from the clock as time-skewed, in AWS words', async () => {
      const req = incoming(await signedPost(LONG_TERM));
      expect(await verifySigV4(req, store, T + 15 * 60_000)).toMatchObject({ ok: true });
      expect(await verifySigV4(req, store, T + 15 * 60_000 + 1000)).toMatchObject({
        ok: false,
        reason: 'time-skewed',
        requestTime: '20300101T120000Z',
        message:
          'Signature expired: 20300101T120000Z is now earlier than 20300101T120001Z (20300101T121501Z - 15 min.)',
      });
      expect(await verifySigV4(req, store, T - 16 * 60_000)).toMatchObject({
        ok: false,
        reason: 'time-skewed',
        message:
          'Signature not yet current: 20300101T120000Z is still later than 20300101T115900Z (20300101T114400Z + 15 min.)',
      });
    });

    it('refuses an x-amz-* header added after signing, naming it', async () => {
      const req = incoming(await signedPost(LONG_TERM));
      expect(
        await verifySigV4(
          { ...req, headers: { ...req.headers, 'x-amz-meta-added': 'later' } },
          store,
          T,
        ),
      ).toMatchObject({
        ok: false,
        reason: 'unsigned-headers',
        message: 'There were headers present in the request which were not signed',
        unsignedHeaders: ['x-amz-meta-added'],
      });
      // Other headers may stay unsigned, as in AWS.
      expect(
        await verifySigV4({ ...req, headers: { ...req.headers, 'user-agent': 'x' } }, store, T),
      ).toMatchObject({ ok: true });
    });

    it('lets a session token be added after signing outside S3 (the documented exception), not at S3', async () => {
      const keys = { accessKeyId: temp.accessKeyId, secretAccessKey: temp.secretAccessKey };
      const token = { 'x-amz-security-token': temp.sessionToken! };
      const sts = incoming(await signedPost(keys));
      expect(
        await verifySigV4({ ...sts, headers: { ...sts.headers, ...token } }, store, T),
      ).toMatchObject({ ok: true });
      const s3 = incoming(
        (await signer(keys, 's3').sign(
          {
            method: 'GET',
            protocol: 'http:',
            hostname: '127.0.0.1',
            port: 4566,
            path: '/bucket/key',
            headers: { host: HOST, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
          },
          { signingDate: new Date(T) },
        )) as unknown as SmithyLikeRequest,
      );
      expect(
        await verifySigV4({ ...s3, headers: { ...s3.headers, ...token } }, store, T),
      ).toMatchObject({
        ok: false,
        reason: 'unsigned-headers',
        unsignedHeaders: ['x-amz-security-token'],
      });
    });

    it('refuses a credential scope naming another region or service than the server', async () => {
      const req = incoming(await signedPost(LONG_TERM));
      expect(
        await verifySigV4(req, store, T, { region: 'eu-west-1', services: ['sts'] }),
      ).toMatchObject({ ok: false, reason: 'wrong-region', scopedRegion: 'us-east-1' });
      expect(
        await verifySigV4(req, store, T, { region: 'us-east-1', services: ['s3', 'dynamodb'] }),
      ).toMatchObject({ ok: false, reason: 'wrong-service' });
      expect(
        await verifySigV4(req, store, T, { region: 'us-east-1', services: ['sts'] }),
      ).toMatchObject({ ok: true });
    });

    it('double-encodes paths for services other than S3', async () => {
      const signed = (await signer(LONG_TERM, 'execute-api').sign(
        {
          method: 'GET',
          protocol: 'http:',
          hostname: '127.0.0.1',
          path: '/a%20b/c',
          query: { q: 'x y', list: ['b', 'a'] },
          headers: { host: HOST },
        },
        { signingDate: new Date(T) },
      )) as unknown as SmithyLikeRequest;
      expect(await verifySigV4(incoming(signed), store, T)).toMatchObject({
        ok: true,
        service: 'execute-api',
      });
      expect(await verifySigV4({ ...incoming(signed), path: '/a%20b/d' }, store, T)).toMatchObject({
        reason: 'bad-signature',
      });
    });
  });

  describe('S3 payload modes', () => {
    const s3Request = (headers: Record<string, string>, body: string | Uint8Array) => ({
      method: 'PUT',
      protocol: 'http:',
      hostname: '127.0.0.1',
      path: '/bucket/dir/file%20name%2B1.txt',
      query: {},
      headers: { host: HOST, ...headers },
      body,
    });

    it('accepts UNSIGNED-PAYLOAD and a matching hex payload hash, and rejects a mismatching one', async () => {
      const s3 = signer(tempKeys(), 's3');
      const unsigned = (await s3.sign(
        s3Request({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, 'hello'),
        {
          signingDate: new Date(T),
        },
      )) as unknown as SmithyLikeRequest;
      const result = await verifySigV4(incoming(unsigned), store, T);
      expect(result).toMatchObject({ ok: true, service: 's3' });
      expect(result.ok && Buffer.from(result.payload).toString()).toBe('hello');
      const hash = createHash('sha256').update('hello').digest('hex');
      const hashed = (await s3.sign(s3Request({ 'x-amz-content-sha256': hash }, 'hello'), {
        signingDate: new Date(T),
      })) as unknown as SmithyLikeRequest;
      expect(await verifySigV4(incoming(hashed), store, T)).toMatchObject({ ok: true });
      expect(
        await verifySigV4({ ...incoming(hashed), body: Buffer.from('HELLO') }, store, T),
      ).toMatchObject({
        ok: false,
        reason: 'bad-signature',
      });
    });

    it('refuses an x-amz-content-sha256 that is neither a hash nor a payload mode S3 knows', async () => {
      // Signed literally, such a value would leave the body out of the signature altogether.
      for (const value of ['not-a-hash', 'STREAMING-MADE-UP-PAYLOAD']) {
        const signed = (await signer(tempKeys(), 's3').sign(
          s3Request({ 'x-amz-content-sha256': value }, 'anything'),
          { signingDate: new Date(T) },
        )) as unknown as SmithyLikeRequest;
        const result = await verifySigV4(incoming(signed), store, T);
        expect(result).toMatchObject({ ok: false, reason: 'malformed' });
        expect(!result.ok && result.message).toContain(
          'x-amz-content-sha256 must be UNSIGNED-PAYLOAD',
        );
      }
    });

    function chunkedBody(
      key: Buffer,
      seed: string,
      scope: string,
      amzDate: string,
      chunks: string[],
    ): string {
      const emptyHash = createHash('sha256').update('').digest('hex');
      let previous = seed;
      let body = '';
      for (const data of [...chunks, '']) {
        const toSign = [
          'AWS4-HMAC-SHA256-PAYLOAD',
          amzDate,
          scope,
          previous,
          emptyHash,
          createHash('sha256').update(data).digest('hex'),
        ].join('\n');
        previous = createHmac('sha256', key).update(toSign).digest('hex');
        body += `${Buffer.byteLength(data).toString(16)};chunk-signature=${previous}\r\n${data}\r\n`;
      }
      return body;
    }

    function signingKey(secret: string, date: string): Buffer {
      let key = createHmac('sha256', `AWS4${secret}`).update(date).digest();
      for (const part of ['us-east-1', 's3', 'aws4_request'])
        key = createHmac('sha256', key).update(part).digest();
      return key;
    }

    it('verifies chunk signatures of STREAMING-AWS4-HMAC-SHA256-PAYLOAD and returns the decoded payload', async () => {
      const headers = {
        'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': '11',
      };
      const signed = (await signer(LONG_TERM, 's3').sign(s3Request(headers, ''), {
        signingDate: new Date(T),
      })) as unknown as SmithyLikeRequest;
      const seed = /Signature=([0-9a-f]{64})/.exec(signed.headers.authorization!)![1]!;
      const amzDate = signed.headers['x-amz-date']!;
      const key = signingKey(LONG_TERM.secretAccessKey, amzDate.slice(0, 8));
      const body = chunkedBody(
        key,
        seed,
        `${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`,
        amzDate,
        ['hello ', 'world'],
      );
      const result = await verifySigV4(incoming({ ...signed, body }), store, T);
      expect(result.ok && Buffer.from(result.payload).toString()).toBe('hello world');
      const tampered = body.replace('world', 'WORLD');
      expect(await verifySigV4(incoming({ ...signed, body: tampered }), store, T)).toMatchObject({
        ok: false,
        reason: 'bad-signature',
      });
    });

    it('decodes STREAMING-UNSIGNED-PAYLOAD-TRAILER bodies and their trailers', async () => {
      const headers = {
        'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        'x-amz-trailer': 'x-amz-checksum-crc32',
      };
      const signed = (await signer(LONG_TERM, 's3').sign(s3Request(headers, ''), {
        signingDate: new Date(T),
      })) as unknown as SmithyLikeRequest;
      const body = '5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n';
      const result = await verifySigV4(incoming({ ...signed, body }), store, T);
      expect(result).toMatchObject({ ok: true, trailers: { 'x-amz-checksum-crc32': 'NhCmhg==' } });
      expect(result.ok && Buffer.from(result.payload).toString()).toBe('hello');
      expect(await verifySigV4(incoming({ ...signed, body: '5\r\nhel' }), store, T)).toMatchObject({
        ok: false,
        reason: 'malformed',
      });
    });
  });

  describe('presigned requests', () => {
    async function presignedGetObject(
      key: string,
      expiresIn: number,
    ): Promise<IncomingSignedRequest> {
      const client = new S3Client({
        region: 'us-east-1',
        endpoint: `http://${HOST}`,
        forcePathStyle: true,
        credentials: tempKeys(),
      });
      const url = new URL(
        await getSignedUrl(client, new GetObjectCommand({ Bucket: 'bucket', Key: key }), {
          expiresIn,
          signingDate: new Date(T),
        }),
      );
      return {
        method: 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: { host: url.host },
        body: new Uint8Array(),
      };
    }

    it('accepts an S3 presigned URL from the real presigner, with awkward key characters', async () => {
      const req = await presignedGetObject('dir/a file+with (odd) chars~*.txt', 300);
      expect(await verifySigV4(req, store, T + 1000)).toMatchObject({ ok: true, service: 's3' });
    });

    it('refuses a presigned URL after X-Amz-Expires and a tampered one', async () => {
      const req = await presignedGetObject('file.txt', 60);
      expect(await verifySigV4(req, store, T + 60_000)).toMatchObject({ ok: true });
      expect(await verifySigV4(req, store, T + 61_000)).toMatchObject({
        ok: false,
        reason: 'request-expired',
      });
      const query = new URLSearchParams(req.query);
      query.set('X-Amz-Expires', '600');
      expect(await verifySigV4({ ...req, query }, store, T)).toMatchObject({
        ok: false,
        reason: 'bad-signature',
      });
      expect(await verifySigV4({ ...req, path: '/bucket/other.txt' }, store, T)).toMatchObject({
        reason: 'bad-signature',
      });
    });

    it('refuses a presigned URL whose credentials expired', async () => {
      const req = await presignedGetObject('file.txt', 3600);
      expect(await verifySigV4(req, store, T + 899_000)).toMatchObject({ ok: true });
      expect(await verifySigV4(req, store, T + 900_000)).toMatchObject({
        ok: false,
        reason: 'expired',
      });
    });

    it('reports a presigned URL without its parameters as malformed', async () => {
      const query = new URLSearchParams({
        'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
        'X-Amz-Signature': 'abc',
      });
      expect(
        await verifySigV4(
          { method: 'GET', path: '/', query, headers: { host: HOST }, body: new Uint8Array() },
          store,
          T,
        ),
      ).toMatchObject({
        ok: false,
        reason: 'malformed-query',
      });
    });

    it('refuses X-Amz-Expires above seven days', async () => {
      const query = new URLSearchParams({
        'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
        'X-Amz-Credential': `${LONG_TERM.accessKeyId}/20300101/us-east-1/s3/aws4_request`,
        'X-Amz-Date': '20300101T120000Z',
        'X-Amz-Expires': '604801',
        'X-Amz-SignedHeaders': 'host',
        'X-Amz-Signature': 'abc',
      });
      expect(
        await verifySigV4(
          { method: 'GET', path: '/', query, headers: { host: HOST }, body: new Uint8Array() },
          store,
          T,
        ),
      ).toMatchObject({
        ok: false,
        reason: 'malformed-query',
        message: 'X-Amz-Expires must be less than a week (in seconds) that is 604800',
      });
    });
  });
});

describe('decodeAwsChunked', () => {
  it('throws on broken framing', () => {
    expect(() => decodeAwsChunked(Buffer.from('zz\r\nabc'))).toThrow(TypeError);
    expect(() => decodeAwsChunked(Buffer.from('3\r\nabcX'))).toThrow(TypeError);
  });
});
