import { useState } from 'react';
import { formatDuration } from './format';

/**
 * A bar that empties as `msLeft` runs down. Its full length is the lifetime first seen for this
 * `expiresAt` (credentials or a token renewed mid-way start a new bar).
 */
export function CountdownMeter({
  label,
  msLeft,
  expiresAt,
  issuedAt,
  caption,
  testId,
}: {
  label: string;
  msLeft: number | null;
  expiresAt: Date | null;
  /** When what the bar measures was issued; else its lifetime counts from when it was first seen. */
  issuedAt?: Date | null | undefined;
  caption?: string;
  testId: string;
}) {
  const lifetimeMs = useLifetime(expiresAt, msLeft, issuedAt);
  const fraction = msLeft === null || lifetimeMs <= 0 ? 0 : Math.min(1, msLeft / lifetimeMs);
  const state = msLeft === null || msLeft <= 0 ? 'out' : fraction < 0.25 ? 'low' : 'ok';
  const text = msLeft === null ? '—' : msLeft <= 0 ? 'expired' : formatDuration(msLeft);
  return (
    <div className={`meter meter-${state}`}>
      <div className="meter-label">
        <span id={`${testId}-label`}>{label}</span>
        <span className="meter-value" data-testid={testId}>
          {text}
        </span>
      </div>
      <div
        className="meter-track"
        role="meter"
        aria-labelledby={`${testId}-label`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
        aria-valuetext={msLeft === null ? 'none' : `${text} left`}
      >
        {/* A CSSOM width (React's style prop), which the CSP's style-src 'self' allows. */}
        <div className="meter-fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
      </div>
      {caption !== undefined && <p className="meter-caption">{caption}</p>}
    </div>
  );
}

/** The lifetime the bar is measured against: issue → expiry, or first sight → expiry. */
function useLifetime(
  expiresAt: Date | null,
  msLeft: number | null,
  issuedAt: Date | null | undefined,
): number {
  const [seen, setSeen] = useState<{ expiresAt: number | null; lifetimeMs: number }>({
    expiresAt: null,
    lifetimeMs: 0,
  });
  const key = expiresAt?.getTime() ?? null;
  if (issuedAt && expiresAt) return expiresAt.getTime() - issuedAt.getTime();
  if (key !== seen.expiresAt && msLeft !== null) {
    // "Adjust state while rendering": the first msLeft seen for this expiry is the full bar.
    setSeen({ expiresAt: key, lifetimeMs: msLeft });
    return msLeft;
  }
  return seen.lifetimeMs;
}
