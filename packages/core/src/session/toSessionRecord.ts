import type { AwsCredentialIdentity } from '@smithy/types';
import { ChainableTemporaryCredentials } from '../credentials/ChainableTemporaryCredentials.js';
import type { TokenDescription } from './describeToken.js';
import { estimateClockSkew } from './estimateClockSkew.js';
import type { SessionCredentials, SessionIdentity, SessionSnapshot } from './FederatedSession.js';
import type { SessionRecord } from './SessionRecord.js';

/** STS's default session length when `DurationSeconds` is not given, in seconds. */
const STS_DEFAULT_DURATION_SECONDS = 3_600;
/** GetSessionToken's default session length, in seconds. */
const GET_SESSION_TOKEN_DEFAULT_DURATION_SECONDS = 43_200;

/** One successful STS exchange of a session, and what the session knew around it. */
export interface StsExchange {
  /** The credential object that made the call: its `params` and the redacted response `data`. */
  credentials: SessionCredentials;
  /** The credentials STS returned (`expiration` on STS's clock). */
  identity: AwsCredentialIdentity;
  /** The IdP token sent with the request, as read; `null` when none was (role chaining). */
  token: TokenDescription | null;
  /** Local time the request was sent, milliseconds. */
  requestStartMs: number;
  /** Local time the response arrived, milliseconds. */
  responseEndMs: number;
  /** The response's `Date` header, server milliseconds, when readable. */
  serverDateMs: number | undefined;
  /** The master's snapshot for a chained session: its token expiry and identity carry over. */
  master: SessionSnapshot | undefined;
}

/**
 * Turns an STS exchange into the {@link SessionRecord} a session keeps, stores and shares: local-
 * clock deadlines corrected for the clock skew the exchange reveals (see `estimateClockSkew`),
 * and who the credentials belong to, from the token, the STS response and the master.
 */
export function toSessionRecord(exchange: StsExchange): SessionRecord {
  const { identity, token, requestStartMs, responseEndMs, serverDateMs, master } = exchange;
  const maxLifetimeMs = maxLifetimeMsOf(exchange.credentials, token);
  const expirationMs = identity.expiration?.getTime() ?? responseEndMs + maxLifetimeMs;
  const estimate = estimateClockSkew({
    requestStartMs,
    responseEndMs,
    serverDateMs,
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
    accessKeyId: identity.accessKeyId,
    secretAccessKey: identity.secretAccessKey,
    ...(identity.sessionToken !== undefined && { sessionToken: identity.sessionToken }),
    ...(identity.accountId !== undefined && { accountId: identity.accountId }),
    issuedAtMs: responseEndMs,
    expiresAtMs: estimate.expiresAtMs,
    tokenExpiresAtMs,
    identity: identityOf(exchange.credentials, token, master?.identity ?? null),
    clockSkewMs: estimate.clockSkewMs,
  };
}

/** The longest session STS may have granted for the request just made, in milliseconds. */
function maxLifetimeMsOf(credentials: SessionCredentials, token: TokenDescription | null): number {
  const params = credentials.params as { DurationSeconds?: number; RoleArn?: string };
  const fallback =
    credentials instanceof ChainableTemporaryCredentials && !params.RoleArn
      ? GET_SESSION_TOKEN_DEFAULT_DURATION_SECONDS
      : STS_DEFAULT_DURATION_SECONDS;
  const requestedMs = (params.DurationSeconds ?? fallback) * 1000;
  return Math.min(requestedMs, token?.sessionDurationMs ?? Number.POSITIVE_INFINITY);
}

function identityOf(
  credentials: SessionCredentials,
  token: TokenDescription | null,
  inherited: SessionIdentity | null,
): SessionIdentity | null {
  const data = (credentials.data ?? {}) as {
    SubjectFromWebIdentityToken?: string;
    Subject?: string;
    Issuer?: string;
    Provider?: string;
    Audience?: string;
    AssumedRoleUser?: { Arn?: string };
  };
  const roleArn = (credentials.params as { RoleArn?: string }).RoleArn;
  const identity: Record<string, string> = {};
  const put = (key: keyof SessionIdentity, ...values: (string | undefined)[]) => {
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
  put('roleArn', roleArn);
  put('assumedRoleArn', data.AssumedRoleUser?.Arn);
  return Object.keys(identity).length === 0 ? null : Object.freeze(identity);
}
