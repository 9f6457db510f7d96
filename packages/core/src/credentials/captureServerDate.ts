import type { MiddlewareStack } from '@smithy/types';

/** Name of the middleware {@link captureServerDate} adds to a command. */
export const SERVER_DATE_MIDDLEWARE = 'fedcredsServerDate';

/**
 * Adds to one command's own middleware stack a step that reads its response's `Date` header —
 * what STS says the time is, the best evidence of the local clock's skew — and returns a function
 * that tells what it read. Per command, so two requests in flight never mix their dates. Browsers
 * expose the header only when the server lists it in `Access-Control-Expose-Headers`; otherwise
 * it reads as `undefined` and the session falls back to other evidence.
 */
export function captureServerDate(command: {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any command's stack
  readonly middlewareStack: MiddlewareStack<any, any>;
}): () => Date | undefined {
  let serverDate: Date | undefined;
  command.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      // With SDK retries the last attempt's answer is the one that counts.
      serverDate = dateHeaderOf(result.response);
      return result;
    },
    { step: 'deserialize', name: SERVER_DATE_MIDDLEWARE, override: true },
  );
  return () => serverDate;
}

function dateHeaderOf(response: unknown): Date | undefined {
  const headers = (response as { headers?: Record<string, string | undefined> } | undefined)
    ?.headers;
  if (!headers) return undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'date' && value) {
      const ms = Date.parse(value);
      return Number.isNaN(ms) ? undefined : new Date(ms);
    }
  }
  return undefined;
}
