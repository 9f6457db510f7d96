import { statusForCode } from './stsError.js';

/** A failure STS should inject into upcoming requests. */
export interface StsFault {
  /** How many matching requests it applies to. @default 1 */
  count?: number;
  /** Only requests for this action (e.g. `AssumeRoleWithWebIdentity`); any action when absent. */
  action?: string;
  /** Wire error code to answer with; derived from `status` when only that is given. */
  code?: string;
  /** HTTP status; derived from `code` when only that is given. */
  status?: number;
  /** Error message. @default 'Injected fault' */
  message?: string;
  /** Wait this long (ms) before answering (with the error, or normally when no code/status). */
  delayMs?: number;
  /** Never answer, until the client gives up or the server stops. */
  hang?: boolean;
}

/** Fault injection of a local STS server. */
export interface StsFaults {
  /** Queues a fault for the next matching request(s). */
  failNext(fault: StsFault): void;
  /** Drops every queued fault. */
  clear(): void;
}

/** A fault resolved for one request. */
export interface ResolvedFault {
  error?: { code: string; status: number; message: string };
  delayMs?: number;
  hang: boolean;
}

function codeForStatus(status: number): string {
  if (status === 503) return 'ServiceUnavailable';
  if (status >= 500) return 'InternalFailure';
  return 'Throttling';
}

/** FIFO of queued faults; the first one matching a request's action is consumed. */
export class FaultQueue implements StsFaults {
  readonly #queue: { fault: StsFault; remaining: number }[] = [];

  failNext(fault: StsFault): void {
    const count = fault.count ?? 1;
    if (!Number.isInteger(count) || count < 1) {
      throw new TypeError('failNext: count must be a positive integer');
    }
    if (fault.delayMs !== undefined && !(typeof fault.delayMs === 'number' && fault.delayMs >= 0)) {
      throw new TypeError('failNext: delayMs must be a non-negative number of milliseconds');
    }
    // Faults also arrive as JSON over HTTP, so their shape is checked, not assumed.
    if (
      fault.status !== undefined &&
      !(Number.isInteger(fault.status) && fault.status >= 400 && fault.status <= 599)
    ) {
      throw new TypeError('failNext: status must be an HTTP error status (400-599)');
    }
    for (const key of ['code', 'action', 'message'] as const) {
      if (fault[key] !== undefined && typeof fault[key] !== 'string') {
        throw new TypeError(`failNext: ${key} must be a string`);
      }
    }
    if (fault.hang !== undefined && typeof fault.hang !== 'boolean') {
      throw new TypeError('failNext: hang must be a boolean');
    }
    this.#queue.push({ fault: { ...fault }, remaining: count });
  }

  clear(): void {
    this.#queue.length = 0;
  }

  /** Consumes and resolves the fault for a request to `action`, if one is queued. */
  take(action: string | undefined): ResolvedFault | undefined {
    const index = this.#queue.findIndex(
      (q) => q.fault.action === undefined || q.fault.action === action,
    );
    if (index < 0) return undefined;
    const entry = this.#queue[index]!;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.#queue.splice(index, 1);
    const { fault } = entry;
    const resolved: ResolvedFault = { hang: fault.hang === true };
    if (fault.delayMs !== undefined) resolved.delayMs = fault.delayMs;
    if (fault.code !== undefined || fault.status !== undefined) {
      const status = fault.status ?? statusForCode(fault.code!);
      resolved.error = {
        code: fault.code ?? codeForStatus(status),
        status,
        message: fault.message ?? 'Injected fault',
      };
    }
    return resolved;
  }
}
