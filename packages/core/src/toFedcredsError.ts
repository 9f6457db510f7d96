import {
  AbortedError,
  FedcredsError,
  NetworkError,
  StsError,
  TimeoutError,
  type StsErrorCode,
} from './errors.js';
import { REDACTED } from './protectIdentity.js';
import { isTimeoutReason } from './time/raceSignal.js';

/** Context that makes a mapped error's message precise and secret-free. */
export interface ToFedcredsErrorOptions {
  /** STS operation that failed, e.g. `AssumeRoleWithWebIdentity`; named in the message. */
  operation?: string;
  /** Signal of the call; when it aborted, the failure is an abort (or a timeout, by its reason). */
  signal?: AbortSignal | undefined;
  /**
   * Secret values of the request (tokens, assertions, keys). Any that the server echoed back is
   * replaced by `'[redacted]'` in the message and in the cause.
   */
  secrets?: readonly (string | undefined)[];
}

interface Classification {
  code: StsErrorCode;
  retryable: boolean;
  /** What went wrong and what to do next. */
  advice: string;
}

// Keyed by both the SDK v3 exception name and the query-protocol wire code, which differ
// (`InvalidIdentityTokenException` vs `InvalidIdentityToken`).
const BY_NAME: Record<string, Classification> = {};
function classify(names: string[], classification: Classification): void {
  for (const name of names) BY_NAME[name] = classification;
}
classify(['ExpiredTokenException'], {
  code: 'ERR_STS_EXPIRED_TOKEN',
  retryable: false,
  advice: 'the identity token expired; get a fresh one from the IdP and refresh again',
});
classify(['ExpiredToken'], {
  code: 'ERR_STS_EXPIRED_TOKEN',
  retryable: false,
  advice:
    'the credentials that signed the request expired; refresh the master credentials and try again',
});
classify(['InvalidIdentityToken', 'InvalidIdentityTokenException'], {
  code: 'ERR_STS_INVALID_IDENTITY_TOKEN',
  retryable: false,
  advice:
    "STS rejected the identity token (signature, issuer or audience); check the IdP's registration in IAM and get a new token",
});
classify(['IDPRejectedClaim', 'IDPRejectedClaimException'], {
  code: 'ERR_STS_IDP_REJECTED_CLAIM',
  retryable: false,
  advice:
    "the token or assertion carries a claim the role's trust policy refuses; check the trust policy conditions",
});
classify(['IDPCommunicationError', 'IDPCommunicationErrorException'], {
  code: 'ERR_STS_IDP_COMMUNICATION',
  retryable: true,
  advice: 'STS could not reach the identity provider to verify the token; try again shortly',
});
classify(['AccessDenied', 'AccessDeniedException'], {
  code: 'ERR_STS_ACCESS_DENIED',
  retryable: false,
  advice: "access denied; check that the role's trust policy allows this caller or token",
});
classify(['MalformedPolicyDocument', 'MalformedPolicyDocumentException'], {
  code: 'ERR_STS_MALFORMED_POLICY',
  retryable: false,
  advice: 'the session policy is malformed; fix the Policy or PolicyArns parameter',
});
classify(['PackedPolicyTooLarge', 'PackedPolicyTooLargeException'], {
  code: 'ERR_STS_PACKED_POLICY_TOO_LARGE',
  retryable: false,
  advice:
    'session policies and tags are too large once packed; pass fewer or shorter policies and tags',
});
classify(['RegionDisabledException'], {
  code: 'ERR_STS_REGION_DISABLED',
  retryable: false,
  advice: 'STS is not activated in this region; activate it in IAM or configure another region',
});
classify(
  [
    'InvalidClientTokenId',
    'SignatureDoesNotMatch',
    'MissingAuthenticationToken',
    'IncompleteSignature',
  ],
  {
    code: 'ERR_STS_INVALID_CLIENT',
    retryable: false,
    advice: 'STS refused the signing credentials; check the master credentials',
  },
);
classify(['ValidationError', 'MissingParameter', 'InvalidParameterValue', 'InvalidAction'], {
  code: 'ERR_STS_VALIDATION',
  retryable: false,
  advice: 'STS rejected the request parameters; fix them and try again',
});
const THROTTLED: Classification = {
  code: 'ERR_STS_THROTTLED',
  retryable: true,
  advice: 'STS throttled the request; try again after a pause',
};
classify(
  ['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException'],
  THROTTLED,
);
const UNAVAILABLE: Classification = {
  code: 'ERR_STS_UNAVAILABLE',
  retryable: true,
  advice: 'STS is unavailable; try again shortly',
};
const OTHER: Classification = {
  code: 'ERR_STS',
  retryable: false,
  advice: 'STS returned an error',
};

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  Code?: unknown;
  Error?: { Code?: unknown; Message?: unknown };
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $response?: { statusCode?: number };
  cause?: unknown;
}

/**
 * Turns anything an STS call throws into a {@link FedcredsError}: SDK service exceptions become an
 * {@link StsError} with a stable `code`, the wire code, request id and HTTP status; failures that
 * never got an answer become a {@link NetworkError}, {@link TimeoutError} or {@link AbortedError}.
 * A `FedcredsError` is returned unchanged.
 *
 * @example
 * ```ts
 * try { await client.send(command) } catch (err) { throw toFedcredsError(err, { operation: 'AssumeRole' }) }
 * ```
 */
