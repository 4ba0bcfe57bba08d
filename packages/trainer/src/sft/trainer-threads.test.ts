import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '@spatial-ssrl/model';
import { toySftRuns } from '../__fixtures__/toy-sft-runs.js';
import type { SftOptions } from './sft-options.js';

// With 2 threads trainSft starts a replica worker thread, which runs the built entry: this suite
// drives the package's dist build (turbo runs `build` before `test`).
const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

type Dist = typeof import('../index.js');
let dist: Dist;
const liveWorkers = (): number => (process.report.getReport() as { workers: unknown[] }).workers.length;

const runs = toySftRuns('ssrl-sft-threads-', { batchSize: 15, lr: 3e-3, warmupSteps: 2, evalEvery: 0, evalSamples: 4, seed: 2 }, { perTask: 48 });
const base = runs.base;

beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run "pnpm build" in packages/trainer first`);
  dist = (await import(DIST)) as Dist;
  await loadBackend({ prefer: 'wasm', log: false });
});

async function weightsOf(run: string): Promise<Buffer> {
  return readFile(path.join(runs.root, run, 'checkpoint', 'weights.bin'));
}

describe('trainSft with 2 threads', () => {
  it('follows the 1-thread loss trajectory up to float summation order, and resumes only with its thread count', async () => {
    const losses: Record<number, number[]> = { 1: [], 2: [] };
    const notes: string[] = [];
    for (const threads of [1, 2] as const) {
      await dist.trainSft({ ...base(`t${threads}`), steps: 8, logEvery: 1, threads }, { onStep: (p) => losses[threads].push(p.loss), onInfo: (m) => notes.push(m) });
    }
    expect(notes.filter((m) => m.startsWith('threads:'))).toEqual(['threads: 2 (a model replica in a worker thread computes half of each batch)']);
    expect(losses[2]).toHaveLength(8);
    losses[1].forEach((l, i) => expect(Math.abs(losses[2][i] - l), `step ${i + 1}`).toBeLessThan(1e-4 * l));
    expect(losses[1][7]).toBeLessThan(losses[1][0] * 0.9);
    // Different summation order: not the same bytes.
    expect((await weightsOf('t2')).equals(await weightsOf('t1'))).toBe(false);
    const run = JSON.parse(await readFile(path.join(runs.root, 't2', 'run.json'), 'utf8'));
    expect([run.threads, run.options.threads, run.backend]).toEqual([2, 2, 'wasm']);
    await expect(dist.trainSft({ ...base('t2'), steps: 8, threads: 1, resume: true })).rejects.toThrow(
      /t2[/\\]checkpoint was trained with other settings .*differs: threads 2 then, 1 now\); resume with the same ones/,
    );
    await expect(dist.trainSft({ ...base('t1'), steps: 8, resume: true })).rejects.toThrow(/differs: threads 1 then, 2 now/);
    expect(liveWorkers()).toBe(0);
  });

  it('ends with the same weights, bit for bit, after a kill and a resume', async () => {
    const opts = (out: string): SftOptions => ({ ...base(out), model: { dropout: 0.1 }, steps: 10, checkpointEvery: 3, threads: 2 });
    await dist.trainSft(opts('straight'));
    const controller = new AbortController();
    // Without a save on abort the run resumes from step 6, as after a kill at step 7.
    const killed = await dist.trainSft({ ...opts('resumed'), saveOnAbort: false }, { signal: controller.signal, onStep: (p) => p.step === 7 && controller.abort() });
    expect(killed.stopped).toBe('aborted');
    expect(liveWorkers()).toBe(0);
    const resumed = await dist.trainSft({ ...opts('resumed'), resume: true });
    expect(resumed.step).toBe(10);
    for (const file of ['weights.bin', 'optimizer.bin']) {
      const a = await readFile(path.join(runs.root, 'straight', 'checkpoint', file));
      const b = await readFile(path.join(runs.root, 'resumed', 'checkpoint', file));
      expect(a.equals(b), file).toBe(true);
    }
    const trainLosses = async (run: string): Promise<number[]> =>
      (await dist.readRunMetrics(path.join(runs.root, run))).flatMap((l) => (l.type === 'train' ? [l.loss] : []));
    expect(await trainLosses('resumed')).toEqual(await trainLosses('straight'));
    // With dropout the replica's rows draw other masks than on one thread: the losses differ by far
    // more than the float summation order (about 1e-7 relative here).
    let first2 = NaN;
    let first1 = NaN;
    await dist.trainSft({ ...opts('dropout-2'), steps: 1 }, { onStep: (p) => (first2 = p.loss) });
    await dist.trainSft({ ...opts('dropout-1'), steps: 1, threads: 1 }, { onStep: (p) => (first1 = p.loss) });
    expect(Math.abs(first2 - first1)).toBeGreaterThan(1e-4 * first1);
    expect(liveWorkers()).toBe(0);
  });

  it('stops the worker when a step hook throws', async () => {
    const err = await dist
      .trainSft({ ...base('hook-error'), steps: 5, threads: 2 }, {
        onStep: (p) => {
          if (p.step === 2) throw new Error('hook failed at step 2');
        },
      })
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe('hook failed at step 2');
    expect(liveWorkers()).toBe(0);
  });
});
