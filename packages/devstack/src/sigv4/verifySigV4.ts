import { timingSafeEqual } from 'node:crypto';
import type { CredentialStore, IssuedCredential } from '../credentialStore.js';
import {
  canonicalHeaderValue,
  canonicalQuery,
  canonicalUri,
  hmacHex,
  sha256Hex,
  signingKey,
} from './canonicalRequest.js';
import { decodeAwsChunked } from './decodeAwsChunked.js';

/** A request as an HTTP server received it, before any body decoding. */
export interface IncomingSignedRequest {
  method: string;
  /** Path as received on the wire, still percent-encoded, without the query string. */
  path: string;
  query: URLSearchParams;
  /** Node-style headers (names in any case; Node gives lower case). */
  headers: Record<string, string | string[] | undefined>;
  /** Body bytes exactly as received (for `aws-chunked` uploads: still chunk-encoded). */
  body: Uint8Array;
}

/** Why a request was not accepted; servers map these to their wire error codes. */
export type SigV4FailureReason =
  | 'missing'
  | 'malformed'
  | 'unknown-key'
  | 'bad-signature'
  | 'expired'
  | 'token-mismatch'
  | 'request-expired';

/** Outcome of {@link verifySigV4}. */
export type SigV4Result =
  | {
      ok: true;
      credential: IssuedCredential;
      service: string;
      region: string;
      /** The request payload: the body, with `aws-chunked` framing removed for `STREAMING-*` modes. */
      payload: Uint8Array;
      /** Trailing headers of an `aws-chunked` body (e.g. `x-amz-checksum-crc32`). */
      trailers?: Record<string, string>;
    }
  | { ok: false; reason: SigV4FailureReason; message: string; accessKeyId?: string };