export function toFedcredsError(err: unknown, options: ToFedcredsErrorOptions = {}): FedcredsError {
  if (err instanceof FedcredsError) return err;
  const secrets = (options.secrets ?? []).filter(
    (s): s is string => typeof s === 'string' && s.length >= 4,
  );
  const scrub = (text: string) =>
    secrets.reduce((out, secret) => out.split(secret).join(REDACTED), text);
  const subject = options.operation ? `STS ${options.operation}` : 'STS request';
  const shape: SdkErrorShape =
    typeof err === 'object' && err !== null ? (err as SdkErrorShape) : {};
  const name = typeof shape.name === 'string' ? shape.name : '';
  // Read before scrubbing, which drops the raw HTTP response.
  const statusCode = shape.$metadata?.httpStatusCode ?? shape.$response?.statusCode;
  const requestId = shape.$metadata?.requestId;
  const answered = statusCode !== undefined || '$fault' in shape;
  const cause = scrubCause(err, scrub);

  if (name === 'AbortError' || options.signal?.aborted) {
    const reason: unknown = options.signal?.reason;
    if (isTimeoutReason(reason)) {
      return new TimeoutError(`${subject} timed out; try again, or allow it more time`, undefined, {
        cause,
      });
    }
    return new AbortedError(`${subject} was aborted by its caller.`, { cause });
  }

  // The SDK puts `$metadata` on network errors too; only an answer has an HTTP status.
  if (answered) {
    const wireCode = stringOr(shape.Code, stringOr(shape.Error?.Code, name || 'Unknown'));
    const classification =
      BY_NAME[wireCode] ??
      BY_NAME[name] ??
      (statusCode === 429
        ? THROTTLED
        : statusCode !== undefined && statusCode >= 500
          ? UNAVAILABLE
          : OTHER);
    const serverMessage = stringOr(shape.Error?.Message, stringOr(shape.message, ''));
    const detail =
      serverMessage && serverMessage !== 'UnknownError' && serverMessage !== 'Unknown'
        ? ` (${scrub(serverMessage)})`
        : '';
    return new StsError(
      classification.code,
      `${subject} failed with ${wireCode}${detail}: ${classification.advice}.`,
      classification.retryable,
      { wireCode, requestId, statusCode, cause },
    );
  }

  if (
    name === 'TimeoutError' ||
    errorCode(err) === 'ETIMEDOUT' ||
    errorCode(err) === 'UND_ERR_CONNECT_TIMEOUT'
  ) {
    return new TimeoutError(`${subject} timed out before STS answered; try again`, undefined, {
      cause,
    });
  }
  if (isNetworkFailure(err)) {
    return new NetworkError(
      `${subject} got no answer (network error); check the STS endpoint and connectivity, then try again`,
      { cause },
    );
  }
  const message = scrub(typeof shape.message === 'string' ? shape.message : String(err));
  return new StsError('ERR_STS', `${subject} failed: ${message}`, false, {
    wireCode: name || 'Unknown',
    cause,
  });
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.length > 0 ? value : fallback;
}

function errorCode(err: unknown): string | undefined {
  const code =
    typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function isNetworkFailure(err: unknown): boolean {
  for (let current = err, depth = 0; current && depth < 5; depth++) {
    const code = errorCode(current);
    if (code !== undefined && NETWORK_CODES.has(code)) return true;
    // fetch() rejects with a bare TypeError ("Failed to fetch", "fetch failed") when no answer came.
    if (current instanceof TypeError && /fetch|network|load failed/i.test(current.message))
      return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

const RAW_EXCHANGE_KEYS = new Set([
  '$response',
  '$responseBodyText',
  'request',
  'response',
  'config',
]);

/**
 * The cause to keep: a copy of the original error (same prototype, so `instanceof` still works)
 * without the raw HTTP exchange — which holds the request's headers, a master session token among
 * them — and with any echoed secret cut out of its texts.
 */
function scrubCause(err: unknown, scrub: (text: string) => string): unknown {
  if (typeof err === 'string') return scrub(err);
  if (typeof err !== 'object' || err === null) return err;
  const copy = Object.create(Object.getPrototypeOf(err) as object | null) as Record<
    string,
    unknown
  >;
  for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(err))) {
    if (RAW_EXCHANGE_KEYS.has(key)) continue;
    if (typeof descriptor.value === 'string') descriptor.value = scrub(descriptor.value);
    else if (key === 'Error' && typeof descriptor.value === 'object' && descriptor.value !== null) {
      descriptor.value = scrubStrings({ ...(descriptor.value as object) }, scrub);
    }
    Object.defineProperty(copy, key, descriptor);
  }
  return copy;
}

function scrubStrings<T extends object>(target: T, scrub: (text: string) => string): T {
  for (const [key, value] of Object.entries(target)) {
    if (typeof value === 'string') (target as Record<string, unknown>)[key] = scrub(value);
  }
  return target;
}
