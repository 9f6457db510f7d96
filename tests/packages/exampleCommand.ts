/**
 * `pnpm example <name> [dir]`: an example app of `examples/` copied out of this checkout and
 * installed with the packages as this checkout would publish them (packed), so it runs before
 * they are on the registry, or with local changes. The test of the example uses the same steps.
 */
import { access, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { installExample } from './installExample.js';
import { packWorkspace, workspaceDir } from './packWorkspace.js';

/** The examples that are apps of their own (a `package.json`), by directory name. */
async function installableExamples(): Promise<string[]> {
  const names = await readdir(join(workspaceDir, 'examples'));
  const apps = await Promise.all(
    names.map((name) =>
      access(join(workspaceDir, 'examples', name, 'package.json')).then(
        () => name,
        () => null,
      ),
    ),
  );
  return apps.filter((name): name is string => name !== null);
}

const examples = await installableExamples();
const usage = `Usage: pnpm example <${examples.join('|')}> [dir]

Copies examples/<name> to dir (default: ${join(tmpdir(), 'fedcreds-example-<name>')}, replaced)
and installs it with this checkout's packages, packed as they would be published. Run
"pnpm build" first.
`;

const [name, dir, ...rest] = process.argv.slice(2).filter((arg) => arg !== '--');
if (name === '--help' || name === '-h') {
  process.stdout.write(usage);
  process.exit(0);
}
if (name === undefined || !examples.includes(name) || rest.length > 0) {
  process.stderr.write(
    `${name === undefined ? 'Which example?' : `No example app "${name}".`}\n\n${usage}`,
  );
  process.exit(2);
}

let target: string;
if (dir === undefined) {
  target = join(tmpdir(), `fedcreds-example-${name}`);
  await rm(target, { recursive: true, force: true });
} else {
  target = resolve(dir);
  const existing = await readdir(target).catch(() => []);
  if (existing.length > 0) {
    process.stderr.write(`${target} is not empty: give a new or empty directory.\n`);
    process.exit(2);
  }
}

const { tarballs } = await packWorkspace();
await installExample(name, tarballs, target);
process.stdout.write(`examples/${name} is installed in ${target}

Next, with the dev stack running ("pnpm devstack" in this checkout):
  cd ${target}
  pnpm dev        # http://127.0.0.1:5173, sign in as alice / alice-password
`);
