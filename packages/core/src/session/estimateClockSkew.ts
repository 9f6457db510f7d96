/**
 * What one STS exchange says about the server's clock. Local times are on the session's clock;
 * server times are what servers wrote. All in milliseconds since the epoch.
 */
export interface ClockSkewEvidence {
  /** Local time the STS request was sent. */
  requestStartMs: number;
  /** Local time its response arrived. */
  responseEndMs: number;
  /** The response's `Date` header (server time, whole seconds), when the runtime let us read it. */
  serverDateMs?: number | undefined;
  /** `Credentials.Expiration` as STS sent it (server time). */
  expirationMs: number;
  /**
   * The longest lifetime STS may have granted: the requested `DurationSeconds` (STS's default when
   * absent), lowered by what the IdP asked for (SAML `SessionDuration`).
   */
  maxLifetimeMs: number;
  /** `iat` of the IdP token sent with the request (server time), when known. */
  tokenIssuedAtMs?: number | undefined;
}

/** Result of {@link estimateClockSkew}. */
export interface ClockSkewEstimate {
  /** Server time minus local time, in milliseconds. */
  clockSkewMs: number;
  /** When the credentials expire, local-clock milliseconds. */
  expiresAtMs: number;
  /** What the estimate rests on: the `Date` header, or lower bounds only. */
  source: 'date-header' | 'bounds';
}

/**
 * Estimates how far the local clock is from the servers' and when fresh credentials expire in
 * local terms, so expiry decisions hold when the local clock is off by an hour either way.
 *
 * - The `Date` header, when readable, gives the server's time at the midpoint of the request
 *   (to within its one-second resolution).
 * - Two facts bound the skew from below whatever the headers say: STS cannot have issued the
 *   credentials before `Expiration − maxLifetime`, and the IdP did not issue the token after the
 *   response. The estimate is never below them.
 * - Without a `Date` header the lower bound from `Expiration` is used as the estimate, i.e. the
 *   lifetime STS granted is assumed to be the one requested (true for web identity and role
 *   chaining; a SAML session the IdP cut short is caught by `maxLifetimeMs` including its
 *   `SessionDuration`).
 * - Whatever the estimate, credentials are never trusted to live longer than `maxLifetimeMs`
 *   from when they were requested, and fresh credentials are never judged already expired (that
 *   is what would make a fast local clock refresh in a loop).
 *
 * @example
 * ```ts
 * // local clock one hour fast, one-hour credentials
 * estimateClockSkew({ requestStartMs: t, responseEndMs: t + 100, serverDateMs: t - 3_600_000,
 *   expirationMs: t, maxLifetimeMs: 3_600_000 }).clockSkewMs; // ≈ -3_600_000
 * ```
 */
export function estimateClockSkew(evidence: ClockSkewEvidence): ClockSkewEstimate {
  const { requestStartMs, responseEndMs, serverDateMs, expirationMs, maxLifetimeMs } = evidence;
  const expirationBound = expirationMs - maxLifetimeMs - responseEndMs;
  const lowerBound =
    evidence.tokenIssuedAtMs === undefined
      ? expirationBound
      : Math.max(expirationBound, evidence.tokenIssuedAtMs - responseEndMs);
  // The header truncates to whole seconds: the server's time was, on average, half a second later.
  const fromHeader =
    serverDateMs === undefined
      ? undefined
      : serverDateMs + 500 - (requestStartMs + responseEndMs) / 2;
  let clockSkewMs = Math.round(
    fromHeader === undefined ? lowerBound : Math.max(fromHeader, lowerBound),
  );
  const cap = requestStartMs + maxLifetimeMs;
  if (expirationMs - clockSkewMs <= responseEndMs) {
    // Already expired by this estimate: contradicts STS having just issued them, so some evidence
    // lies (a proxy's Date, a token's iat). Fall back to assuming the full requested lifetime.
    clockSkewMs = Math.round(expirationBound);
  }
  return {
    clockSkewMs,
    // Whole milliseconds (rounded down), like the `Date` it becomes.
    expiresAtMs: Math.floor(Math.min(expirationMs - clockSkewMs, cap)),
    source: fromHeader === undefined ? 'bounds' : 'date-header',
  };
}
