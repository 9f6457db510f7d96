/**
 * A process-wide clock the bench can move forward, so every contender — fedcreds, SDK v3, SDK v2
 * and the dev stack's STS and IdP — sees credentials expire at the same moment without waiting.
 * Replaces the global `Date` (only what `Date.now()` and `new Date()` read); real timers still run.
 */
const RealDate = Date;
let offsetMs = 0;

class ShiftedDate extends RealDate {
  constructor(...args: ConstructorParameters<DateConstructor> | []) {
    if (args.length === 0) super(RealDate.now() + offsetMs);
    else super(...(args as ConstructorParameters<DateConstructor>));
  }
  static override now(): number {
    return RealDate.now() + offsetMs;
  }
}

/** Installs the movable clock; call before anything reads the time. */
export function installShiftedDate(): void {
  globalThis.Date = ShiftedDate as DateConstructor;
}

/** Moves every clock in the process forward by `ms`. */
export function advanceClock(ms: number): void {
  offsetMs += ms;
}
