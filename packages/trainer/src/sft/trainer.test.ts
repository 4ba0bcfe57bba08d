import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeToyDataset } from '../__fixtures__/toy-dataset.js';
import { toySftRuns } from '../__fixtures__/toy-sft-runs.js';
import { ContextLengthError, loadBackend, ModelError } from '@spatial-ssrl/model';
import { DatasetError } from '@spatial-ssrl/spec';
import type { SftOptions } from './sft-options.js';
import { readRunMetrics, trainSft } from './trainer.js';

const runs = toySftRuns('ssrl-sft-', { batchSize: 16, lr: 3e-3, warmupSteps: 10, seed: 1 });
const base = runs.base;

beforeAll(async () => {
  await loadBackend({ prefer: 'wasm', log: false });
});

describe('trainSft', () => {
  it('lowers the loss and learns the held-out tasks within a few seconds', async () => {
    const steps: number[] = [];
    const result = await trainSft({ ...base('learn'), steps: 160, evalEvery: 80, evalAtStart: true }, { onStep: (p) => steps.push(p.loss) });
    expect(result.stopped).toBe('steps');
    expect(result.step).toBe(160);
    const lines = await readRunMetrics(path.join(runs.root, 'learn'));
    const train = lines.filter((l) => l.type === 'train');
    expect(train.length).toBe(16);
    const first = train[0].type === 'train' ? train[0].loss : NaN;
    const last = train[train.length - 1].type === 'train' ? train[train.length - 1].loss : NaN;
    expect(last).toBeLessThan(first * 0.1);
    const evals = lines.filter((l) => l.type === 'eval');
    expect(evals.map((e) => e.step)).toEqual([0, 80, 160]);
    const report = result.eval!;
    expect(report.overall.n).toBe(48);
    expect(report.overall.format).toBe(1);
    expect(report.tasks.quadrant.accuracy).toBeGreaterThan(0.8);
    expect(report.tasks.brighter.accuracy).toBeGreaterThan(0.8);
    const variants = report.tasks.quadrant.variants!;
    expect(Object.keys(variants)).toEqual(['even', 'odd']);
    expect(variants.even.n + variants.odd.n).toBe(report.tasks.quadrant.n);
    expect(report.tasks.brighter.variants).toBeUndefined();
    const svg = await readFile(path.join(runs.root, 'learn', 'curve.svg'), 'utf8');
    expect(svg).toContain('<svg');
    expect(svg).toContain('quadrant accuracy');
    const png = await readFile(path.join(runs.root, 'learn', 'curve.png'));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const manifest = JSON.parse(await readFile(path.join(result.checkpoint, 'model.json'), 'utf8'));
    expect(manifest.step).toBe(160);
  });

  it('ends with the same weights, bit for bit, after a kill and a resume', async () => {
    const opts = (out: string): SftOptions => ({
      ...base(out),
      model: { dropout: 0.1 },
      steps: 14,
      evalEvery: 0,
      checkpointEvery: 4,
    });
    await trainSft(opts('straight'));
    const controller = new AbortController();
    // Without a save on abort the run resumes from step 8, as after a kill at step 10.
    const killed = await trainSft(
      { ...opts('resumed'), saveOnAbort: false },
      { signal: controller.signal, onStep: (p) => p.step === 10 && controller.abort() },
    );
    expect(killed.stopped).toBe('aborted');
    const resumed = await trainSft({ ...opts('resumed'), resume: true });
    expect(resumed.step).toBe(14);
    for (const file of ['weights.bin', 'optimizer.bin']) {
      const a = await readFile(path.join(runs.root, 'straight', 'checkpoint', file));
      const b = await readFile(path.join(runs.root, 'resumed', 'checkpoint', file));
      expect(a.equals(b), file).toBe(true);
    }
    const a = (await readRunMetrics(path.join(runs.root, 'straight'))).filter((l) => l.type === 'train').map((l) => (l.type === 'train' ? l.loss : 0));
    const b = (await readRunMetrics(path.join(runs.root, 'resumed'))).filter((l) => l.type === 'train').map((l) => (l.type === 'train' ? l.loss : 0));
    expect(b).toEqual(a);
  });

  it('fits the schedule to a time budget, measured on the clock it is given', async () => {
    // A simulated clock that advances 10 ms at every reading: the budget holds the same number
    // of steps on an idle machine and on a loaded one, and the same run gives the same schedule.
    const simulated = (): (() => number) => {
      let t = 0;
      return () => (t += 10);
    };
    const run = (name: string) => trainSft({ ...base(name), minutes: 0.05, evalEvery: 0 }, { now: simulated() });
    const result = await run('timed');
    expect(['time', 'steps']).toContain(result.stopped);
    expect(result.totalSteps).toBeGreaterThan(20);
    expect(result.wallSec).toBeLessThanOrEqual(0.05 * 60);
    const again = await run('timed-again');
    expect([again.step, again.totalSteps]).toEqual([result.step, result.totalSteps]);
  });

  it('evaluates on the test split of another dataset directory when asked', async () => {
    const other = path.join(runs.root, 'heldout');
    await writeToyDataset(other, { perTask: 10, testFraction: 1, seed: 9 });
    const result = await trainSft({ ...base('other-eval'), steps: 2, evalData: other, evalSamples: 7 });
    expect(result.eval?.tasks.quadrant.n).toBe(7);
    expect(result.eval?.tasks.brighter.n).toBe(7);
  });

  it('refuses to start over a run folder that holds a checkpoint', async () => {
    await expect(trainSft({ ...base('straight'), steps: 2 })).rejects.toThrow(/already holds a checkpoint/);
  });

  it('names the record whose image is missing', async () => {
    const dir = path.join(runs.root, 'missing');
    await writeToyDataset(dir, { perTask: 4 });
    await rm(path.join(dir, 'images', 'brighter', '2-1.png'));
    const err = await trainSft({ ...base('missing-run'), data: dir, steps: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as DatasetError).code).toBe('image-missing');
    expect((err as Error).message).toMatch(/2-1\.png.*record brighter-2/);
  });

  it('refuses an answer longer than the context', async () => {
    const dir = path.join(runs.root, 'long');
    await writeToyDataset(dir, { perTask: 4 });
    const lines = (await readFile(path.join(dir, 'samples.jsonl'), 'utf8')).trim().split('\n');
    const rec = JSON.parse(lines[1]);
    rec.answer = '0-1-2-3-0-1-2-3-0-1-2-3-0-1-2-3';
    lines[1] = JSON.stringify(rec);
    await writeFile(path.join(dir, 'samples.jsonl'), lines.join('\n'));
    const err = await trainSft({ ...base('long-run'), data: dir, steps: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContextLengthError);
    expect((err as Error).message).toMatch(/record quadrant-1: the target "<think><\/think>\\boxed\{.*\}" needs 36 tokens but the model allows 32/);
  });

  it('refuses a directory that is not a dataset, and a bad record line', async () => {
    await expect(trainSft({ ...base('none'), data: runs.root, steps: 1 })).rejects.toMatchObject({ code: 'not-a-dataset' });
    const dir = path.join(runs.root, 'badline');
    await writeToyDataset(dir, { perTask: 2 });
    await writeFile(path.join(dir, 'samples.jsonl'), '{"id":"x","task":"t","prompt":"p","answer":"A","images":[]}\n');
    await expect(trainSft({ ...base('badline-run'), data: dir, steps: 1 })).rejects.toThrow(/samples\.jsonl:1: index: /);
  });

  it('validates its options', async () => {
    await expect(trainSft({ ...base('opts'), steps: 0 })).rejects.toBeInstanceOf(ModelError);
    await expect(trainSft({ ...base('opts'), steps: 1, model: { patchSize: 5 } })).rejects.toThrow(/patchSize 5 must divide imageSize 16/);
    for (const threads of [0, 3, 1.5]) {
      const err = await trainSft({ ...base('opts'), steps: 1, threads }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ModelError);
      expect((err as ModelError).code).toBe('bad-config');
      expect((err as Error).message).toBe(`sft options: threads: must be 1 or 2, got ${threads}`);
    }
    await expect(trainSft({ ...base('opts') })).rejects.toThrow(/^sft options: \(root\): give steps or minutes$/);
  });

  it('computes on one thread when running from source, and says why', async () => {
    const notes: string[] = [];
    await trainSft({ ...base('source'), steps: 1, evalEvery: 0 }, { onInfo: (m) => notes.push(m) });
    expect(notes).toContain('threads: 1 (no built ./replica-worker.js beside this module, as when running from source)');
    expect(JSON.parse(await readFile(path.join(runs.root, 'source', 'run.json'), 'utf8'))).toMatchObject({ threads: 1, options: { threads: 2 } });
  });
});
