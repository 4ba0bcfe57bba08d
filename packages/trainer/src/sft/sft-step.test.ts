import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeToyDataset } from '../__fixtures__/toy-dataset.js';
import { loadBackend, ModelError, modelPresets, PolicyModel, type ModelConfig } from '@spatial-ssrl/model';
import { refLogProbsJob } from '../grpo/grpo-jobs.js';
import { PolicyReplica, ReplicaError } from '../replica/replica.js';
import { DEFAULT_TARGET_TEMPLATE, feedsFor, prepareExamples, type TrainExample } from './batching.js';
import { buildImageCache, readDataset, type ImageCache } from './dataset.js';
import { sftGradients } from './sft-gradients.js';
import { localShare, localSftCompute, splitSftCompute, targetTokenCount } from './sft-step.js';

// The replica thread runs the built worker entry, so this suite needs the package's dist build
// (turbo runs `build` before `test`); the main-thread side runs from source.
const ENTRY = new URL('../../dist/replica-worker.js', import.meta.url);

const config: ModelConfig = modelPresets.tiny;
let root: string;
let cache: ImageCache;
let batch: TrainExample[];
let model: PolicyModel;
const replicas: PolicyReplica[] = [];

const liveWorkers = (): number => (process.report.getReport() as { workers: unknown[] }).workers.length;

// Largest difference over the largest magnitude, across every parameter.
function relativeDiff(a: ReadonlyMap<string, Float32Array>, b: ReadonlyMap<string, Float32Array>): number {
  let scale = 0;
  let diff = 0;
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  for (const [name, g] of a) {
    const h = b.get(name)!;
    for (let i = 0; i < g.length; i++) {
      scale = Math.max(scale, Math.abs(g[i]));
      diff = Math.max(diff, Math.abs(g[i] - h[i]));
    }
  }
  expect(scale).toBeGreaterThan(0);
  return diff / scale;
}

async function startReplica(): Promise<PolicyReplica> {
  const replica = await PolicyReplica.start(ENTRY, { backend: 'wasm', config, weights: { version: 0, weights: model.readWeights() }, cache, stage: 'SFT' });
  replicas.push(replica);
  return replica;
}

beforeAll(async () => {
  if (!existsSync(fileURLToPath(ENTRY))) throw new Error(`${fileURLToPath(ENTRY)} is missing: run "pnpm build" in packages/trainer first`);
  await loadBackend({ prefer: 'wasm', log: false });
  root = await mkdtemp(path.join(tmpdir(), 'ssrl-sft-step-'));
  await writeToyDataset(path.join(root, 'data'), { perTask: 12 });
  const dataset = await readDataset(path.join(root, 'data'));
  cache = await buildImageCache(dataset, config.imageSize);
  const examples = prepareExamples(config, dataset.records, DEFAULT_TARGET_TEMPLATE);
  // Nine one-image rows with answers of two lengths: an uneven split, padded differently per part.
  batch = examples.filter((e) => e.record.images.length === 1).slice(0, 9);
  batch[4] = { ...batch[4], target: batch[4].target.slice(0, 3) };
  model = PolicyModel.create(config, { seed: 3 });
});

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.close()));
  model.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('sftGradients', () => {
  it('gives parts of a batch, each divided by the whole batch’s tokens, that add up to the batch', () => {
    const tokenCount = targetTokenCount(batch);
    expect(tokenCount).toBe(batch.reduce((n, e) => n + e.target.length, 0));
    const whole = sftGradients(model, config, batch, cache);
    const a = sftGradients(model, config, batch.slice(0, 5), cache, { tokenCount });
    const b = sftGradients(model, config, batch.slice(5), cache, { tokenCount });
    const sum = new Map([...a.grads].map(([name, g]) => [name, g.map((v, i) => v + b.grads.get(name)![i])]));
    expect(relativeDiff(whole.grads, sum)).toBeLessThan(1e-5);
    expect(a.loss + b.loss).toBeCloseTo(whole.loss, 5);
    expect(whole.loss).toBeGreaterThan(1);
    // Alone, a part's loss is its own mean; given the batch's count, its share of the batch mean.
    const own = sftGradients(model, config, batch.slice(0, 5), cache);
    expect(a.loss).toBeCloseTo((own.loss * targetTokenCount(batch.slice(0, 5))) / tokenCount, 5);
  });

  it('refuses a token count below the part’s own', () => {
    const feeds = feedsFor(config, batch, cache);
    expect(() => model.loss(feeds.encoder, feeds.tokens, { tokenCount: 3 })).toThrow(ModelError);
    expect(() => model.loss(feeds.encoder, feeds.tokens, { tokenCount: 3 })).toThrow(/tokenCount must be at least the batch's own \d+ target tokens, got 3/);
  });

  it('keeps the first half of the rows, rounded up, on the calling thread', () => {
    expect([1, 2, 9, 32].map(localShare)).toEqual([1, 1, 5, 16]);
  });
});

describe('splitSftCompute', () => {
  it('matches one thread up to float summation order, with the weights sent when they change', async () => {
    const replica = await startReplica();
    const weights = model.readWeights();
    let version = 0;
    const local = localSftCompute(model, config, cache);
    const split = splitSftCompute(model, config, cache, replica, () => ({ version, weights }));
    expect([local.threads, split.threads]).toEqual([1, 2]);
    const check = async (): Promise<void> => {
      const one = await local.gradients(batch, 7);
      const two = await split.gradients(batch, 7);
      expect(relativeDiff(one.grads, two.grads)).toBeLessThan(1e-5);
      expect(Math.abs(two.loss - one.loss)).toBeLessThan(1e-6 * one.loss);
    };
    await check();
    for (const [name, v] of weights) weights.set(name, v.map((x, i) => x + (i % 5 === 0 ? 0.05 : 0)));
    model.writeWeights(weights);
    version++;
    await check();
    // One row stays on the calling thread; the replica gets no request.
    const single = await split.gradients(batch.slice(0, 1), 7);
    expect(relativeDiff((await local.gradients(batch.slice(0, 1), 7)).grads, single.grads)).toBe(0);
  });

  it('rejects with worker-failed, naming the SFT replica, when the worker dies', async () => {
    const replica = await startReplica();
    const split = splitSftCompute(model, config, cache, replica, () => ({ version: 1, weights: model.readWeights() }));
    const pending = split.gradients(batch, 1);
    // Stands for the thread dying (out of memory, a native crash) in the middle of a step.
    await (replica as unknown as { handle: { worker: Worker } }).handle.worker.terminate();
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplicaError);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ReplicaError).code).toBe('worker-failed');
    expect((err as Error).message).toBe('the SFT policy replica (worker thread) failed: the thread exited with code 1');
    await expect(split.gradients(batch, 2)).rejects.toMatchObject({ code: 'worker-failed' });
  });

  it('tells a replica without a reference policy from a GRPO one', async () => {
    const replica = await startReplica();
    await expect(replica.run(refLogProbsJob, { rollouts: [] })).rejects.toThrow(/^the SFT policy replica \(worker thread\) failed while computing reference log-probabilities: ModelError: this replica was started without a reference policy$/);
  });

  it('leaves no worker thread behind once closed', async () => {
    await Promise.all(replicas.map((r) => r.close()));
    expect(liveWorkers()).toBe(0);
  });
});
