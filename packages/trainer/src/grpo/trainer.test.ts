import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError, loadBackend, ModelError, modelPresets, PolicyModel, saveCheckpoint } from '@spatial-ssrl/model';
import { writeToyDataset } from '../__fixtures__/toy-dataset.js';
import type { GrpoStepLine } from './grpo-run-files.js';
import type { GrpoOptions } from './grpo-options.js';

// trainGrpo computes with a replica worker thread, which runs the built entry: this suite drives
// the package's dist build (turbo runs `build` before `test`).
const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

type Dist = typeof import('../index.js');
let dist: Dist;
let trainGrpo: Dist['trainGrpo'];
let readGrpoMetrics: Dist['readGrpoMetrics'];
let readRolloutLog: Dist['readRolloutLog'];
let root: string;
let data: string;
let sft: string;

beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run "pnpm build" in packages/trainer first`);
  dist = (await import(DIST)) as Dist;
  ({ trainGrpo, readGrpoMetrics, readRolloutLog } = dist);
  await loadBackend({ prefer: 'wasm', log: false });
  root = await mkdtemp(path.join(tmpdir(), 'ssrl-grpo-'));
  data = path.join(root, 'data');
  sft = path.join(root, 'sft');
  await writeToyDataset(data, { perTask: 64 });
  // A short cold start: greedy answers are mostly right, but samples at temperature 1 often are not.
  await dist.trainSft({ data, out: sft, preset: 'tiny', batchSize: 16, lr: 3e-3, warmupSteps: 5, steps: 120, evalEvery: 0, seed: 1 });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const base = (out: string): GrpoOptions => ({
  init: sft,
  data,
  out: path.join(root, out),
  promptsPerStep: 8,
  groupSize: 4,
  lr: 2e-3,
  evalEvery: 0,
  evalSamples: 8,
  seed: 5,
});

const trainLines = (lines: Awaited<ReturnType<typeof readGrpoMetrics>>): GrpoStepLine[] =>
  lines.filter((l): l is GrpoStepLine => l.type === 'train');

// Every field that does not measure time.
function trajectory(line: GrpoStepLine): Omit<GrpoStepLine, 'rolloutSec' | 'scoreSec' | 'updateSec' | 'elapsedSec'> {
  const { rolloutSec: _r, scoreSec: _s, updateSec: _u, elapsedSec: _e, ...rest } = line;
  return rest;
}

describe('trainGrpo', () => {
  it('starts with ratio 1 and zero KL to the reference, and logs every metric', async () => {
    const notes: string[] = [];
    const result = await trainGrpo({ ...base('first'), steps: 1, rolloutLogEvery: 1 }, { onInfo: (m) => notes.push(m) });
    expect(result.step).toBe(1);
    expect(notes.some((m) => /^image cache: reusing .*image-cache-16\.bin$/.test(m))).toBe(true);
    expect(notes).toContain('threads: 2 (a policy replica in a worker thread computes half of each step)');
    const cacheFile = 'image-cache-16.bin';
    expect((await readFile(path.join(root, 'first', cacheFile))).equals(await readFile(path.join(sft, cacheFile)))).toBe(true);
    const [line] = trainLines(await readGrpoMetrics(path.join(root, 'first')));
    expect(line.firstRatioMaxDev).toBeLessThan(1e-5);
    expect(line.klLoss).toBe(0);
    expect(Math.abs(line.ppoKl!)).toBeLessThan(1e-6);
    expect(line.pgClipfracHigher).toBe(0);
    expect(line.pgClipfracLower).toBe(0);
    expect(line.rolloutKl).toBeLessThan(1e-9);
    expect(line.reward.n).toBe(32);
    expect(Object.keys(line.rewardByTask).sort()).toEqual(['brighter', 'quadrant']);
    expect(line.entropyLoss).toBeGreaterThan(0);
    expect(line.responseLength).toBeGreaterThan(1);
    expect(line.groupsKept).toBe(8);
    expect(line.updates).toBe(1);
    expect(line.lr).toBe(2e-3);
    const [logged] = await readRolloutLog(path.join(root, 'first'));
    expect(logged.responses).toHaveLength(4);
    expect(logged.step).toBe(1);
    const svg = await readFile(path.join(root, 'first', 'curve.svg'), 'utf8');
    expect(svg).toContain('reward (per step)');
    const config = JSON.parse(await readFile(path.join(root, 'first', 'config.json'), 'utf8'));
    expect(config.options.groupSize).toBe(4);
    expect(config.options.threads).toBe(2);
    expect(config.threads).toBe(2);
  });

  it('samples the same responses with 1 and 2 threads, and updates alike up to float summation order', async () => {
    const notes: string[] = [];
    await trainGrpo({ ...base('one-thread'), steps: 1, rolloutLogEvery: 1, threads: 1 }, { onInfo: (m) => notes.push(m) });
    expect(notes.some((m) => m.startsWith('threads:'))).toBe(false);
    const [one] = trainLines(await readGrpoMetrics(path.join(root, 'one-thread')));
    const [two] = trainLines(await readGrpoMetrics(path.join(root, 'first')));
    for (const key of ['reward', 'rewardByTask', 'responseLength', 'clippedResponses', 'groupsKept', 'updates'] as const) expect(two[key], key).toEqual(one[key]);
    for (const key of ['loss', 'pgLoss', 'entropyLoss', 'gradNorm'] as const) expect(Math.abs(two[key]! - one[key]!), key).toBeLessThan(1e-5 * Math.abs(one[key]!));
    expect(await readRolloutLog(path.join(root, 'one-thread'))).toEqual(await readRolloutLog(path.join(root, 'first')));
    expect(JSON.parse(await readFile(path.join(root, 'one-thread', 'config.json'), 'utf8')).threads).toBe(1);
    // A run is resumed only with the thread count it was started with.
    await expect(trainGrpo({ ...base('one-thread'), steps: 2, rolloutLogEvery: 1, resume: true })).rejects.toThrow(/differs: threads 1 then, 2 now/);
    // Every replica thread has been stopped.
    expect((process.report.getReport() as { workers: unknown[] }).workers).toHaveLength(0);
  });

  it('raises the mean training reward', async () => {
    const result = await trainGrpo({ ...base('learn'), groupSize: 8, lr: 3e-3, steps: 30, evalEvery: 15, evalSamples: 16 });
    const lines = await readGrpoMetrics(path.join(root, 'learn'));
    const train = trainLines(lines);
    const mean = (ls: GrpoStepLine[]): number => ls.reduce((s, l) => s + l.reward.overall, 0) / ls.length;
    const first = mean(train.slice(0, 8));
    const last = mean(train.slice(-8));
    expect(last).toBeGreaterThan(first + 0.1);
    expect(train.slice(-8).every((l) => l.reward.format > 0.7)).toBe(true);
    expect(lines.filter((l) => l.type === 'eval').map((l) => l.step)).toEqual([0, 15, 30]);
    expect(result.initialEval!.overall.n).toBe(32);
    // 32 held-out records: a few answers either way are noise, a collapse is not.
    expect(result.eval!.overall.accuracy).toBeGreaterThanOrEqual(result.initialEval!.overall.accuracy - 0.15);
    expect(train.at(-1)!.klLoss).toBeGreaterThan(0);
  });

  it('ends with the same weights and metrics after a kill and a resume', async () => {
    const opts = (out: string): GrpoOptions => ({ ...base(out), steps: 5, checkpointEvery: 2, onlineFiltering: true, ppoEpochs: 2, miniBatchSize: 4 });
    await trainGrpo(opts('straight'));
    const controller = new AbortController();
    const killed = await trainGrpo({ ...opts('resumed'), saveOnAbort: false }, { signal: controller.signal, onStep: (p) => p.step === 3 && controller.abort() });
    expect(killed.stopped).toBe('aborted');
    const resumed = await trainGrpo({ ...opts('resumed'), resume: true });
    expect(resumed.step).toBe(5);
    for (const file of ['weights.bin', 'optimizer.bin']) {
      const a = await readFile(path.join(root, 'straight', 'checkpoint', file));
      const b = await readFile(path.join(root, 'resumed', 'checkpoint', file));
      expect(a.equals(b), file).toBe(true);
    }
    const a = trainLines(await readGrpoMetrics(path.join(root, 'straight'))).map(trajectory);
    const b = trainLines(await readGrpoMetrics(path.join(root, 'resumed'))).map(trajectory);
    expect(b).toEqual(a);
    expect(a.every((l) => l.groupsKept + l.groupsFiltered === 8)).toBe(true);
    // The run exercises filtering and several optimizer steps per rollout batch.
    expect(a.some((l) => l.groupsFiltered > 0)).toBe(true);
    expect(a.some((l) => l.updates >= 2)).toBe(true);
    expect(await readRolloutLog(path.join(root, 'resumed'))).toEqual(await readRolloutLog(path.join(root, 'straight')));
  });

  it('adapts the KL coefficient with the KL in the reward, and runs the other losses and estimators', async () => {
    await trainGrpo({
      ...base('variants'),
      steps: 3,
      useKlLoss: false,
      klController: 'adaptive',
      klTarget: 0.05,
      klHorizon: 20,
      estimator: 'rloo',
      lossType: 'cispo',
      lossAvgMode: 'seq',
    });
    const lines = trainLines(await readGrpoMetrics(path.join(root, 'variants')));
    // The KL starts at 0, below the target, so β shrinks by 20 % × 32 responses / 20 each step.
    expect(lines[0].klCoef).toBe(0.01);
    expect(lines[1].klCoef).toBeCloseTo(0.01 * (1 - (0.2 * 32) / 20), 12);
    expect(lines[2].klCoef).toBeLessThan(lines[1].klCoef);
    expect(lines.every((l) => Number.isFinite(l.pgLoss!) && l.pgClipfracHigher === 0)).toBe(true);
  });

  it('refuses a resume with other settings and a fresh start over a checkpoint', async () => {
    await expect(trainGrpo({ ...base('straight'), steps: 6, checkpointEvery: 2, onlineFiltering: true, ppoEpochs: 2, miniBatchSize: 4, lr: 1e-3, resume: true })).rejects.toThrow(
      /trained with other settings .*differs: lr 0\.002 then, 0\.001 now/,
    );
    await expect(trainGrpo({ ...base('straight'), steps: 1 })).rejects.toThrow(/already holds a checkpoint/);
  });

  it('rejects bad configurations before doing any work', async () => {
    const bad = async (extra: Partial<GrpoOptions>): Promise<unknown> => trainGrpo({ ...base('bad'), steps: 1, ...extra }).catch((e: unknown) => e);
    let err = await bad({ groupSize: 1 });
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ModelError).code).toBe('bad-config');
    expect((err as Error).message).toMatch(/groupSize: must be at least 2, got 1/);
    expect(await bad({ clipRatioLow: 1 })).toHaveProperty('message', expect.stringMatching(/clipRatioLow: must be in \(0, 1\), got 1/));
    expect(await bad({ clipRatioLow: 0 })).toHaveProperty('message', expect.stringMatching(/clipRatioLow/));
    expect(await bad({ clipRatioHigh: 0 })).toHaveProperty('message', expect.stringMatching(/clipRatioHigh: must be > 0/));
    expect(await bad({ clipRatioDual: 1 })).toHaveProperty('message', expect.stringMatching(/clipRatioDual: must be > 1/));
    expect(await bad({ temperature: 0 })).toHaveProperty('message', expect.stringMatching(/temperature: must be > 0/));
    expect(await bad({ steps: undefined })).toHaveProperty('message', expect.stringMatching(/give steps or minutes/));
    expect(await bad({ tasks: ['quadrant', 'rotation'] })).toHaveProperty('message', expect.stringMatching(/tasks: rotation has no training prompts in .* \(it has brighter, quadrant\)/));
    expect(await bad({ overlongBuffer: 32 })).toHaveProperty('message', expect.stringMatching(/overlongBuffer: must be below the response length limit \(32 tokens\), got 32/));
    err = await bad({ data: path.join(root, 'no-such-dataset') });
    expect(err).toMatchObject({ name: 'DatasetError', code: 'not-a-dataset' });
    err = await bad({ init: data });
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).toMatch(/neither a checkpoint directory/);
  });

  it('draws training prompts only from the chosen tasks and still evaluates every task', async () => {
    const result = await trainGrpo({ ...base('one-task'), steps: 2, tasks: ['brighter'], threads: 1 });
    const lines = trainLines(await readGrpoMetrics(path.join(root, 'one-task')));
    for (const l of lines) expect(Object.keys(l.rewardByTask)).toEqual(['brighter']);
    expect(Object.keys(result.eval!.tasks).sort()).toEqual(['brighter', 'quadrant']);
  });

  it('draws training prompts from the first records of each task when given a pool size', async () => {
    const notes: string[] = [];
    await trainGrpo({ ...base('pool'), steps: 3, promptsPerTask: 3, rolloutLogEvery: 1, threads: 1 }, { onInfo: (m) => notes.push(m) });
    expect(notes.some((m) => m.startsWith('dataset: 6 training prompts, '))).toBe(true);
    const records = (await dist.readDataset(data)).records.filter((r) => r.split === 'train');
    const pool = new Set(['brighter', 'quadrant'].flatMap((t) => records.filter((r) => r.task === t).slice(0, 3).map((r) => r.id)));
    const logged = await readRolloutLog(path.join(root, 'pool'));
    expect(logged).toHaveLength(3);
    for (const entry of logged) expect(pool.has(entry.id)).toBe(true);
  });

  it('names the tensor when the reference has another shape than the policy', async () => {
    const other = PolicyModel.create({ ...modelPresets.tiny, width: 16 });
    const dir = path.join(root, 'other-ref');
    await saveCheckpoint(dir, other.config, other.readWeights());
    other.dispose();
    const err = await trainGrpo({ ...base('bad-ref'), steps: 1, reference: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as CheckpointError).code).toBe('weights-mismatch');
    expect((err as Error).message).toMatch(/the reference policy tensor patch\.w has shape 320×16 but the policy's is 320×32/);
  });
});
