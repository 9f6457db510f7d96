import { rm } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import { packWorkspace } from './packWorkspace.js';
import type { Tarballs } from './packWorkspace.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The three packages packed once for every test file of the `packages` project. */
    tarballs: Tarballs;
  }
}

/**
 * The `packages` project's global setup: packs the packages once (their `dist/` must be built)
 * and hands the tarballs to each test file through `inject('tarballs')`.
 */
export default async function packOnce(project: TestProject): Promise<() => Promise<void>> {
  const { dir, tarballs } = await packWorkspace();
  project.provide('tarballs', tarballs);
  return () => rm(dir, { recursive: true, force: true });
}
