import { execFile } from 'node:child_process';
import { access, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The workspace root. */
export const workspaceDir = fileURLToPath(new URL('../..', import.meta.url));

/** The three published packages, by directory under `packages/`. */
export const PUBLISHED = ['core', 'react', 'devstack'] as const;
export type PublishedPackage = (typeof PUBLISHED)[number];

/** Tarballs as `pnpm pack` makes them for `pnpm publish`, by package directory. */
export type Tarballs = Record<PublishedPackage, string>;

/** Runs pnpm (the one on PATH: the one running `pnpm test`) and returns its stdout. */
export async function pnpm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run('pnpm', args, {
    cwd,
    maxBuffer: 16 * 1024 * 1024,
    // An install in a scratch app must not ask questions or wait for a TTY.
    env: { ...process.env, CI: 'true' },
  });
  return stdout;
}

/**
 * Packs the three packages into a fresh directory under the OS temp dir. Their `dist/` must be
 * built (`pnpm test` builds first); `pnpm pack` turns `workspace:` ranges into real versions.
 */
export async function packWorkspace(): Promise<{ dir: string; tarballs: Tarballs }> {
  for (const name of PUBLISHED) {
    await access(join(workspaceDir, 'packages', name, 'dist', 'index.js')).catch(() => {
      throw new Error(`packages/${name}/dist is missing: run "pnpm build" first`);
    });
  }
  const dir = await mkdtemp(join(tmpdir(), 'fedcreds-pack-'));
  for (const name of PUBLISHED) {
    await pnpm(['pack', '--pack-destination', dir], join(workspaceDir, 'packages', name));
  }
  const files = await readdir(dir);
  const tarball = (name: PublishedPackage) => {
    const file = files.find((f) => f.startsWith(`fedcreds-${name}-`) && f.endsWith('.tgz'));
    if (file === undefined) throw new Error(`pnpm pack wrote no tarball for ${name} in ${dir}`);
    return join(dir, file);
  };
  return {
    dir,
    tarballs: { core: tarball('core'), react: tarball('react'), devstack: tarball('devstack') },
  };
}

/** The parts of a `package.json` {@link installApp} reads and rewrites. */
export interface AppManifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [field: string]: unknown;
}

/**
 * Makes `dir` an app outside the workspace whose `@fedcreds/*` come from the tarballs (also where
 * one package depends on another, through `overrides`, as the registry would serve them), and
 * installs it with pnpm, reusing the workspace's store so only missing metadata is fetched. The
 * manifest's own `@fedcreds/*` ranges (an example's `^0.1.0`) are replaced by the tarballs.
 */
export async function installApp(
  dir: string,
  tarballs: Tarballs,
  manifest: AppManifest,
): Promise<void> {
  const fromTarballs = (deps: Record<string, string> = {}) =>
    Object.fromEntries(
      Object.entries(deps).map(([name, range]) => {
        const packed = PUBLISHED.find((p) => name === `@fedcreds/${p}`);
        return [name, packed === undefined ? range : `file:${tarballs[packed]}`];
      }),
    );
  await writeFile(
    join(dir, 'package.json'),
    `${JSON.stringify(
      {
        ...manifest,
        dependencies: fromTarballs(manifest.dependencies),
        devDependencies: fromTarballs(manifest.devDependencies),
      },
      null,
      2,
    )}\n`,
  );
  // A workspace file of its own keeps pnpm from looking for one in a parent directory.
  await writeFile(
    join(dir, 'pnpm-workspace.yaml'),
    [
      'overrides:',
      ...PUBLISHED.map((name) => `  '@fedcreds/${name}': 'file:${tarballs[name]}'`),
      'allowBuilds:',
      '  esbuild: true',
      '  classic-level: false',
      '',
    ].join('\n'),
  );
  const storeDir = (await pnpm(['store', 'path'], workspaceDir)).trim();
  await pnpm(['install', '--prefer-offline', '--store-dir', storeDir], dir);
}

/** {@link installApp} for a scratch app that depends on all three packages and `dependencies`. */
export async function installScratchApp(
  dir: string,
  tarballs: Tarballs,
  dependencies: Record<string, string>,
  devDependencies: Record<string, string> = {},
): Promise<void> {
  await installApp(dir, tarballs, {
    name: 'fedcreds-scratch-app',
    private: true,
    type: 'module',
    dependencies: {
      ...Object.fromEntries(PUBLISHED.map((name) => [`@fedcreds/${name}`, 'packed'])),
      ...dependencies,
    },
    devDependencies,
  });
}
