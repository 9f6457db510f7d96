/**
 * The bench's measured scenarios, each run side by side over every contender in one process:
 * cached reads (ns/op, rotating order), 1,000 concurrent reads on empty and expired credentials,
 * one STS failure of each kind, and reads while STS fails late in a credential's life.
 */
import type { Devstack } from '@fedcreds/devstack';
import { createContender, type ContenderKind, type ContenderSetup } from './contenders.js';
import { advanceClock } from './shiftedDate.js';

const ACTION = 'AssumeRoleWithWebIdentity';
export const stsCalls = (stack: Devstack) => stack.sts.stats().byAction[ACTION] ?? 0;

/** What a caller saw: credentials, or the error's code / name. */
async function outcome(read: () => Promise<unknown>): Promise<string> {
  try {
    await read();
    return 'credentials';
  } catch (err) {
    const e = err as { code?: string; name?: string };
    return `rejected: ${e.code ?? e.name ?? String(err)}`;
  }
}

/** Median ns per cached read of each contender and of the floor `async () => cached`. */
export async function cachedReads(
  kinds: ContenderKind[],
  setup: ContenderSetup,
  { rounds = 7, iterations = 50_000 } = {},
): Promise<Record<string, number>> {
  const reads: [string, () => Promise<unknown>][] = [];
  const contenders = [];
  for (const kind of kinds) {
    const c = await createContender(kind, setup);
    contenders.push(c);
    const identity = await c.read(); // fills the cache
    reads.push([kind, c.read]);
    if (kind === kinds[0]) reads.push(['floor: async () => cached', async () => identity]);
  }
  // Warm every function up before measuring any, so none pays for the JIT in its first round.
  for (const [, read] of reads) for (let i = 0; i < iterations; i++) await read();
  const samples = new Map<string, number[]>(reads.map(([name]) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    // Rotate the order each round: the first of a round runs on a colder cache.
    const order = reads.map((_, i) => reads[(i + round) % reads.length]!);
    for (const [name, read] of order) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < iterations; i++) await read();
      samples.get(name)!.push(Number(process.hrtime.bigint() - start) / iterations);
    }
  }
  for (const c of contenders) c.stop?.();
  const result: Record<string, number> = {};
  for (const [name, ns] of samples) result[name] = ns.sort((a, b) => a - b)[ns.length >> 1]!;
  return result;
}

/** STS requests caused by `count` concurrent reads, on empty and then on expired credentials. */
export async function concurrentReads(
  kinds: ContenderKind[],
  setup: ContenderSetup,
  count = 1_000,
): Promise<Record<string, { empty: number; expired: number }>> {
  const { stack } = setup;
  const contenders = await Promise.all(kinds.map((kind) => createContender(kind, setup)));
  const result: Record<string, { empty: number; expired: number }> = {};
  const burst = async (read: () => Promise<unknown>) => {
    const before = stsCalls(stack);
    await Promise.all(Array.from({ length: count }, () => read()));
    return stsCalls(stack) - before;
  };
  for (const c of contenders) result[c.name] = { empty: await burst(c.read), expired: 0 };
  // Past every credential's expiry (one hour): the next reads find them expired.
  advanceClock(3_700_000);
  for (const c of contenders) result[c.name]!.expired = await burst(c.read);
  for (const c of contenders) c.stop?.();
  return result;
}

/** One STS failure each: what it costs (STS requests, IdP token calls) and what the caller sees. */
export const FAULTS = [
  { label: '500', fault: { status: 500 } },
  { label: '503', fault: { status: 503 } },
  { label: 'Throttling', fault: { code: 'Throttling', status: 400 } },
  { label: 'InvalidIdentityToken', fault: { code: 'InvalidIdentityToken', status: 400 } },
];

export interface FailureRow {
  sts: number;
  idp: number;
  seen: string;
  ms: number;
}

export async function failuresOnce(
  kinds: ContenderKind[],
  setup: ContenderSetup,
): Promise<Record<string, Record<string, FailureRow>>> {
  const { stack } = setup;
  const result: Record<string, Record<string, FailureRow>> = {};
  for (const { label, fault } of FAULTS) {
    result[label] = {};
    for (const kind of kinds) {
      const c = await createContender(kind, setup);
      stack.sts.faults.clear();
      stack.sts.faults.failNext({ ...fault, action: ACTION, count: 1 });
      const before = stsCalls(stack);
      const start = performance.now();
      const seen = await outcome(c.read);
      result[label][kind] = {
        sts: stsCalls(stack) - before,
        idp: c.idpCalls(),
        seen,
        ms: Math.round(performance.now() - start),
      };
      c.stop?.();
    }
  }
  stack.sts.faults.clear();
  return result;
}

/**
 * Credentials issued for 120 s (the stack's `credentialTtlSeconds`), STS failing from then on: is
 * a read at `atSeconds` (validity left: 120 − atSeconds) served the still-valid credentials?
 */
export async function earlyRefreshFails(
  kinds: ContenderKind[],
  setup: ContenderSetup,
  atSeconds: number[],
): Promise<Record<string, Record<string, string>>> {
  const { stack } = setup;
  const contenders = await Promise.all(kinds.map((kind) => createContender(kind, setup)));
  for (const c of contenders) await c.read();
  stack.sts.faults.failNext({ action: ACTION, status: 503, count: 1_000_000 });
  const result: Record<string, Record<string, string>> = {};
  let at = 0;
  for (const seconds of atSeconds) {
    advanceClock((seconds - at) * 1000);
    at = seconds;
    for (const c of contenders) {
      (result[c.name] ??= {})[`t=${seconds}s`] = (await outcome(c.read)).replace(
        'credentials',
        'served',
      );
    }
  }
  for (const c of contenders) c.stop?.();
  stack.sts.faults.clear();
  return result;
}
