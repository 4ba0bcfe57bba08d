import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainSft } from '@spatial-ssrl/trainer';
import { generateDataset } from '@spatial-ssrl/tasks';

/** A small dataset of the five tasks and a tiny checkpoint trained on it for a few SFT steps. */
export interface TinyRun {
  /** Folder holding `data/` and `sft/`. */
  readonly root: string;
  /** Dataset directory (`samples.jsonl`, `images/`). */
  readonly data: string;
  /** SFT run folder (`checkpoint/`, `metrics.jsonl`, `curve.svg`). */
  readonly run: string;
}

/**
 * Generates 60 samples of the five tasks from 96×72 synthetic scenes and trains the tiny preset
 * on them for 12 SFT steps: enough for a checkpoint that loads and answers, in a few seconds.
 */
export async function makeTinyRun(): Promise<TinyRun> {
  const root = await mkdtemp(join(tmpdir(), 'ssrl-serve-run-'));
  const data = join(root, 'data');
  const run = join(root, 'runs', 'sft');
  await mkdir(join(root, 'runs'), { recursive: true });
  await generateDataset({ sources: ['synthetic:60:96x72'], count: 60, seed: 1, out: data, workers: 1, testFraction: 0.3 });
  await trainSft(
    { data, out: run, preset: 'tiny', steps: 12, batchSize: 8, evalEvery: 0, evalSamples: 4, threads: 1, warmupSteps: 2, logEvery: 2 },
    { onInfo: () => {} },
  );
  return { root, data, run };
}

/** Removes a tiny run's folder. */
export async function removeTinyRun(run: TinyRun): Promise<void> {
  await rm(run.root, { recursive: true, force: true });
}
