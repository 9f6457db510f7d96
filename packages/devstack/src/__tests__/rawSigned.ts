// Shared by the gateway and STS tests (not a test file itself): a hand-signed HTTP request sent
// byte for byte, for what no SDK client would send (raw dot-segment paths, a header added after
// signing, an old signature).
import { request as httpRequest } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Keys } from './gatewayClients.js';

/** What {@link rawSigned} sends. */
export interface RawSignedInit {
  service: 's3' | 'dynamodb' | 'sts';
  region: string;
  credentials: Keys;
  method: string;
  /** Origin-form path, sent and signed exactly as written (no normalisation, no re-encoding). */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** When the signature says it was made. @default now */
  signingDate?: Date;
  /** Headers added after signing: they are sent but not signed. */
  addedAfterSigning?: Record<string, string>;
}

/** The answer to a {@link rawSigned} request. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Signs a request with SigV4 (`@smithy/signature-v4`, as SDK v3 does) and sends it to `endpoint`. */
export async function rawSigned(endpoint: string, init: RawSignedInit): Promise<RawAnswer> {
  const url = new URL(endpoint);
  const signer = new SignatureV4({
    service: init.service,
    region: init.region,
    credentials: init.credentials,
    sha256: Sha256,
    // S3 signs the path as sent; other services' canonical URI is the encoded path.
    uriEscapePath: init.service !== 's3',
  });
  const headers: Record<string, string> = { host: url.host, ...init.headers };
  if (init.service === 's3') headers['x-amz-content-sha256'] ??= 'UNSIGNED-PAYLOAD';
  const signed = await signer.sign(
    {
      method: init.method,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: init.path,
      headers,
      ...(init.body !== undefined ? { body: init.body } : {}),
    },
    init.signingDate ? { signingDate: init.signingDate } : {},
  );
  return sendRaw(endpoint, {
    method: init.method,
    path: init.path,
    headers: { ...signed.headers, ...init.addedAfterSigning },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
}

/** Sends a request with `http.request`'s `path` option, which Node puts on the wire unchanged. */
export function sendRaw(
  endpoint: string,
  init: { method: string; path: string; headers: Record<string, string>; body?: string },
): Promise<RawAnswer> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: init.method,
        path: init.path,
        headers: init.headers,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}
