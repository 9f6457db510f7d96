import type { StsExchangeResult } from '../credentials/StsCredentials.js';
import {
  IdentityChangedError,
  type FedcredsError,
  type IdentityRef,
  type StsError,
} from '../errors.js';
import type { Clock } from '../time/Clock.js';
import { raceSignal } from '../time/raceSignal.js';
import { timeoutSignal } from '../time/timeoutSignal.js';
import type { TimerProvider } from '../time/TimerProvider.js';
import { toFedcredsError } from '../toFedcredsError.js';
import type { TokenSource } from '../tokenSources/TokenSource.js';
import { acquireToken, requestTimeout } from './acquireToken.js';
import type { TokenDescription } from './TokenDescription.js';
import type { FederatedSession, SessionCredentials } from './FederatedSession.js';
import type { IdpTokenKind } from './IdpTokenKind.js';
import type { TokenKind } from './resolveSessionOptions.js';
import type { SessionRecord } from './SessionRecord.js';
import { isAnotherUser } from './sessionIdentity.js';
import { isTokenCloseToExpiry } from './sessionPolicy.js';
import { toSessionRecord, type StsOutputFields } from './toSessionRecord.js';

/** What {@link fetchSessionRecord} works with: the session's parts, read-only. */
export interface FetchContext {
  readonly credentials: SessionCredentials;
  readonly tokenKind: TokenKind;
  readonly tokenSource: TokenSource | undefined;
  readonly master: FederatedSession | undefined;
  readonly requestTimeoutMs: number;
  readonly clock: Clock;
  readonly timers: TimerProvider;
  /** The session's current estimate of the local clock's skew (server minus local), ms. */
  readonly clockSkewMs: number;
  /**
   * Called after each token the source gives: it may have renewed the IdP user, which the tab's
   * group should hold before the STS call in case this tab closes during it.
   */
  readonly onToken?: (() => void) | undefined;
  /**
   * Whom the session's credentials belong to: a token naming another subject (or issuer) is
   * refused with `IdentityChangedError` before it reaches STS. `null` accepts any user.
   */
  readonly identity?: IdentityRef | null | undefined;
  /** Reports a decision (a forced re-acquisition, a re-signing) to the session's logger. */
  readonly log?: ((message: string, details?: Record<string, unknown>) => void) | undefined;
}

/** One successful refresh: the record to hold, and what the v2-style fields mirror. */
export interface FetchedRecord {
  readonly record: SessionRecord;
  /** The STS response (secrets redacted from JSON), for the credential object's `data`. */
  readonly output: object;
  /** The IdP token the credentials came from, or `undefined` for role chaining. */
  readonly token: string | undefined;
}

/**
 * One refresh: the IdP token (renewed first when it is close to expiry), then one STS exchange
 * with it. If STS rejects the token (or the master's credentials), one forced re-acquisition and
 * one retry; if it rejects the signature's time after the SDK corrected its clock offset, one
 * more signing. Never a loop; each request bounded by `requestTimeoutMs`.
 */
export async function fetchSessionRecord(
  context: FetchContext,
  signal: AbortSignal,
): Promise<FetchedRecord> {
  const { tokenKind, master, clock } = context;
  let forced = false;
  let skewCorrected = false;
  let token: DescribedToken | null = null;
  if (tokenKind !== null) {
    token = await getToken(context, false, signal);
    if (isTokenCloseToExpiry(token.description.expiresAtMs, context.clockSkewMs, clock.now())) {
      context.log?.('IdP token close to expiry: re-acquiring it before STS');
      forced = true;
      token = await getToken(context, true, signal);
    }
  }
  for (;;) {
    const requestStartMs = clock.now();
    let result: StsExchangeResult<StsOutputFields>;
    try {
      result = await exchange(context, token?.value, signal);
    } catch (error) {
      const failure = toFedcredsError(error);
      if (!forced && tokenKind !== null && isTokenRejection(failure)) {
        context.log?.('STS rejected the IdP token: re-acquiring it once', { code: failure.code });
        forced = true;
        token = await getToken(context, true, signal);
        continue;
      }
      if (!skewCorrected && isClockSkewCorrection(failure)) {
        // The SDK just learned the signing clock was off and corrected it: sign again.
        context.log?.('STS refused the signing time; the SDK corrected its clock: signing again');
        skewCorrected = true;
        continue;
      }
      if (!forced && master && isSigningCredentialsExpiry(failure)) {
        context.log?.('the master credentials expired at STS: refreshing the master once');
        forced = true;
        await raceSignal(master.refresh({ force: true }), signal);
        continue;
      }
      throw failure;
    }
    const record = toSessionRecord({
      params: context.credentials.params,
      chained: tokenKind === null,
      result,
      token: token?.description ?? null,
      requestStartMs,
      responseEndMs: clock.now(),
      master: master?.getSnapshot(),
    });
    return { record, output: result.output, token: token?.value };
  }
}

interface DescribedToken {
  readonly value: string;
  readonly description: TokenDescription;
}

async function getToken(
  context: FetchContext,
  forceRefresh: boolean,
  signal: AbortSignal,
): Promise<DescribedToken> {
  const value = await acquireToken(context.tokenSource as TokenSource, {
    forceRefresh,
    signal,
    timeoutMs: context.requestTimeoutMs,
    timers: context.timers,
  });
  context.onToken?.();
  const description = (context.tokenKind as IdpTokenKind).describe(value);
  const expected = context.identity;
  if (expected && isAnotherUser(expected, description)) {
    throw new IdentityChangedError(
      { issuer: expected.issuer, subject: expected.subject },
      { issuer: description.issuer, subject: description.subject },
    );
  }
  return { value, description };
}

async function exchange(
  context: FetchContext,
  token: string | undefined,
  signal: AbortSignal,
): Promise<StsExchangeResult<StsOutputFields>> {
  const { requestTimeoutMs, timers } = context;
  const timeout = timeoutSignal(signal, requestTimeoutMs, timers, 'STS request');
  try {
    const exchanged: Promise<StsExchangeResult<StsOutputFields>> = context.credentials.exchange(
      token,
      { signal: timeout.signal },
    );
    return await raceSignal(exchanged, timeout.signal);
  } catch (error) {
    if (timeout.timedOut) throw requestTimeout('STS did not answer', requestTimeoutMs);
    throw error;
  } finally {
    timeout.dispose();
  }
}

/** STS refused the IdP token itself: a new token may succeed. */
function isTokenRejection(error: FedcredsError): boolean {
  return (
    error.code === 'ERR_STS_INVALID_IDENTITY_TOKEN' ||
    (error.code === 'ERR_STS_EXPIRED_TOKEN' && (error as StsError).wireCode !== 'ExpiredToken')
  );
}

/**
 * STS refused a signature for its time (the local clock is off by more than 15 minutes) and the
 * SDK has corrected its clock offset from the response, so signing again will work.
 */
function isClockSkewCorrection(error: FedcredsError): boolean {
  const metadata = (error.cause as { $metadata?: { clockSkewCorrected?: unknown } } | undefined)
    ?.$metadata;
  return error.code === 'ERR_STS_INVALID_CLIENT' && metadata?.clockSkewCorrected === true;
}

/** STS refused the credentials that signed the request because they expired. */
function isSigningCredentialsExpiry(error: FedcredsError): boolean {
  return error.code === 'ERR_STS_EXPIRED_TOKEN';
}
