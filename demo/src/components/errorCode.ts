/**
 * What to show for a failed call: fedcreds errors carry a stable `code` (and STS's own as
 * `wireCode`), AWS SDK service errors their wire code as `name` (`AccessDenied`, `NoSuchKey`,
 * `ExpiredToken`, …).
 */
export function errorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'Error';
  const { code, wireCode, name } = error as { code?: unknown; wireCode?: unknown; name?: unknown };
  if (typeof code === 'string' && code) {
    return typeof wireCode === 'string' && wireCode ? `${code} (${wireCode})` : code;
  }
  return typeof name === 'string' && name ? name : 'Error';
}

/** The message of an error, without anything but the message. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
