// Quick look: sizes of the named entries (or all), with fedcreds' modules. `tsx src/printSizes.ts`.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleSize, PEER_PACKAGES } from './bundleSize.js';

const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const own = process.argv.includes('--own');
// Entries are the .ts/.tsx files; a .d.ts there only declares types for them.
const all = readdirSync(fileURLToPath(new URL('../entries/', import.meta.url))).filter(
  (name) => /\.tsx?$/.test(name) && !name.endsWith('.d.ts'),
);
const kb = (n: number) => (n / 1024).toFixed(1);
for (const entry of names.length ? names : all) {
  const size = await bundleSize(entry, own ? PEER_PACKAGES : []);
  console.log(
    `${entry.padEnd(24)} ${kb(size.bytes).padStart(7)} KB min  ${kb(size.gzip).padStart(6)} KB gz  ${kb(size.brotli).padStart(6)} KB br`,
  );
  if (process.argv.includes('--modules')) {
    const rows = Object.entries(size.modules).sort((a, b) => b[1] - a[1]);
    for (const [name, bytes] of rows)
      if (bytes > 0) console.log(`    ${String(bytes).padStart(7)}  ${name}`);
  }
}
