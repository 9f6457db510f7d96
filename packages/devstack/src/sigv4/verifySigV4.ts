import { timingSafeEqual } from 'node:crypto';
import type { CredentialStore, IssuedCredential } from '../credentialStore.js';
import { hmacHex, sha256Hex, signingKey } from './canonicalRequest.js';
import { decodeAwsChunked } from './decodeAwsChunked.js';
import { resignWithSmithy } from './resignWithSmithy.js';
import {
  MAX_REQUEST_SKEW_MS,
  PAYLOAD_MODES,
  lowerHeaders,
  parseAmzDate,
  parseSigV4,
  signedPayloadHash,
  single,
} from './parseSigV4.js';
import type { IncomingSignedRequest, SigV4Parts } from './parseSigV4.js';

/** Why a request was not accepted; servers map these to their wire error codes. */
export type SigV4FailureReason =
  | 'missing'
  | 'malformed'
  | 'malformed-query'
  | 'unknown-key'
  | 'bad-signature'
  | 'expired'
  | 'token-mismatch'
  | 'request-expired'
  | 'time-skewed'
  | 'unsigned-headers'
  | 'wrong-region'
  | 'wrong-service';

/** What the receiving server is: a signature scoped to anything else is refused. */
export interface SigV4Expectations {
  /** The server's region (`us-east-1`). */
  region: string;
  /** Services the server answers for, as credential scopes name them (`s3`, `dynamodb`, `sts`). */
  services: readonly string[];
}

/** A refused request: why, a message in AWS's words, and the details error bodies carry. */
export interface SigV4Failure {
  ok: false;
  reason: SigV4FailureReason;
  message: string;
  accessKeyId?: string;
  /** `time-skewed`: the request's `X-Amz-Date` (S3 echoes it as `RequestTime`). */
  requestTime?: string;
  /** `unsigned-headers`: the `x-amz-*` headers that were not signed (S3's `HeadersNotSigned`). */
  unsignedHeaders?: string[];
  /** `wrong-region`: the region the signature is scoped to. */
  scopedRegion?: string;
}

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
  | SigV4Failure;

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
 * `x-amz-*` headers the request carries but did not sign. S3 requires every one signed; the other
 * services document one exception, `X-Amz-Security-Token`, which may be added after signing.
 */
function unsignedAmzHeaders(headers: Map<string, string | string[]>, parts: SigV4Parts): string[] {
  const signed = new Set(parts.signedHeaders);
  return [...headers.keys()].filter(
    (name) =>
      name.startsWith('x-amz-') &&
      !signed.has(name) &&
      !(parts.service !== 's3' && name === 'x-amz-security-token'),
  );
}

/**
 * Verifies an AWS Signature Version 4 request — header-signed (`Authorization: AWS4-HMAC-SHA256 …`)
 * or presigned (`X-Amz-Signature` in the query) — against the credentials in `store`, the way AWS
 * does: the credential scope must name this server's region and service, `host` and every
 * `x-amz-*` header must be signed, a header-signed `X-Amz-Date` must be within 15 minutes of `now`
 * (`time-skewed`, what SDKs correct their clock on), a presigned URL lives at most 7 days, the
 * signature is recomputed over the signed headers with the key's secret, the session token must
 * belong to the key, and expired credentials are refused.
 *
 * Payload modes: a hex `x-amz-content-sha256` must match the body; `UNSIGNED-PAYLOAD` and the
 * SigV4 `STREAMING-*` modes are signed literally, and `aws-chunked` bodies come back decoded (chunk
 * signatures of `STREAMING-AWS4-HMAC-SHA256-PAYLOAD*` are verified, a trailer signature is not);
 * any other value is refused as malformed.
 *
 * @param now - epoch ms of the server's clock; drives every expiry decision.
 * @param expected - the server's region and services; without it any scope is accepted.
 */
export async function verifySigV4(
  req: IncomingSignedRequest,
  store: CredentialStore,
  now: number,
  expected?: SigV4Expectations,
): Promise<SigV4Result> {
  const parsed = parseSigV4(req);
  if (!parsed.ok) return parsed;
  const { parts } = parsed;
  const fail = (
    reason: SigV4FailureReason,
    message: string,
    detail: Partial<SigV4Failure> = {},
  ): SigV4Failure => ({ ok: false, reason, message, accessKeyId: parts.accessKeyId, ...detail });

  if (expected && !expected.services.includes(parts.service)) {
    return fail(
      'wrong-service',
      `Credential should be scoped to correct service: '${expected.services.join("' or '")}'.`,
    );
  }
  if (expected && parts.region !== expected.region) {
    return fail(
      'wrong-region',
      `Credential should be scoped to a valid region, not '${parts.region}'.`,
      { scopedRegion: parts.region },
    );
  }

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
  const unsigned = unsignedAmzHeaders(headers, parts);
  if (unsigned.length > 0) {
    return fail(
      'unsigned-headers',
      'There were headers present in the request which were not signed',
      {
        unsignedHeaders: unsigned,
      },
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
  if (!parts.presigned && now - amzMs > MAX_REQUEST_SKEW_MS) {
    return fail(
      'time-skewed',
      `Signature expired: ${parts.amzDate} is now earlier than ${iso(now - MAX_REQUEST_SKEW_MS)} (${iso(now)} - 15 min.)`,
      { requestTime: parts.amzDate },
    );
  }
  if (!parts.presigned && amzMs - now > MAX_REQUEST_SKEW_MS) {
    return fail(
      'time-skewed',
      `Signature not yet current: ${parts.amzDate} is still later than ${iso(now + MAX_REQUEST_SKEW_MS)} (${iso(now)} + 15 min.)`,
      { requestTime: parts.amzDate },
    );
  }
  const missing = signedHeaders.find((name) => !headers.has(name));
  if (missing !== undefined) {
    return fail(
      'bad-signature',
      `The request signature we calculated does not match the signature you provided: signed header '${missing}' is missing from the request.`,
    );
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
  // The canonical request is smithy's (the signer SDK v3 uses), over what the client signed.
  const computed = await resignWithSmithy(
    req,
    parts,
    credential.secretAccessKey,
    headers,
    signedPayloadHash(req, headers, parts),
  );
  const scope = `${parts.date}/${parts.region}/${parts.service}/aws4_request`;
  const key = signingKey(credential.secretAccessKey, parts.date, parts.region, parts.service);
  if (!sameHex(computed, parts.signature.toLowerCase())) {
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
