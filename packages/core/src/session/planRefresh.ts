/** Default time before expiry at which credentials are renewed, in milliseconds (5 minutes). */
export const DEFAULT_REFRESH_WINDOW_MS = 300_000;
/** Default extra random lead added to the refresh window, in milliseconds. */
export const DEFAULT_REFRESH_JITTER_MS = 30_000;
/**
 * Default of the session's `expiryMarginMs`: how close to expiry the credential provider still
 * hands credentials out, in milliseconds (SDK v2's `expiryWindow`, 15 s). Closer than this it
 * waits for fresh ones instead: a request signed now must still reach AWS before they expire.
 * Capped at a quarter of the credentials' lifetime so short-lived credentials stay usable.
 */
export const DEFAULT_EXPIRY_MARGIN_MS = 15_000;

/** Inputs of {@link planRefresh}; every time is local-clock milliseconds since the epoch. */
export interface RefreshPlanInput {
  /** When the credentials were obtained. */
  issuedAtMs: number;
  /** When they expire. */
  expiresAtMs: number;
  /** How long before expiry to renew, in milliseconds. */
  refreshWindowMs: number;
  /** This renewal's random extra lead, in milliseconds (already drawn). */
  jitterMs: number;
  /** How close to expiry they are still handed out. @default {@link DEFAULT_EXPIRY_MARGIN_MS} */
  expiryMarginMs?: number;
}

/** When to renew credentials and until when to hand them out (see {@link planRefresh}). */
export interface RefreshPlan {
  /** When to start renewing them, local-clock milliseconds. */
  refreshAtMs: number;
  /** Until when the credential provider returns them without waiting for a refresh. */
  usableUntilMs: number;
}

/**
 * Plans the renewal of credentials living from `issuedAtMs` to `expiresAtMs`: renew
 * `refreshWindowMs + jitterMs` before expiry, but never before half their lifetime has passed, so
 * credentials shorter than the window (a dev stack's few seconds) are renewed at half-life instead
 * of in a loop. They are handed out until `expiryMarginMs` (or a quarter of their lifetime, if
 * less) before expiry.
 *
 * @example
 * ```ts
 * // one-hour credentials: renew 5 min 10 s early, hand out until 15 s before expiry
 * planRefresh({ issuedAtMs: 0, expiresAtMs: 3_600_000, refreshWindowMs: 300_000, jitterMs: 10_000 });
 * // → { refreshAtMs: 3_290_000, usableUntilMs: 3_585_000 }
 * ```
 */
export function planRefresh(input: RefreshPlanInput): RefreshPlan {
  const lifetimeMs = Math.max(0, input.expiresAtMs - input.issuedAtMs);
  const lead = input.refreshWindowMs + input.jitterMs;
  return {
    refreshAtMs: Math.max(input.expiresAtMs - lead, input.issuedAtMs + lifetimeMs / 2),
    usableUntilMs:
      input.expiresAtMs -
      Math.min(input.expiryMarginMs ?? DEFAULT_EXPIRY_MARGIN_MS, lifetimeMs / 4),
  };
}
