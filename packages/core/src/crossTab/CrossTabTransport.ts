import type { CrossTabChannel, CrossTabLocks } from './CrossTabOptions.js';

export type { CrossTabChannel, CrossTabLocks } from './CrossTabOptions.js';

/** Web Locks and BroadcastChannel, as the coordinator reaches them. */
export interface CrossTabTransport {
  readonly locks: CrossTabLocks;
  readonly openChannel: (name: string) => CrossTabChannel;
}

/** `navigator.locks`, when the environment has it. */
export function defaultLocks(): CrossTabLocks | null {
  const locks = (globalThis as { navigator?: { locks?: CrossTabLocks } }).navigator?.locks;
  return locks && typeof locks.request === 'function' ? locks : null;
}

/** `(name) => new BroadcastChannel(name)`, when the environment has BroadcastChannel. */
export function defaultChannel(): ((name: string) => CrossTabChannel) | null {
  const Channel = (globalThis as { BroadcastChannel?: new (name: string) => CrossTabChannel })
    .BroadcastChannel;
  return typeof Channel === 'function' ? (name) => new Channel(name) : null;
}
