import { appendFile } from 'node:fs/promises';

/**
 * One line of a server's request log. Deliberately narrow: no tokens, secrets, assertions,
 * signatures or request bodies ever go in — only enough to see what happened.
 */
export interface RequestLogEntry {
  /** ISO-8601 time on the server's clock. */
  time: string;
  requestId: string;
  method: string;
  /** API action (`AssumeRoleWithWebIdentity`, `GetObject`, …) or a control path. */
  action: string;
  status: number;
  /** Wire error code of a failed request. */
  code?: string;
  /** First 8 characters of the signing access key id (`ASIAABCD`), never the whole key. */
  accessKeyId?: string;
  /** The response came from fault injection. */
  fault?: boolean;
}

/** How much of an access key id a log line may show. */
export const ACCESS_KEY_LOG_PREFIX = 8;

/** Shortens an access key id to what a log may show. */
export function accessKeyIdPrefix(accessKeyId: string): string {
  return accessKeyId.slice(0, ACCESS_KEY_LOG_PREFIX);
}

/** Options of {@link RequestLog}. */
export interface RequestLogOptions {
  /** JSON-lines file every entry is appended to. */
  file?: string;
  /** Entries kept in memory (oldest dropped first). @default 10000 */
  maxEntries?: number;
}

/**
 * An in-memory JSON-lines request log, optionally mirrored to a file. Entries are whitelisted
 * fields only (see {@link RequestLogEntry}), so callers cannot leak a secret by passing extra data.
 */
export class RequestLog {
  readonly #entries: RequestLogEntry[] = [];
  readonly #file: string | undefined;
  readonly #maxEntries: number;
  #writes: Promise<void> = Promise.resolve();

  /** @param options - file to mirror entries to, and how many to keep in memory. */
  constructor(options: RequestLogOptions = {}) {
    this.#file = options.file;
    this.#maxEntries = options.maxEntries ?? 10_000;
  }

  /** Records one request. */
  append(entry: RequestLogEntry): void {
    const clean: RequestLogEntry = {
      time: entry.time,
      requestId: entry.requestId,
      method: entry.method,
      action: entry.action,
      status: entry.status,
    };
    if (entry.code !== undefined) clean.code = entry.code;
    if (entry.accessKeyId !== undefined) clean.accessKeyId = accessKeyIdPrefix(entry.accessKeyId);
    if (entry.fault) clean.fault = true;
    this.#entries.push(clean);
    if (this.#entries.length > this.#maxEntries) this.#entries.shift();
    const file = this.#file;
    if (file !== undefined) {
      const line = `${JSON.stringify(clean)}\n`;
      // Chained so lines land in order; a failing disk must not take the server down.
      this.#writes = this.#writes.then(() => appendFile(file, line)).catch(() => undefined);
    }
  }

  /** A copy of the entries, oldest first. */
  entries(): RequestLogEntry[] {
    return this.#entries.map((e) => ({ ...e }));
  }

  /** Resolves when every entry so far is on disk. */
  flush(): Promise<void> {
    return this.#writes;
  }
}
