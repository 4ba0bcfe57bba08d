import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { SftOptions } from '../sft/sft-options.js';
import { writeToyDataset, type ToyDatasetOptions } from './toy-dataset.js';

/** A temporary folder holding a toy dataset (`data`) beside the SFT runs of one test file. */
export interface ToySftRuns {
  /** The folder; set before the file's tests run. */
  root: string;
  /** The toy dataset directory inside it. */
  data: string;
  /** SFT options of the run folder `out` inside the root: the tiny preset plus the file's settings. */
  base(out: string): SftOptions;
}

/**
 * Registers `beforeAll` / `afterAll` hooks that create the folder and its toy dataset and remove
 * them afterwards; `settings` are the options every run of the file shares.
 */
export function toySftRuns(prefix: string, settings: Omit<SftOptions, 'data' | 'out'>, dataset: ToyDatasetOptions = {}): ToySftRuns {
  const runs: ToySftRuns = {
    root: '',
    data: '',
    base: (out) => ({ data: runs.data, out: path.join(runs.root, out), preset: 'tiny', ...settings }),
  };
  beforeAll(async () => {
    runs.root = await mkdtemp(path.join(tmpdir(), prefix));
    runs.data = path.join(runs.root, 'data');
    await writeToyDataset(runs.data, dataset);
  });
  afterAll(async () => {
    await rm(runs.root, { recursive: true, force: true });
  });
  return runs;
}
