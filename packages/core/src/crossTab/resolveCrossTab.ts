import type { Clock } from '../time/Clock.js';
import type { TimerProvider } from '../time/TimerProvider.js';
import {
  createCrossTabCoordinator,
  type CrossTabCoordinator,
  type CrossTabOptions,
} from './createCrossTabCoordinator.js';

/**
 * The coordinator `createFederatedSession({ crossTab })` asked for, named `defaultName` unless
 * the option names it, on the session's clock and timers; `undefined` for none.
 */
export function resolveCrossTab(
  option: boolean | CrossTabOptions | undefined,
  defaultName: string,
  clock: Clock,
  timers: TimerProvider,
): CrossTabCoordinator | undefined {
  if (option === undefined || option === false) return undefined;
  const { name = defaultName, ...rest } = option === true ? {} : option;
  return createCrossTabCoordinator({ ...rest, name, clock, timers });
}
