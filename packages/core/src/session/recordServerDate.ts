import type { STSClient } from '@aws-sdk/client-sts';

/** The `Date` header of the last STS response a client received (see {@link recordServerDate}). */
export interface ServerDateRecord {
  /** Server time from the last response's `Date` header, epoch milliseconds; `undefined` if unreadable. */
  lastServerDateMs: number | undefined;
}

const records = new WeakMap<object, ServerDateRecord>();

/** Name of the middleware {@link recordServerDate} adds. */
export const SERVER_DATE_MIDDLEWARE = 'fedcredsServerDateRecorder';

/**
 * Adds (once per client) a middleware to `client` that remembers each response's `Date` header —
 * what STS says the time is, the best evidence of the local clock's skew. Browsers expose the
 * header only when the server lists it in `Access-Control-Expose-Headers`; otherwise it reads as
 * absent and the session falls back to other evidence.
 */
export function recordServerDate(client: STSClient): ServerDateRecord {
  const existing = records.get(client);
  if (existing) return existing;
  const record: ServerDateRecord = { lastServerDateMs: undefined };
  records.set(client, record);
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        const result = await next(args);
        record.lastServerDateMs = dateHeaderOf(result.response);
        return result;
      } catch (error) {
        record.lastServerDateMs = dateHeaderOf(
          (error as { $response?: unknown } | null)?.$response,
        );
        throw error;
      }
    },
    { step: 'deserialize', name: SERVER_DATE_MIDDLEWARE, override: true },
  );
  return record;
}

function dateHeaderOf(response: unknown): number | undefined {
  const headers = (response as { headers?: Record<string, string | undefined> } | undefined)
    ?.headers;
  if (!headers) return undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'date' && value) {
      const ms = Date.parse(value);
      return Number.isNaN(ms) ? undefined : ms;
    }
  }
  return undefined;
}
