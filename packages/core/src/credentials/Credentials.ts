import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { MissingCredentialsError, type FedcredsError } from '../errors.js';
import { REDACTED, protectIdentity } from '../protectIdentity.js';
import { toFedcredsError } from '../toFedcredsError.js';
import { reportUncaught } from '../reportUncaught.js';
import { raceSignal, toAbortedError } from '../time/raceSignal.js';

/** Default {@link Credentials.expiryWindow}, in seconds. */
export const DEFAULT_EXPIRY_WINDOW_SECONDS = 15;

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Options of `new Credentials({ … })`. */
export interface CredentialsOptions {
  /** AWS access key id. */
  accessKeyId?: string | undefined;
  /** AWS secret access key. */
  secretAccessKey?: string | undefined;
  /** Session token of temporary credentials. */
  sessionToken?: string | undefined;
  /** When the credentials expire; `null` for long-term keys. @default null */
  expireTime?: Date | null | undefined;
  /** Seconds before `expireTime` at which the credentials count as expired. @default 15 */
  expiryWindow?: number | undefined;
}

/** Options of {@link Credentials.getPromise} and {@link Credentials.refreshPromise}. */
export interface CredentialsCallOptions {
  /**
   * Aborts the STS request this call starts (rejecting with `AbortedError`, or `TimeoutError` when
   * the signal's reason is a `TimeoutError`). A call that joins a request already in flight only
   * stops waiting; the request goes on for the others.
   */
  signal?: AbortSignal | undefined;
}

/** Callback of {@link Credentials.get} and {@link Credentials.refresh}: `null` on success. */
export type CredentialsCallback = (err: FedcredsError | null) => void;

/** What a subclass's {@link Credentials.load} produces. */
export interface LoadedCredentials {
  /** AWS access key id. */
  accessKeyId: string;
  /** AWS secret access key. */
  secretAccessKey: string;
  /** Session token, for temporary credentials. */
  sessionToken?: string | undefined;
  /** Expiry; `null` when the credentials do not expire. */
  expireTime: Date | null;
  /** Account the credentials belong to, when known (SDK v3 uses it for account-based endpoints). */
  accountId?: string | undefined;
}

/** Hands a callback its result without letting a throwing callback disturb anyone else. */
function settle(callback: CredentialsCallback | undefined, err: FedcredsError | null): void {
  if (!callback) return;
  try {
    callback(err);
  } catch (thrown) {
    reportUncaught(thrown);
  }
}

function noop(): void {}

/**
 * AWS credentials with the API of AWS SDK v2's `AWS.Credentials`: the keys as properties, an expiry
 * check, and `get`/`refresh` in callback and promise forms. Subclasses fetch temporary credentials
 * by overriding {@link Credentials.load}; this class itself holds fixed keys.
 *
 * Concurrent `get`/`refresh` calls share one request; a failure is not cached.
 *
 * @example
 * ```ts
 * const creds = new Credentials({ accessKeyId: 'AKIA…', secretAccessKey: '…' });
 * const s3 = new S3Client({ region: 'us-east-1', credentials: creds.toProvider() });
 * ```
 */
export class Credentials {
  /** AWS access key id. */
  accessKeyId: string;
  /** AWS secret access key. Readable, as in v2; never printed by `toJSON`, `toString` or inspect. */
  secretAccessKey: string;
  /** Session token of temporary credentials. */
  sessionToken: string | undefined;
  /** When the credentials expire; `null` if they do not. */
  expireTime: Date | null;
  /** Set to `true` to force the next `get()` to refresh; a successful refresh clears it. */
  expired: boolean;
  /** Seconds before `expireTime` from which {@link Credentials.needsRefresh} answers `true`. @default 15 */
  expiryWindow: number;

  #accountId: string | undefined;
  #identity: AwsCredentialIdentity | undefined;
  #inFlight: Promise<AwsCredentialIdentity> | undefined;
  #startedSeq = 0;
  #appliedSeq = 0;

  /** Creates credentials from an options object. */
  constructor(options?: CredentialsOptions);
  /** Creates credentials from v2's positional arguments. */
  constructor(accessKeyId: string, secretAccessKey: string, sessionToken?: string);
  constructor(
    optionsOrKey?: CredentialsOptions | string,
    secretAccessKey?: string,
    sessionToken?: string,
  ) {
    const options: CredentialsOptions =
      typeof optionsOrKey === 'string'
        ? { accessKeyId: optionsOrKey, secretAccessKey, sessionToken }
        : (optionsOrKey ?? {});
    this.accessKeyId = options.accessKeyId ?? '';
    this.secretAccessKey = options.secretAccessKey ?? '';
    this.sessionToken = options.sessionToken;
    this.expireTime = options.expireTime ?? null;
    this.expired = false;
    this.expiryWindow = options.expiryWindow ?? DEFAULT_EXPIRY_WINDOW_SECONDS;
  }

  /**
   * Whether the credentials must be refreshed before use: keys missing, `expired` set, or less than
   * `expiryWindow` seconds left before `expireTime`.
   */
  needsRefresh(): boolean {
    if (this.expireTime && this.expireTime.getTime() - Date.now() < this.expiryWindow * 1000)
      return true;
    return this.expired || !this.accessKeyId || !this.secretAccessKey;
  }

  /**
   * Calls back once the credentials are usable, refreshing them first only if
   * {@link Credentials.needsRefresh} says so. The callback gets `null` or a `FedcredsError`.
   */
  get(callback?: CredentialsCallback): void {
    this.getPromise().then(
      () => settle(callback, null),
      (err: FedcredsError) => settle(callback, err),
    );
  }

