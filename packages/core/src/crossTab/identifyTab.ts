import type { SessionCredentials } from '../session/FederatedSession.js';
import type { IdpTokenKind } from '../session/IdpTokenKind.js';
import type { SessionRecord } from '../session/SessionRecord.js';
import type { TimerProvider } from '../time/TimerProvider.js';
import { raceSignal } from '../time/raceSignal.js';
import { timeoutSignal } from '../time/timeoutSignal.js';
import type { TokenSource } from '../tokenSources/TokenSource.js';
import { groupKeyOf, stsTargetOf, type GroupIdentity } from './GroupIdentity.js';

/** How long reading a token source's user may take before the tab refreshes on its own. */
const IDENTIFY_TIMEOUT_MS = 10_000;

/** Who a tab's user is, and the key of their group. */
export interface TabUser {
  readonly identity: GroupIdentity;
  readonly key: string;
  /** When the user's token was issued, epoch milliseconds, if known. */
  readonly issuedAtMs: number | undefined;
  /** When this page signed the user in, local epoch milliseconds, if it did. */
  readonly signedInAtMs?: number | undefined;
}

/** What {@link identifyTab} looks at. */
export interface IdentifyTabInput {
  readonly namespace: string;
  readonly credentials: SessionCredentials;
  /** The token the session's credentials send; `null` for a chained session. */
  readonly tokenKind: IdpTokenKind | null;
  readonly tokenSource: TokenSource | undefined;
  /** Credentials just obtained: who they name wins over an older guess. */
  readonly fresh: SessionRecord | null;
  /** The credentials the tab holds. */
  readonly record: SessionRecord | null;
  /** What the tab found out last time. */
  readonly known: TabUser | null;
  readonly timers: TimerProvider;
}

/**
 * Finds who the tab's user is, without an STS call: the token source's `describeUser()` where it
 * has one (no network); else who freshly obtained credentials name; else what the tab found out
 * before; else the claims of the source's current token (one `getToken()` — give the source
 * `describeUser` to spare it); for a chained session (no token source), who its credentials name.
 * `null` when nobody is signed in, or the source cannot tell within 10 seconds.
 */
export async function identifyTab(input: IdentifyTabInput): Promise<TabUser | null> {
  const { tokenSource, known, fresh } = input;
  let who: {
    issuer?: string | undefined;
    subject?: string | undefined;
    issuedAtMs?: number | undefined;
    signedInAtMs?: number | undefined;
  } | null;
  if (tokenSource?.describeUser) {
    who = await tokenSource.describeUser().catch(() => null);
  } else if (fresh?.identity?.subject) {
    who = fresh.identity;
    if (known && known.identity.subject === who.subject) return known;
  } else if (known) {
    return known;
  } else if (tokenSource && input.tokenKind) {
    who = await probe(tokenSource, input.tokenKind, input.timers);
  } else {
    who = input.record?.identity ?? null;
  }
  if (!who?.subject) return null;
  const identity: GroupIdentity = {
    issuer: who.issuer ?? '',
    subject: who.subject,
    roleArn: roleOf(input.credentials),
    sts: await stsTargetOf(input.credentials.service),
  };
  const key = await groupKeyOf(input.namespace, identity);
  return {
    identity,
    key,
    issuedAtMs: who.issuedAtMs,
    ...(who.signedInAtMs !== undefined && { signedInAtMs: who.signedInAtMs }),
  };
}

/** The role a session's credentials assume, or `session-token` for GetSessionToken. */
export function roleOf(credentials: SessionCredentials): string {
  return (credentials.params as { RoleArn?: string }).RoleArn ?? 'session-token';
}

async function probe(
  tokenSource: TokenSource,
  kind: IdpTokenKind,
  timers: TimerProvider,
): Promise<{ issuer?: string; subject?: string; issuedAtMs?: number } | null> {
  const timeout = timeoutSignal(
    new AbortController().signal,
    IDENTIFY_TIMEOUT_MS,
    timers,
    'token source, asked who is signed in,',
  );
  try {
    const token: unknown = await raceSignal(
      Promise.resolve().then(() =>
        tokenSource.getToken({ forceRefresh: false, signal: timeout.signal }),
      ),
      timeout.signal,
    );
    return typeof token === 'string' ? kind.describe(token) : null;
  } catch {
    return null;
  } finally {
    timeout.dispose();
  }
}
