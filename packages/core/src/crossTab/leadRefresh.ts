import { AbortedError } from '../errors.js';
import type { SessionRecord } from '../session/SessionRecord.js';
import type { CrossTabGroup, GroupMember } from './CrossTabGroup.js';
import type { CrossTabLocks } from './CrossTabTransport.js';

/** What {@link leadRefresh} works with. */
export interface LeadRefreshInput {
  readonly group: CrossTabGroup;
  readonly locks: CrossTabLocks;
  readonly member: GroupMember;
  /** The credentials the tab held when its refresh fell due. */
  readonly had: SessionRecord | null;
  /** How long a tab without usable credentials waits for the lock before it takes it. */
  readonly lockTimeoutMs: number;
  /** The session's own refresh: token, then STS; aborted by `signal` or by a steal. */
  readonly refresh: (signal: AbortSignal) => Promise<SessionRecord>;
  readonly signal: AbortSignal;
  /** Throws (and signs the tab out) if the group signed out in the meantime. */
  readonly checkSignedOut: () => void;
}

const NEWS = Symbol('news');
const STEAL = Symbol('steal');

/**
 * One refresh on the group's behalf, unless another tab's credentials make it unnecessary. Waits
 * for the group's lock, but only so long: until an announcement brings adoptable credentials, or
 * until the patience runs out — half the remaining life of the credentials the tab holds, or
 * `lockTimeoutMs` without any — and then takes the lock from its holder (Web Locks `steal`),
 * which must have hung or been frozen. Holding the lock, the tab takes a leadership term, asks
 * the others for fresher credentials, and only then refreshes; it announces the result and hands
 * its IdP user to the group. A leader whose lock was stolen finishes its refresh for itself only:
 * what it would announce carries an older term than its successor's, and it says nothing.
 */
export async function leadRefresh(input: LeadRefreshInput): Promise<SessionRecord> {
  const { group, had, signal, member, locks } = input;
  const early = group.adoptable(had);
  if (early) return early;
  const now = member.clock.now();
  const patienceMs =
    had && had.expiresAtMs > now ? Math.max(1, (had.expiresAtMs - now) / 2) : input.lockTimeoutMs;
  const wait = new AbortController();
  let granted = false;
  let news: SessionRecord | null = null;
  const end = (reason: unknown) => {
    if (!granted && !wait.signal.aborted) wait.abort(reason);
  };
  const onAbort = () => end(signal.reason);
  const stopNews = group.onNews(had, (record) => {
    news = record;
    end(NEWS);
  });
  const timer = member.timers.setTimeout(() => end(STEAL), patienceMs);
  const cleanUp = () => {
    member.timers.clearTimeout(timer);
    stopNews();
    signal.removeEventListener('abort', onAbort);
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  const lead = (stolen: boolean) => (deposed: AbortSignal) => asLeader(input, deposed, stolen);
  try {
    return await hold(
      locks,
      group.lockName,
      { mode: 'exclusive', signal: wait.signal },
      lead(false),
      () => {
        granted = true;
        cleanUp();
      },
    );
  } catch (error) {
    cleanUp();
    // Web Locks reject an aborted wait with a DOMException; the session expects its reason.
    if (signal.aborted) throw signal.reason;
    if (granted) throw error;
    if (news) return news;
    if (wait.signal.reason !== STEAL) throw error;
    return hold(locks, group.lockName, { mode: 'exclusive', steal: true }, lead(true), noop);
  }
}

/**
 * Runs `lead` holding the lock `name`. Should the lock be stolen while it runs, `lead`'s signal
 * aborts and the outcome is still `lead`'s own (the request's rejection only says it was stolen).
 */
async function hold(
  locks: CrossTabLocks,
  name: string,
  options: { mode: 'exclusive'; signal?: AbortSignal; steal?: boolean },
  lead: (deposed: AbortSignal) => Promise<SessionRecord>,
  onGrant: () => void,
): Promise<SessionRecord> {
  const deposed = new AbortController();
  let running: Promise<SessionRecord> | null = null;
  try {
    return await locks.request(name, options, () => {
      onGrant();
      running = lead(deposed.signal);
      return running;
    });
  } catch (error) {
    const run = running as Promise<SessionRecord> | null;
    if (!run) throw error;
    deposed.abort(new AbortedError('Another tab took over the refresh from this one.'));
    return run;
  }
}

async function asLeader(
  input: LeadRefreshInput,
  deposed: AbortSignal,
  stolen: boolean,
): Promise<SessionRecord> {
  const { group, had, signal } = input;
  const term = group.takeTerm();
  group.leading = true;
  group.leadTerm = term;
  // What the leader this tab took over from says from now on is ignored.
  if (stolen) group.fence(term);
  try {
    const adopted = group.adoptable(had) ?? (await group.ask(had, signal));
    if (adopted) return adopted;
    signal.throwIfAborted();
    input.checkSignedOut();
    const both = eitherSignal(signal, deposed);
    let record: SessionRecord;
    try {
      record = await input.refresh(both.signal);
    } catch (error) {
      // Deposed mid-refresh (and so aborted): the successor's credentials, once they come.
      const successor = deposed.aborted ? group.adoptable(had) : null;
      if (successor) return successor;
      throw error;
    } finally {
      both.dispose();
      // After every attempt, failed ones too: the IdP may have rotated the refresh token.
      if (!deposed.aborted && term >= group.fencedBelow) group.handOff(term).catch(noop);
    }
    if (deposed.aborted || term < group.fencedBelow) {
      // Deposed while refreshing: the successor's credentials, if they came, win.
      return group.adoptable(had) ?? record;
    }
    if (!signal.aborted) group.announce(record, term);
    return record;
  } finally {
    group.leading = false;
  }
}

/** A signal that aborts with whichever of `a` and `b` aborts first. */
function eitherSignal(a: AbortSignal, b: AbortSignal): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onA = () => controller.abort(a.reason);
  const onB = () => controller.abort(b.reason);
  if (a.aborted) onA();
  else if (b.aborted) onB();
  a.addEventListener('abort', onA, { once: true });
  b.addEventListener('abort', onB, { once: true });
  return {
    signal: controller.signal,
    dispose() {
      a.removeEventListener('abort', onA);
      b.removeEventListener('abort', onB);
    },
  };
}

function noop(): void {}