  /** Resolves with the current credentials, refreshing them first only if they need it. */
  getPromise(options: CredentialsCallOptions = {}): Promise<AwsCredentialIdentity> {
    if (this.needsRefresh()) return this.refreshPromise(options);
    return Promise.resolve(this.#currentIdentity());
  }

  /** Fetches new credentials (or joins the fetch in flight) and calls back with `null` or the error. */
  refresh(callback?: CredentialsCallback): void {
    this.refreshPromise().then(
      () => settle(callback, null),
      (err: FedcredsError) => settle(callback, err),
    );
  }

  /**
   * Fetches new credentials and resolves with them. Joins a fetch already in flight, so concurrent
   * callers cause one request. Rejects with a `FedcredsError`; a failure is not cached.
   */
  refreshPromise(options: CredentialsCallOptions = {}): Promise<AwsCredentialIdentity> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(toAbortedError(signal.reason));
    const inFlight = this.#inFlight;
    if (inFlight) return raceSignal(inFlight, signal);
    return this.#start(signal);
  }

  /**
   * An SDK v3 credential provider backed by these credentials: it resolves with
   * {@link Credentials.getPromise} (or refreshes when the SDK asks `forceRefresh`). SDK clients
   * cache what it returns and ask again only when the expiry comes near.
   *
   * @example
   * ```ts
   * const s3 = new S3Client({ region, credentials: creds.toProvider() });
   * ```
   */
  toProvider(): AwsCredentialIdentityProvider {
    return (properties?: Record<string, unknown>) =>
      properties?.['forceRefresh'] === true ? this.refreshPromise() : this.getPromise();
  }

  /**
   * Fetches fresh credentials. Subclasses override it; it is called by
   * {@link Credentials.refreshPromise} at most once at a time, and may reject with anything (it is
   * mapped to a `FedcredsError`). This base class returns the keys it holds.
   */
  protected load(_options: CredentialsCallOptions): Promise<LoadedCredentials> {
    if (!this.accessKeyId || !this.secretAccessKey) {
      return Promise.reject(
        new MissingCredentialsError(
          'These Credentials have no accessKeyId/secretAccessKey; pass them to the constructor, or use a class that fetches credentials (WebIdentityCredentials, SAMLCredentials, ChainableTemporaryCredentials).',
        ),
      );
    }
    return Promise.resolve({
      accessKeyId: this.accessKeyId,
      secretAccessKey: this.secretAccessKey,
      sessionToken: this.sessionToken,
      expireTime: this.expireTime,
      accountId: this.#accountId,
    });
  }

  #start(signal: AbortSignal | undefined): Promise<AwsCredentialIdentity> {
    const seq = ++this.#startedSeq;
    let loading: Promise<LoadedCredentials>;
    try {
      loading = this.load({ signal });
    } catch (err) {
      loading = Promise.reject(err);
    }
    const run = raceSignal(loading, signal).then(
      (loaded) => {
        // An older fetch that finishes after a newer one started must not overwrite it.
        if (seq > this.#appliedSeq) {
          this.#appliedSeq = seq;
          this.#apply(loaded);
        }
        return this.#currentIdentity();
      },
      (err: unknown) => {
        throw toFedcredsError(err, { signal });
      },
    );
    this.#inFlight = run;
    // Registered before any caller's handler, so the slot is free when callers hear the outcome.
    run
      .finally(() => {
        if (this.#inFlight === run) this.#inFlight = undefined;
      })
      .catch(noop);
    return run;
  }

  #apply(loaded: LoadedCredentials): void {
    this.accessKeyId = loaded.accessKeyId;
    this.secretAccessKey = loaded.secretAccessKey;
    this.sessionToken = loaded.sessionToken;
    this.expireTime = loaded.expireTime;
    this.#accountId = loaded.accountId;
    this.expired = false;
  }

  /** The identity for the current fields, reused while they are unchanged (stable for React). */
  #currentIdentity(): AwsCredentialIdentity {
    const cached = this.#identity;
    if (
      cached &&
      cached.accessKeyId === this.accessKeyId &&
      cached.secretAccessKey === this.secretAccessKey &&
      cached.sessionToken === this.sessionToken &&
      cached.expiration?.getTime() === this.expireTime?.getTime()
    ) {
      return cached;
    }
    const identity = protectIdentity({
      accessKeyId: this.accessKeyId,
      secretAccessKey: this.secretAccessKey,
      ...(this.sessionToken !== undefined && { sessionToken: this.sessionToken }),
      ...(this.expireTime && { expiration: new Date(this.expireTime.getTime()) }),
      ...(this.#accountId !== undefined && { accountId: this.#accountId }),
    });
    this.#identity = identity;
    return identity;
  }

  /** Secret-free description for logs and `JSON.stringify`. */
  toJSON(): Record<string, unknown> {
    return {
      type: this.constructor.name,
      accessKeyId: this.accessKeyId,
      secretAccessKey: this.secretAccessKey ? REDACTED : undefined,
      sessionToken: this.sessionToken === undefined ? undefined : REDACTED,
      expireTime: this.expireTime?.toISOString() ?? null,
      expired: this.expired,
      expiryWindow: this.expiryWindow,
    };
  }

  /** Secret-free one-line description. */
  toString(): string {
    const expiry = this.expireTime ? ` expireTime=${this.expireTime.toISOString()}` : '';
    return `[${this.constructor.name} accessKeyId=${this.accessKeyId || '(none)'}${expiry}]`;
  }

  /** `util.inspect` shows the same secret-free description as `toJSON`. */
  [INSPECT](
    _depth: number,
    options: unknown,
    inspect?: (value: unknown, options: unknown) => string,
  ): string {
    const json = this.toJSON();
    return `${this.constructor.name} ${typeof inspect === 'function' ? inspect(json, options) : JSON.stringify(json)}`;
  }
}
