/**
 * What to show for a failed call: fedcreds errors carry a stable `code`, AWS SDK service errors
 * their wire code as `name` (`AccessDenied`, `NoSuchKey`, `ExpiredToken`, …).
 */
export function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, Code, name } = error as { code?: unknown; Code?: unknown; name?: unknown };
    for (const value of [code, Code, name]) if (typeof value === 'string' && value) return value;
  }
  return 'Error';
}

/** The message of an error, without anything but the message. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
