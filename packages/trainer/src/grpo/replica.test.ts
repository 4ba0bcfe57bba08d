import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeToyDataset } from '../__fixtures__/toy-dataset.js';
import { loadBackend, ModelError, modelPresets, PolicyModel, type ModelConfig } from '@spatial-ssrl/model';
import { CounterRng } from '@spatial-ssrl/model/training';
import { buildImageCache, readDataset, type ImageCache } from '../sft/dataset.js';
import { makePrompts } from './__fixtures__/prompts.js';
import type { LossSettings, UpdateRow } from './policy-update.js';
import type { ReplicaJob } from '../replica/job.js';
import { PolicyReplica, ReplicaError } from '../replica/replica.js';
import { replicaRefLogProbs, replicaRollouts } from './grpo-jobs.js';
import { collectRollouts, type Rollout } from './rollout.js';
import { localCompute, splitCompute } from './step-compute.js';
import { splitGroups } from './thread-split.js';

// The replica thread runs the built worker entry, so this suite needs the package's dist build
// (turbo runs `build` before `test`); the main-thread side runs from source.
const ENTRY = new URL('../../dist/replica-worker.js', import.meta.url);

const config: ModelConfig = { ...modelPresets.tiny, maxAnswerTokens: 12 };
const prompts = makePrompts(config, 8);
const examples = prompts.examples;
let cache: ImageCache;
let policy: PolicyModel;
let reference: PolicyModel;
const replicas: PolicyReplica[] = [];
const rolloutSettings = { groupSize: 3, temperature: 1, topP: 1, grader: 'exact' as const, formatWeight: 0.1, maxTokens: 12, seed: 21 };
const loss: LossSettings = {
  lossType: 'default',
  lossAvgMode: 'token',
  clipRatioLow: 0.2,
  clipRatioHigh: 0.3,
  clipRatioDual: 3,
  klKind: 'low_var_kl',
  useKlLoss: true,
  klCoef: 0.01,
};

const liveWorkers = (): number => (process.report.getReport() as { workers: unknown[] }).workers.length;

async function startReplica(extra: { resourceLimits?: { maxOldGenerationSizeMb: number } } = {}): Promise<PolicyReplica> {
  const replica = await PolicyReplica.start(ENTRY, {
    backend: 'wasm',
    config,
    weights: { version: 0, weights: policy.readWeights() },
    refConfig: config,
    refWeights: reference.readWeights(),
    cache,
    stage: 'GRPO',
    ...extra,
  });
  replicas.push(replica);
  return replica;
}

beforeAll(async () => {
  if (!existsSync(fileURLToPath(ENTRY))) throw new Error(`${fileURLToPath(ENTRY)} is missing: run "pnpm build" in packages/trainer first`);
  await loadBackend({ prefer: 'wasm', log: false });
  // The image bytes on shared memory, as `buildImageCache` allocates them.
  const shared = new Uint8Array(new SharedArrayBuffer(prompts.cache.data.length));
  shared.set(prompts.cache.data);
  cache = { ...prompts.cache, data: shared };
  reference = PolicyModel.create(config, { seed: 3 });
  const w = reference.readWeights();
  // Larger logits, so samples vary; the policy moves a little away from the reference.
  w.set('head.w', w.get('head.w')!.map((v) => v * 60));
  reference.writeWeights(w);
  const rng = new CounterRng(2);
  policy = PolicyModel.fromWeights(config, new Map([...w].map(([name, v]) => [name, v.map((x) => x + 0.01 * rng.normal())])));
});

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.close()));
  policy.dispose();
  reference.dispose();
});

