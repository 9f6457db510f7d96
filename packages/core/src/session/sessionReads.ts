import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { SignedOutError, type FedcredsError } from '../errors.js';
import { systemClock, type Clock } from '../time/Clock.js';
import { toFedcredsError } from '../toFedcredsError.js';
import { awaitRecovery, type RecoveryWait } from './awaitRecovery.js';
import { isTerminalStatus } from './sessionPolicy.js';
import type { SessionSnapshot } from './SessionSnapshot.js';

type Read = Promise<AwsCredentialIdentity>;

/** What the read path sees of its session's engine, and may ask of it. */
export interface ReadHost {
  readonly clock: Clock;
  snapshot(): SessionSnapshot;
  started(): boolean;
  /** The refresh in flight, or `null`. */
  inFlight(): Read | null;
  /** Until when the held credentials are handed out without waiting (−∞ for none). */
  usableUntilMs(): number;
  isBackingOff(nowMs: number): boolean;
  /** Looks at the clock (timers may have slept) and does what is due. */
  tick(): void;
  runRefresh(reason: string): Read;
  forceRefresh(): Read;
  /** How to wait for the session's recovery; `timeoutMs` 0 means do not. */
  recovery(): RecoveryWait;
}

/**
 * The session's `credentialProvider`: the held credentials while they are usable — one clock
 * read and one comparison, the hot path SDK clients take — else whatever the slow path decides.
 */
export function credentialProviderOf(host: ReadHost): AwsCredentialIdentityProvider {
  // `Date.now` is called directly for the default clock (it needs no receiver).
  const clock = host.clock;
  const now = clock === systemClock ? Date.now : () => clock.now();
  return (properties) => {
    const credentials = host.snapshot().credentials;
    const force = properties?.['forceRefresh'] === true;
    if (credentials !== null && !force && now() < host.usableUntilMs()) {
      return Promise.resolve(credentials);
    }
    return force ? host.forceRefresh() : readSlowly(host);
  };
}

/**
 * A read without usable credentials: join the refresh in flight, refuse when signed out or
 * stopped, wait out a backoff (started) or refuse during it (not started: nothing retries) rather
 * than hammer STS from every SDK call, else refresh — each settling with the session.
 */
function readSlowly(host: ReadHost): Read {
  const inFlight = host.inFlight();
  if (inFlight) return settleWithSession(host, inFlight);
  const snapshot = host.snapshot();
  if (snapshot.status === 'signed-out') {
    return Promise.reject(
      new SignedOutError('The session is signed out; call signIn() before using its credentials.'),
    );
  }
  const nowMs = host.clock.now();
  if (host.started()) host.tick();
  const joined = host.inFlight();
  if (joined) return settleWithSession(host, joined);
  const { error } = snapshot;
  if (error && isTerminalStatus(host.snapshot().status)) return Promise.reject(error);
  if (error && host.isBackingOff(nowMs)) {
    return host.started() ? awaitRecovery(host.recovery(), error) : Promise.reject(error);
  }
  return settleWithSession(host, host.runRefresh('a read found no usable credentials'));
}

/**
 * `run`, or — when it fails with an error the session is retrying — the session's recovery
 * within `recoveryTimeoutMs`, so callers settle the way the snapshot does.
 */
export function settleWithSession(host: ReadHost, run: Read): Read {
  return run.catch((error: unknown) => {
    const failure: FedcredsError = toFedcredsError(error);
    const retrying = failure.retryable && host.started() && host.isBackingOff(host.clock.now());
    if (!retrying) throw failure;
    const wait = host.recovery();
    if (wait.timeoutMs === 0) throw failure;
    return awaitRecovery(wait, failure);
  });
}
