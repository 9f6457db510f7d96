import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { installApp, workspaceDir } from './packWorkspace.js';
import type { AppManifest, Tarballs } from './packWorkspace.js';

/** What a copy of an example leaves behind: what it installs or builds, and local settings. */
const NOT_COPIED = new Set(['node_modules', 'dist']);

/**
 * Copies `examples/<name>` as a user would copy it (outside this workspace: by default to a fresh
 * directory under the OS temp dir) and installs it, its own `package.json` as it is except that
 * `@fedcreds/*` come from the tarballs. Returns the copy's directory.
 */
export async function installExample(
  name: string,
  tarballs: Tarballs,
  dir?: string,
): Promise<string> {
  const source = join(workspaceDir, 'examples', name);
  const target = dir ?? (await mkdtemp(join(tmpdir(), `fedcreds-example-${name}-`)));
  await cp(source, target, {
    recursive: true,
    filter: (path) => !NOT_COPIED.has(basename(path)) && !path.endsWith('.local'),
  });
  const manifest = JSON.parse(await readFile(join(source, 'package.json'), 'utf8')) as AppManifest;
  await installApp(target, tarballs, manifest);
  return target;
}