describe('PolicyReplica', () => {
  it('samples a subset of groups exactly as the whole batch does on the main thread', async () => {
    const replica = await startReplica();
    const whole = collectRollouts(policy, config, examples, cache, rolloutSettings);
    const ids = [1, 4, 6];
    const part = await replicaRollouts(replica, ids.map((k) => examples[k]), { ...rolloutSettings, groupIds: ids }, { version: 0, weights: policy.readWeights() });
    expect(part.map((r) => [r.group, r.sample])).toEqual(ids.flatMap((k) => [0, 1, 2].map((j) => [k, j])));
    for (const r of part) {
      const w = whole[r.group * 3 + r.sample];
      expect(r.tokens).toEqual(w.tokens);
      expect(r.text).toBe(w.text);
      expect(r.reward).toEqual(w.reward);
      expect(r.example).toBe(examples[r.group]);
      r.logProbs.forEach((v, t) => expect(Math.abs(v - w.logProbs[t])).toBeLessThan(1e-5));
    }
    expect(new Set(part.map((r) => r.text)).size).toBeGreaterThan(3);
  });

  it('splits rollouts, reference log-probs and gradients with the main thread and matches one thread', async () => {
    const replica = await startReplica();
    let version = 0;
    const weights = policy.readWeights();
    const local = localCompute({ policy, reference, config, cache });
    const split = splitCompute({ policy, reference, config, cache }, replica, () => ({ version, weights }));
    expect(split.threads).toBe(2);
    const one = await local.rollouts(examples, rolloutSettings);
    const two = await split.rollouts(examples, rolloutSettings);
    expect(two.map((r) => [r.group, r.sample, r.tokens, r.reward])).toEqual(one.map((r) => [r.group, r.sample, r.tokens, r.reward]));
    const refOne = await local.refLogProbs(one);
    const refTwo = await split.refLogProbs(one);
    refOne.forEach((row, i) => row.forEach((v, t) => expect(Math.abs(v - refTwo[i][t])).toBeLessThan(1e-6)));
    const rng = new CounterRng(5);
    const rows: UpdateRow[] = one.map((rollout, i) => ({ rollout, advantages: rollout.tokens.map(() => rng.normal()), refLogProbs: refOne[i] }));
    const check = async (): Promise<void> => {
      const a = await local.gradients(rows, loss);
      const b = await split.gradients(rows, loss);
      let scale = 0;
      let diff = 0;
      for (const [name, g] of a.grads) {
        const h = b.grads.get(name)!;
        for (let i = 0; i < g.length; i++) {
          scale = Math.max(scale, Math.abs(g[i]));
          diff = Math.max(diff, Math.abs(g[i] - h[i]));
        }
      }
      expect(scale).toBeGreaterThan(0);
      expect(diff / scale).toBeLessThan(1e-5);
      expect(b.metrics.loss).toBeCloseTo(a.metrics.loss, 6);
      expect(b.metrics.klLoss).toBeCloseTo(a.metrics.klLoss, 6);
      expect(b.metrics.klLoss).toBeGreaterThan(0);
      expect(b.metrics.tokens).toBe(a.metrics.tokens);
    };
    await check();
    // New weights reach the replica with the next request once their version changes.
    for (const [name, v] of weights) weights.set(name, v.map((x, i) => x + (i % 7 === 0 ? 0.02 : 0)));
    policy.writeWeights(weights);
    version++;
    await check();
  });

  it('reports an error of the worker with its code, and stays usable', async () => {
    const replica = await startReplica();
    const [r] = collectRollouts(policy, config, examples.slice(0, 1), cache, rolloutSettings);
    const lost: Rollout = { ...r, example: { ...r.example, record: { ...r.example.record, images: ['images/not-there.png'] } } };
    const err = await replicaRefLogProbs(replica, [lost]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplicaError);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ReplicaError).code).toBe('image-missing');
    expect((err as Error).message).toMatch(
      /^the GRPO policy replica \(worker thread\) failed while computing reference log-probabilities: DatasetError: images\/not-there\.png: image is not in the image cache$/,
    );
    expect(await replicaRefLogProbs(replica, [r])).toHaveLength(1);
  });

  it('rejects pending and later requests when the worker dies, and a start that fails', async () => {
    const replica = await startReplica();
    const pending = replicaRollouts(replica, examples, rolloutSettings, { version: 1, weights: policy.readWeights() });
    // Stands for the thread dying (out of memory, a native crash) in the middle of a request.
    await (replica as unknown as { handle: { worker: Worker } }).handle.worker.terminate();
    await expect(pending).rejects.toThrow(/^the GRPO policy replica \(worker thread\) failed: the thread exited with code 1$/);
    await expect(pending).rejects.toMatchObject({ code: 'worker-failed' });
    await expect(replicaRefLogProbs(replica, [])).rejects.toBeInstanceOf(ReplicaError);
    const err = await startReplica({ resourceLimits: { maxOldGenerationSizeMb: 2 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplicaError);
    expect((err as ReplicaError).code).toBe('worker-failed');
    expect((err as Error).message).toMatch(/^the GRPO policy replica \(worker thread\) failed to start: .*(memory|exited)/i);
  });

  it('refuses a job its worker entry does not register, and stays usable', async () => {
    const replica = await startReplica();
    const stray: ReplicaJob<null, null> = { name: 'not-registered', what: 'running a stray job', run: () => ({ result: null }) };
    await expect(replica.run(stray, null)).rejects.toThrow(
      /^the GRPO policy replica \(worker thread\) failed while running a stray job: ModelError: this replica has no job named not-registered \(it has sft-gradients, grpo-rollouts, grpo-ref-log-probs, grpo-gradients\)$/,
    );
    const [r] = collectRollouts(policy, config, examples.slice(0, 1), cache, rolloutSettings);
    expect(await replicaRefLogProbs(replica, [r])).toHaveLength(1);
  });

  it('leaves no worker thread behind once closed', async () => {
    await Promise.all(replicas.map((r) => r.close()));
    expect(liveWorkers()).toBe(0);
  });
});

describe('buildImageCache', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'ssrl-replica-cache-'));
    await writeToyDataset(path.join(root, 'data'), { perTask: 4 });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('keeps the image bytes on shared memory, decoded or read back from its file', async () => {
    const ds = await readDataset(path.join(root, 'data'));
    const file = path.join(root, 'cache.bin');
    const fresh = await buildImageCache(ds, 8, { file });
    const again = await buildImageCache(ds, 8, { file });
    expect(fresh.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(again.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Buffer.from(again.data).equals(Buffer.from(fresh.data))).toBe(true);
  });
});

describe('splitGroups', () => {
  it('balances costs deterministically whatever the order of the groups', () => {
    const groups = [3, 1, 2, 1, 2, 1, 1, 2].map((images, group) => ({ group, cost: images * 5 }));
    const [a, b] = splitGroups(groups);
    expect([a, b]).toEqual(splitGroups([...groups].reverse()));
    expect([...a, ...b].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const load = (ids: number[]): number => ids.reduce((s, g) => s + groups[g].cost, 0);
    expect(Math.abs(load(a) - load(b))).toBeLessThanOrEqual(5);
    expect(splitGroups([{ group: 4, cost: 10 }])).toEqual([[4], []]);
  });
});
