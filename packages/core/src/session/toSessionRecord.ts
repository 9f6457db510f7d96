import { profileClaims } from '../jwt/profileClaims.js';
import type { StsExchangeResult } from '../credentials/StsCredentials.js';
import type { TokenDescription } from './TokenDescription.js';
import { estimateClockSkew } from './estimateClockSkew.js';
import type { SessionIdentity, SessionSnapshot } from './SessionSnapshot.js';
import type { SessionRecord } from './SessionRecord.js';

/** STS's default session length when `DurationSeconds` is not given, in seconds. */
const STS_DEFAULT_DURATION_SECONDS = 3_600;
/** GetSessionToken's default session length, in seconds. */
const GET_SESSION_TOKEN_DEFAULT_DURATION_SECONDS = 43_200;

/** The fields of an STS response (any of the four operations) a session reads. */
export interface StsOutputFields {
  SubjectFromWebIdentityToken?: string | undefined;
  Subject?: string | undefined;
  Issuer?: string | undefined;
  Provider?: string | undefined;
  Audience?: string | undefined;
  AssumedRoleUser?: { Arn?: string | undefined } | undefined;
}

/** One successful STS exchange of a session, and what the session knew around it. */
export interface SessionExchange {
  /** The request parameters that are configuration (`RoleArn`, `DurationSeconds`). */
  params: { readonly RoleArn?: string | undefined; readonly DurationSeconds?: number | undefined };
  /** Whether the credentials are chained (AssumeRole / GetSessionToken), sending no IdP token. */
  chained: boolean;
  /** What the exchange returned (`credentials.expireTime` and `serverDate` on STS's clock). */
  result: StsExchangeResult<StsOutputFields>;
  /** The IdP token sent with the request, as read; `null` when none was (role chaining). */
  token: TokenDescription | null;
  /** Local time the request was sent, milliseconds. */
  requestStartMs: number;
  /** Local time the response arrived, milliseconds. */
  responseEndMs: number;
  /** The master's snapshot for a chained session: its token expiry and identity carry over. */
  master: SessionSnapshot | undefined;
}

/**
 * Turns an STS exchange into the {@link SessionRecord} a session keeps, stores and shares: local-
 * clock deadlines corrected for the clock skew the exchange reveals (see `estimateClockSkew`),
 * and who the credentials belong to, from the token, the STS response and the master.
 */
export function toSessionRecord(exchange: SessionExchange): SessionRecord {
  const { result, token, requestStartMs, responseEndMs, master } = exchange;
  const { credentials } = result;
  const maxLifetimeMs = maxLifetimeMsOf(exchange, token);
  const expirationMs = credentials.expireTime?.getTime() ?? responseEndMs + maxLifetimeMs;
  const estimate = estimateClockSkew({
    requestStartMs,
    responseEndMs,
    serverDateMs: result.serverDate?.getTime(),
    expirationMs,
    maxLifetimeMs,
    tokenIssuedAtMs: token?.issuedAtMs,
  });
  const tokenExpiresAtMs =
    token?.expiresAtMs !== undefined
      ? token.expiresAtMs - estimate.clockSkewMs
      : (master?.tokenExpiresAt?.getTime() ?? null);
  return {
    version: 1,
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    ...(credentials.sessionToken !== undefined && { sessionToken: credentials.sessionToken }),
    ...(credentials.accountId !== undefined && { accountId: credentials.accountId }),
    issuedAtMs: responseEndMs,
    expiresAtMs: estimate.expiresAtMs,
    tokenExpiresAtMs,
    identity: identityOf(exchange, token, master?.identity ?? null),
    clockSkewMs: estimate.clockSkewMs,
  };
}

/** The longest session STS may have granted for the request just made, in milliseconds. */
function maxLifetimeMsOf(exchange: SessionExchange, token: TokenDescription | null): number {
  const { params } = exchange;
  const fallback =
    exchange.chained && !params.RoleArn
      ? GET_SESSION_TOKEN_DEFAULT_DURATION_SECONDS
      : STS_DEFAULT_DURATION_SECONDS;
  const requestedMs = (params.DurationSeconds ?? fallback) * 1000;
  return Math.min(requestedMs, token?.sessionDurationMs ?? Number.POSITIVE_INFINITY);
}

function identityOf(
  exchange: SessionExchange,
  token: TokenDescription | null,
  inherited: SessionIdentity | null,
): SessionIdentity | null {
  const data = exchange.result.output;
  const identity: Record<string, unknown> = {};
  const put = (
    key: Exclude<keyof SessionIdentity, 'profile'>,
    ...values: (string | undefined)[]
  ) => {
    const value = values.find((v) => typeof v === 'string' && v.length > 0);
    if (value !== undefined) identity[key] = value;
  };
  put(
    'subject',
    data.SubjectFromWebIdentityToken,
    data.Subject,
    token?.subject,
    inherited?.subject,
  );
  put('issuer', token?.issuer, data.Issuer, data.Provider, inherited?.issuer);
  put('audience', token?.audience, data.Audience, inherited?.audience);
  put('roleArn', exchange.params.RoleArn);
  put('assumedRoleArn', data.AssumedRoleUser?.Arn);
  const profile = (token?.claims && profileClaims(token.claims)) ?? inherited?.profile;
  if (profile) identity['profile'] = profile;
  return Object.keys(identity).length === 0 ? null : Object.freeze(identity);
}
