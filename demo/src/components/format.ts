/** Wall-clock time of day, with seconds (the timeline and the expiry lines). */
export const formatTime = (date: Date | null | undefined): string =>
  date
    ? date.toLocaleTimeString([], {
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      })
    : '—';

/** A date with its time, for file lists. */
export const formatDateTime = (date: Date | undefined): string =>
  date
    ? date.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' })
    : '—';

/** `12 s`, `4 min 05 s`, `1 h 02 min`: time left, rounded up to the second. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  if (total < 60) return `${total} s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes} min ${String(total % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** `1 event`, `3 events`. */
export const plural = (count: number, one: string, many = `${one}s`) =>
  `${count} ${count === 1 ? one : many}`;

/** `532 B`, `1.4 KB`, `12.0 MB`. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '—';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** The parts of an IAM or STS ARN a person reads: account, and the resource's last name. */
export interface ArnParts {
  account: string | undefined;
  /** `fedcreds-demo-web` of `…:role/fedcreds-demo-web` or `…:assumed-role/fedcreds-demo-web/session`. */
  roleName: string | undefined;
  /** `session` of `…:assumed-role/<role>/session`. */
  sessionName: string | undefined;
}

export function parseArn(arn: string | undefined): ArnParts {
  const [, , , , account, resource] = arn?.split(':') ?? [];
  const [kind, name, session] = resource?.split('/') ?? [];
  return {
    account: account || undefined,
    roleName: kind === 'role' || kind === 'assumed-role' ? name : undefined,
    sessionName: kind === 'assumed-role' ? session : undefined,
  };
}
