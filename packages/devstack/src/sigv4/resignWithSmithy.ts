import { createHash, createHmac } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { single } from './parseSigV4.js';
import type { IncomingSignedRequest, SigV4Parts } from './parseSigV4.js';

type SourceData = string | ArrayBuffer | ArrayBufferView;

const bytes = (data: SourceData): Buffer =>
  typeof data === 'string'
    ? Buffer.from(data, 'utf8')
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

/** SHA-256 (and HMAC-SHA256 with a secret) over `node:crypto`, in the shape smithy's signer takes. */
class NodeSha256 {
  readonly #secret: Buffer | undefined;
  #hash!: Hash | ReturnType<typeof createHmac>;

  constructor(secret?: SourceData) {
    this.#secret = secret === undefined ? undefined : bytes(secret);
    this.reset();
  }

  update(data: SourceData): void {
    this.#hash.update(bytes(data));
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.#hash.digest()));
  }

  reset(): void {
    this.#hash = this.#secret ? createHmac('sha256', this.#secret) : createHash('sha256');
  }
}

/** Query parameters a presigned URL's signature is made of; smithy's `presign()` adds them back. */
const PRESIGN_PARAMS = new Set([
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Security-Token',
]);

const amzDateToDate = (amzDate: string): Date =>
  new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13)}`,
  );

/**
 * The signature AWS expects on a received request, computed by re-signing it with
 * `@smithy/signature-v4` — the signer SDK v3 itself uses — over exactly what the client signed:
 * the headers it listed in `SignedHeaders`, its `X-Amz-Date`, the path as received (S3) or
 * normalised and encoded again (other services), and `payloadHash` as the payload's hash.
 *
 * The caller has already checked the scope, the headers and the payload hash; this only computes.
 */
export async function resignWithSmithy(
  req: IncomingSignedRequest,
  parts: SigV4Parts,
  secretAccessKey: string,
  headers: ReadonlyMap<string, string | string[]>,
  payloadHash: string,
): Promise<string> {
  const signed = new Set(parts.signedHeaders);
  const toSign: Record<string, string> = {};
  for (const name of parts.signedHeaders) {
    const value = headers.get(name);
    if (value !== undefined) toSign[name] = Array.isArray(value) ? value.join(',') : value;
  }
  // smithy takes the payload hash from this header; it is signed only when the client signed it.
  toSign['x-amz-content-sha256'] = payloadHash;
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(req.query.keys())) {
    if (parts.presigned && PRESIGN_PARAMS.has(key)) continue;
    const values = req.query.getAll(key);
    query[key] = values.length === 1 ? values[0]! : values;
  }
  const tokenSigned = parts.presigned
    ? req.query.has('X-Amz-Security-Token')
    : signed.has('x-amz-security-token');
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: parts.accessKeyId,
      secretAccessKey,
      ...(tokenSigned && parts.sessionToken !== undefined
        ? { sessionToken: parts.sessionToken }
        : {}),
    },
    region: parts.region,
    service: parts.service,
    sha256: NodeSha256,
    uriEscapePath: parts.service !== 's3',
    applyChecksum: false,
  });
  const host = single(headers.get('host')) ?? '';
  const request = {
    method: req.method.toUpperCase(),
    protocol: 'http:',
    hostname: host,
    path: req.path === '' ? '/' : req.path,
    query,
    headers: toSign,
    body: undefined,
  };
  const options = {
    signingDate: amzDateToDate(parts.amzDate),
    signableHeaders: signed,
    unsignableHeaders: new Set(Object.keys(toSign).filter((name) => !signed.has(name))),
  };
  if (parts.presigned) {
    const presigned = await signer.presign(request, {
      ...options,
      expiresIn: parts.expiresSeconds ?? 0,
      // Keep signed x-amz-* headers as headers: hoisting them into the query changes the URL.
      unhoistableHeaders: new Set(Object.keys(toSign)),
    });
    return String(presigned.query?.['X-Amz-Signature'] ?? '');
  }
  const out = await signer.sign(request, options);
  const authorization = out.headers['authorization'] ?? '';
  return /Signature=([0-9a-f]+)/.exec(authorization)?.[1] ?? '';
}
