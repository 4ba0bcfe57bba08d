import type { TestProject } from 'vitest/node';
import { makeTinyRun, removeTinyRun } from './tiny-run.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Folders of the tiny run every test file shares: `{ root, data, run }`. */
    tinyRun: { root: string; data: string; run: string };
  }
}

/** Makes one tiny dataset and checkpoint for the whole test run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const run = await makeTinyRun();
  project.provide('tinyRun', run);
  return () => removeTinyRun(run);
}