/** Details of a SigV4 signature as carried by the request (header or presigned query). */
export interface SigV4Parts {
  presigned: boolean;
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  /** Presigned URL lifetime in seconds. */
  expiresSeconds?: number;
  sessionToken?: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** `x-amz-content-sha256` values besides a hex hash that SigV4 (not SigV4a) requests may declare. */
const PAYLOAD_MODES = new Set([
  'UNSIGNED-PAYLOAD',
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
]);
/** AWS accepts header-signed requests whose X-Amz-Date is within 15 minutes of its clock. */
export const MAX_REQUEST_SKEW_MS = 15 * 60 * 1000;
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

function lowerHeaders(headers: IncomingSignedRequest['headers']): Map<string, string | string[]> {
  const out = new Map<string, string | string[]>();
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out.set(name.toLowerCase(), value);
  }
  return out;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Epoch ms of an ISO-8601 basic timestamp (`20240101T120000Z`), or NaN. */
export function parseAmzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return Number.NaN;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

type Parsed =
  { ok: true; parts: SigV4Parts } | { ok: false; reason: 'missing' | 'malformed'; message: string };

function parseCredentialScope(
  credential: string,
): { accessKeyId: string; date: string; region: string; service: string } | undefined {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') return undefined;
  const [accessKeyId, date, region, service] = parts as [string, string, string, string];
  if (!accessKeyId || !/^\d{8}$/.test(date) || !region || !service) return undefined;
  return { accessKeyId, date, region, service };
}

/**
 * Reads the SigV4 parameters of a request without checking them, e.g. to attribute a request to
 * an access key before verification.
 */
export function parseSigV4(req: IncomingSignedRequest): Parsed {
  const headers = lowerHeaders(req.headers);
  const authorization = single(headers.get('authorization'));
  const queryAlgorithm = req.query.get('X-Amz-Algorithm');
  if (authorization !== undefined && authorization !== '') {
    const space = authorization.indexOf(' ');
    const algorithm = space < 0 ? authorization : authorization.slice(0, space);
    if (algorithm !== ALGORITHM) {
      return {
        ok: false,
        reason: 'malformed',
        message: `Unsupported AWS 'algorithm': '${algorithm}'.`,
      };
    }
    const fields = new Map<string, string>();
    for (const piece of authorization.slice(space + 1).split(',')) {
      const eq = piece.indexOf('=');
      if (eq > 0) fields.set(piece.slice(0, eq).trim(), piece.slice(eq + 1).trim());
    }
    const credential = fields.get('Credential');
    const signedHeaders = fields.get('SignedHeaders');
    const signature = fields.get('Signature');
    for (const [name, value] of [
      ['Credential', credential],
      ['SignedHeaders', signedHeaders],
      ['Signature', signature],
    ] as const) {
      if (!value) {
        return {
          ok: false,
          reason: 'malformed',
          message: `Authorization header requires '${name}' parameter. Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.`,
        };
      }
    }
    const scope = parseCredentialScope(credential!);
    if (!scope) {
      return {
        ok: false,
        reason: 'malformed',
        message:
          'Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term.',
      };
    }
    const amzDate = single(headers.get('x-amz-date'));
    if (amzDate === undefined) {
      return {
        ok: false,
        reason: 'malformed',
        message:
          "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      };
    }
    const parts: SigV4Parts = {
      presigned: false,
      ...scope,
      signedHeaders: signedHeaders!.split(';'),
      signature: signature!,
      amzDate,
    };
    const token = single(headers.get('x-amz-security-token'));
    if (token !== undefined) parts.sessionToken = token;
    return { ok: true, parts };
  }
  if (queryAlgorithm !== null || req.query.has('X-Amz-Signature')) {
    if (queryAlgorithm !== ALGORITHM) {
      return {
        ok: false,
        reason: 'malformed',
        message: `X-Amz-Algorithm only supports "${ALGORITHM}".`,
      };
    }
    const credential = req.query.get('X-Amz-Credential');
    const signedHeaders = req.query.get('X-Amz-SignedHeaders');
    const signature = req.query.get('X-Amz-Signature');
    const amzDate = req.query.get('X-Amz-Date');
    const expires = req.query.get('X-Amz-Expires');
    if (!credential || !signedHeaders || !signature || !amzDate || !expires) {
      return {
        ok: false,
        reason: 'malformed',
        message:
          'Query-string authentication requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
      };
    }
    const scope = parseCredentialScope(credential);
    if (!scope) {
      return {
        ok: false,
        reason: 'malformed',
        message: 'Error parsing the X-Amz-Credential parameter.',
      };
    }
    const expiresSeconds = /^\d+$/.test(expires) ? Number(expires) : Number.NaN;
    if (!(expiresSeconds >= 1 && expiresSeconds <= MAX_PRESIGN_SECONDS)) {
      return {
        ok: false,
        reason: 'malformed',
        message: 'X-Amz-Expires must be a number of seconds between 1 and 604800 (seven days).',
      };
    }
    const parts: SigV4Parts = {
      presigned: true,
      ...scope,
      signedHeaders: signedHeaders.split(';'),
      signature,
      amzDate,
      expiresSeconds,
    };
    const token =
      req.query.get('X-Amz-Security-Token') ?? single(headers.get('x-amz-security-token'));
    if (token !== null && token !== undefined) parts.sessionToken = token;
    return { ok: true, parts };
  }
  return { ok: false, reason: 'missing', message: 'Request is missing Authentication Token' };
}

function payloadHash(
  req: IncomingSignedRequest,
  headers: Map<string, string | string[]>,
  parts: SigV4Parts,
): string {
  const declared = single(headers.get('x-amz-content-sha256'));
  if (declared !== undefined) return declared;
  if (parts.presigned) {
    const fromQuery =
      req.query.get('X-Amz-Content-Sha256') ?? req.query.get('x-amz-content-sha256');
    if (fromQuery !== null) return fromQuery;
    // S3 presigned URLs never cover the body; other services' presigned requests do.
    if (parts.service === 's3') return 'UNSIGNED-PAYLOAD';
  }
  return sha256Hex(req.body);
}

function sameHex(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

const iso = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');

/**
 * Verifies an AWS Signature Version 4 request — header-signed (`Authorization: AWS4-HMAC-SHA256 …`)
 * or presigned (`X-Amz-Signature` in the query) — against the credentials in `store`, the way AWS
 * does: the signature is recomputed over the signed headers with the key's secret, the session
 * token must belong to the key, expired credentials and stale requests are refused.
 *
 * Payload modes: a hex `x-amz-content-sha256` must match the body; `UNSIGNED-PAYLOAD` and the
 * SigV4 `STREAMING-*` modes are signed literally, and `aws-chunked` bodies come back decoded (chunk
 * signatures of `STREAMING-AWS4-HMAC-SHA256-PAYLOAD*` are verified, a trailer signature is not);
 * any other value is refused as malformed.
 *
 * @param now - epoch ms of the server's clock; drives every expiry decision.
 */
export async function verifySigV4(
  req: IncomingSignedRequest,
  store: CredentialStore,
  now: number,
): Promise<SigV4Result> {
  const parsed = parseSigV4(req);
  if (!parsed.ok) return parsed;
  const { parts } = parsed;
  const fail = (reason: SigV4FailureReason, message: string): SigV4Result => ({
    ok: false,
    reason,
    message,
    accessKeyId: parts.accessKeyId,
  });

  const credential = store.lookup(parts.accessKeyId);
  if (!credential)
    return fail('unknown-key', 'The security token included in the request is invalid.');
  if (credential.sessionToken === undefined) {
    if (parts.sessionToken !== undefined && parts.sessionToken !== '') {
      return fail('token-mismatch', 'The security token included in the request is invalid.');
    }
  } else if (
    parts.sessionToken === undefined ||
    !sameHex(parts.sessionToken, credential.sessionToken)
  ) {
    return fail('token-mismatch', 'The security token included in the request is invalid.');
  }
  if (credential.expiresAt !== null && now >= credential.expiresAt) {
    return fail('expired', 'The security token included in the request is expired');
  }

  const headers = lowerHeaders(req.headers);
  const signedHeaders = parts.signedHeaders;
  const sorted = [...signedHeaders].sort();
  if (
    signedHeaders.some((h, i) => h === '' || h !== h.toLowerCase() || h !== sorted[i]) ||
    !signedHeaders.includes('host')
  ) {
    return fail(
      'bad-signature',
      "SignedHeaders must be lower-case, sorted, separated by ';' and include 'host'.",
    );
  }
  const amzMs = parseAmzDate(parts.amzDate);
  if (Number.isNaN(amzMs)) {
    return fail('malformed', `Invalid X-Amz-Date '${parts.amzDate}': expected YYYYMMDDTHHMMSSZ.`);
  }
  if (parts.amzDate.slice(0, 8) !== parts.date) {
    return fail(
      'bad-signature',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${parts.date}' != '${parts.amzDate.slice(0, 8)}', from '${parts.amzDate}'.`,
    );
  }

  const lines: string[] = [];
  for (const name of signedHeaders) {
    const value = canonicalHeaderValue(headers.get(name));
    if (value === undefined) {
      return fail(
        'bad-signature',
        `The request signature we calculated does not match the signature you provided: signed header '${name}' is missing from the request.`,
      );
    }
    lines.push(`${name}:${value}\n`);
  }
  const declaredHash = single(headers.get('x-amz-content-sha256'));
  if (declaredHash !== undefined && /^[0-9a-f]{64}$/i.test(declaredHash)) {
    if (declaredHash.toLowerCase() !== sha256Hex(req.body)) {
      return fail(
        'bad-signature',
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
      );
    }
  } else if (declaredHash !== undefined && !PAYLOAD_MODES.has(declaredHash)) {
    // Any other value would be signed literally and leave the body unchecked; S3 refuses it.
    return fail(
      'malformed',
      `x-amz-content-sha256 must be ${[...PAYLOAD_MODES].join(', ')} or a valid sha256 value.`,
    );
  }
  const canonical = [
    req.method.toUpperCase(),
    canonicalUri(req.path, parts.service),
    canonicalQuery(req.query, parts.presigned ? new Set(['X-Amz-Signature']) : new Set()),
    lines.join(''),
    signedHeaders.join(';'),
    payloadHash(req, headers, parts),
  ].join('\n');
  const scope = `${parts.date}/${parts.region}/${parts.service}/aws4_request`;
  const stringToSign = [ALGORITHM, parts.amzDate, scope, sha256Hex(canonical)].join('\n');
  const key = signingKey(credential.secretAccessKey, parts.date, parts.region, parts.service);
  const expected = hmacHex(key, stringToSign);
  if (!sameHex(expected, parts.signature.toLowerCase())) {
    return fail(
      'bad-signature',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }

  if (parts.presigned) {
    const expiresAt = amzMs + (parts.expiresSeconds ?? 0) * 1000;
    if (now > expiresAt) {
      return fail(
        'request-expired',
        `Request has expired: X-Amz-Date ${parts.amzDate} plus X-Amz-Expires ${parts.expiresSeconds} seconds is earlier than ${iso(now)}.`,
      );
    }
    if (amzMs - now > MAX_REQUEST_SKEW_MS) {
      return fail(
        'request-expired',
        `Request is not yet valid: X-Amz-Date ${parts.amzDate} is later than ${iso(now + MAX_REQUEST_SKEW_MS)} (${iso(now)} + 15 min.)`,
      );
    }
  } else if (now - amzMs > MAX_REQUEST_SKEW_MS) {
    return fail(
      'request-expired',
      `Signature expired: ${parts.amzDate} is now earlier than ${iso(now - MAX_REQUEST_SKEW_MS)} (${iso(now)} - 15 min.)`,
    );
  } else if (amzMs - now > MAX_REQUEST_SKEW_MS) {
    return fail(
      'request-expired',
      `Signature not yet current: ${parts.amzDate} is still later than ${iso(now + MAX_REQUEST_SKEW_MS)} (${iso(now)} + 15 min.)`,
    );
  }
  const success = { ok: true as const, credential, service: parts.service, region: parts.region };
  const mode = declaredHash ?? '';
  if (!mode.startsWith('STREAMING-')) return { ...success, payload: req.body };
  let decoded;
  try {
    decoded = decodeAwsChunked(req.body);
  } catch (error) {
    return fail('malformed', `Malformed aws-chunked body: ${(error as Error).message}.`);
  }
  if (mode.startsWith('STREAMING-AWS4-HMAC-SHA256-PAYLOAD')) {
    // Each chunk is signed over the previous chunk's signature, starting from the seed signature.
    const emptyHash = sha256Hex('');
    let previous = parts.signature.toLowerCase();
    for (const chunk of decoded.chunks) {
      const chunkStringToSign = [
        'AWS4-HMAC-SHA256-PAYLOAD',
        parts.amzDate,
        scope,
        previous,
        emptyHash,
        sha256Hex(chunk.data),
      ].join('\n');
      const chunkExpected = hmacHex(key, chunkStringToSign);
      if (chunk.signature === undefined || !sameHex(chunkExpected, chunk.signature.toLowerCase())) {
        return fail(
          'bad-signature',
          'The request signature we calculated does not match the signature you provided (aws-chunked chunk signature).',
        );
      }
      previous = chunkExpected;
    }
  }
  return { ...success, payload: decoded.payload, trailers: decoded.trailers };
}
