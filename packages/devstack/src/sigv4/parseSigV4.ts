import { sha256Hex } from './canonicalRequest.js';

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

/** The only signing algorithm the stack speaks (no SigV4a). */
export const ALGORITHM = 'AWS4-HMAC-SHA256';
/** `x-amz-content-sha256` values besides a hex hash that SigV4 (not SigV4a) requests may declare. */
export const PAYLOAD_MODES = new Set([
  'UNSIGNED-PAYLOAD',
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
]);
/** AWS accepts header-signed requests whose X-Amz-Date is within 15 minutes of its clock. */
export const MAX_REQUEST_SKEW_MS = 15 * 60 * 1000;
/** SigV4 presigned URLs live at most seven days (`X-Amz-Expires` ≤ 604800). */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

/**
 * A header value as the text of its wire bytes. Node decodes header bytes as Latin-1, while a
 * signer hashes the UTF-8 it sent (`x-amz-meta-name: ä` is the bytes C3 A4), so non-ASCII values are
 * re-read as UTF-8 to canonicalise what was signed.
 */
function wireText(value: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(value) ? Buffer.from(value, 'latin1').toString('utf8') : value;
}

/** Headers by lower-case name, values as the UTF-8 text of their wire bytes. */
export function lowerHeaders(
  headers: IncomingSignedRequest['headers'],
): Map<string, string | string[]> {
  const out = new Map<string, string | string[]>();
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) {
      out.set(name.toLowerCase(), Array.isArray(value) ? value.map(wireText) : wireText(value));
    }
  }
  return out;
}

/** First value of a header Node may give as an array. */
export function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Epoch ms of an ISO-8601 basic timestamp (`20240101T120000Z`), or NaN. */
export function parseAmzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return Number.NaN;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

/**
 * The payload hash a request's signature covers: its `x-amz-content-sha256`, else a presigned
 * URL's `X-Amz-Content-Sha256` (S3 presigned URLs default to `UNSIGNED-PAYLOAD`), else the body's
 * SHA-256.
 */
export function signedPayloadHash(
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

/** Outcome of {@link parseSigV4}; `malformed-query` is a broken presigned URL. */
export type ParsedSigV4 =
  | { ok: true; parts: SigV4Parts }
  | { ok: false; reason: 'missing' | 'malformed' | 'malformed-query'; message: string };

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
export function parseSigV4(req: IncomingSignedRequest): ParsedSigV4 {
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
        reason: 'malformed-query',
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
        reason: 'malformed-query',
        message:
          'Query-string authentication requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
      };
    }
    const scope = parseCredentialScope(credential);
    if (!scope) {
      return {
        ok: false,
        reason: 'malformed-query',
        message: 'Error parsing the X-Amz-Credential parameter.',
      };
    }
    const expiresSeconds = /^\d+$/.test(expires) ? Number(expires) : Number.NaN;
    if (!(expiresSeconds >= 1 && expiresSeconds <= MAX_PRESIGN_SECONDS)) {
      return {
        ok: false,
        reason: 'malformed-query',
        message:
          expiresSeconds > MAX_PRESIGN_SECONDS
            ? 'X-Amz-Expires must be less than a week (in seconds) that is 604800'
            : 'X-Amz-Expires must be a non-negative integer number of seconds.',
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
