import { sessionPhase, type SessionStatus } from '@fedcreds/core';

const TONES: Record<ReturnType<typeof sessionPhase>, string> = {
  usable: 'pill-ok',
  pending: 'pill-warn',
  'sign-in': '',
  failed: 'pill-danger',
};

/** The pill colour of a status. */
export const statusTone = (status: SessionStatus) => TONES[sessionPhase(status)];

/** What each status means to a person. */
export const STATUS_LABELS: Record<SessionStatus, string> = {
  idle: 'Starting',
  loading: 'Connecting',
  ready: 'Connected',
  refreshing: 'Refreshing',
  expired: 'Reconnecting',
  'reauth-required': 'Sign-in needed',
  error: 'Needs attention',
  'signed-out': 'Signed out',
};

/**
 * The session status as a coloured pill with a readable label. The status word itself (what
 * tests and assistive technology read) is in a visually hidden span.
 */
export function StatusPill({
  status,
  degraded = false,
  testId,
}: {
  status: SessionStatus;
  /** Usable credentials but a failed last refresh: shown as a warning, not as an outage. */
  degraded?: boolean;
  testId: string;
}) {
  const tone = degraded ? 'pill-warn' : TONES[sessionPhase(status)];
  return (
    <span className={`pill ${tone}`}>
      <span aria-hidden="true">
        {degraded ? 'Connected · refresh failed' : STATUS_LABELS[status]}
      </span>
      <span className="visually-hidden">
        Session status: <span data-testid={testId}>{status}</span>
      </span>
    </span>
  );
}
