import process from 'node:process';

// A test instrument, loaded with `node --import`: records which browser globals a process reads
// (each getter still answers what Node would), and prints them when it exits. `window` is left
// out: React and oidc-client-ts feature-test it with `typeof`, and Node has none.
const BROWSER_GLOBALS = [
  'document',
  'location',
  'history',
  'sessionStorage',
  'localStorage',
  'navigator',
  'BroadcastChannel',
  'indexedDB',
];

const read = new Set();
for (const name of BROWSER_GLOBALS) {
  const own = Object.getOwnPropertyDescriptor(globalThis, name);
  Object.defineProperty(globalThis, name, {
    configurable: true,
    get() {
      read.add(name);
      return own?.get ? own.get.call(globalThis) : own?.value;
    },
  });
}
process.on('exit', () => {
  process.stderr.write(`browser globals read: ${JSON.stringify([...read])}\n`);
});
