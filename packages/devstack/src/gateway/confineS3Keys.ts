/** s3rver's store class, as far as this module touches it. */
interface KeyPathCodec {
  encodeKeyPath(key: string): string;
  decodeKeyPath(keyPath: string): string;
  __fedcredsConfined?: true;
}

/** Characters Windows refuses in file names; s3rver escapes them there too. */
const WINDOWS_RESERVED = /[<>:"\\|?*]/;

const escape = (ch: string) =>
  [...Buffer.from(ch, 'utf8')]
    .map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('');

/**
 * An S3 key as a relative file path that stays inside its bucket directory: `%` is escaped, and so
 * are a `.` or `/` that starts a path segment — so `..`, `.` and empty segments, which
 * `path.join` would resolve or collapse, never occur. Each character's encoding depends only on the
 * one before it, so the encoding of a prefix is a prefix of the encoding (s3rver's listing prunes
 * directories with it).
 */
export function encodeKeyPath(key: string): string {
  let out = '';
  let segmentStart = true;
  for (const ch of key) {
    if (ch === '%' || (segmentStart && (ch === '.' || ch === '/'))) out += escape(ch);
    else if (process.platform === 'win32' && WINDOWS_RESERVED.test(ch)) out += escape(ch);
    else out += ch;
    segmentStart = ch === '/';
  }
  return out;
}

/** The inverse of {@link encodeKeyPath}. */
export function decodeKeyPath(keyPath: string): string {
  return keyPath.replace(/(?:%[0-9A-F]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      // Not written by encodeKeyPath (a file from an older dataDir): keep it as it is.
      return run;
    }
  });
}

/**
 * s3rver stores an object at `path.join(directory, bucket, ...key.split('/'))`, so a key of
 * `../other-bucket/secret.txt` — a literal key to S3 — would read and write another bucket's files.
 * Its store maps keys to paths through two static hooks (`encodeKeyPath`/`decodeKeyPath`, meant for
 * Windows file names); replacing them with {@link encodeKeyPath} keeps every key in its bucket.
 *
 * @param store - the `store` of an s3rver instance.
 */
export function confineS3Keys(store: object): void {
  const codec = store.constructor as unknown as KeyPathCodec;
  if (codec.__fedcredsConfined) return;
  if (typeof codec.encodeKeyPath !== 'function' || typeof codec.decodeKeyPath !== 'function') {
    // A different s3rver would silently reopen the hole; refuse to start instead.
    throw new Error('devstack: this s3rver version has no key-path hooks to confine keys with');
  }
  codec.encodeKeyPath = encodeKeyPath;
  codec.decodeKeyPath = decodeKeyPath;
  codec.__fedcredsConfined = true;
}
