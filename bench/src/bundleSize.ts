/**
 * Bundles one entry the way an app's production build would (esbuild, browser, ESM, minified,
 * `process.env.NODE_ENV = "production"`) and measures it: bytes, gzip -9, brotli (quality 11), and
 * the minified bytes each input module contributes (from esbuild's metafile).
 */
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { PEER_PACKAGES, PRODUCTION_BUILD } from '../productionBuild.js';

export { PEER_PACKAGES, PRODUCTION_BUILD };

export interface BundleSize {
  bytes: number;
  gzip: number;
  brotli: number;
  /** Minified bytes per input module, keyed by a short name (`core/session/…`, `@smithy/core`). */
  modules: Record<string, number>;
}

const ENTRIES = new URL('../entries/', import.meta.url);

/** Path of an entry in bench/entries. */
export const entryPath = (name: string): string => fileURLToPath(new URL(name, ENTRIES));

/** A module's short name: fedcreds files by path inside the package, others by package. */
function moduleName(input: string): string {
  const own = /packages\/(core|react)\/dist\/(.+)\.js$/.exec(input);
  if (own) return `${own[1]}/${own[2]}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(input);
  return pkg ? pkg[1]! : input.replace(/^.*\/bench\//, 'bench/');
}

/** Bundles and measures `entry` (a file in bench/entries); `external` packages are left out. */
export async function bundleSize(entry: string, external: string[] = []): Promise<BundleSize> {
  const result = await build({
    ...PRODUCTION_BUILD,
    entryPoints: [entryPath(entry)],
    external,
    write: false,
    metafile: true,
    outdir: 'out',
  });
  const file = result.outputFiles[0]!;
  const modules: Record<string, number> = {};
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = moduleName(input);
      modules[name] = (modules[name] ?? 0) + bytesInOutput;
    }
  }
  return {
    bytes: file.contents.byteLength,
    gzip: gzipSync(file.contents, { level: 9 }).byteLength,
    brotli: brotliCompressSync(file.contents, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
    }).byteLength,
    modules,
  };
}
