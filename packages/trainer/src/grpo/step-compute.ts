import type { ModelConfig, PolicyModel } from '@spatial-ssrl/model';
import type { TrainExample } from '../sft/batching.js';
import type { ImageCache } from '../sft/dataset.js';
import { miniBatchTotals, policyGradients, sequenceLogProbs, type LossSettings, type UpdateMetrics, type UpdateRow } from './policy-update.js';
import { addGradients } from '../replica/job.js';
import type { PolicyReplica, VersionedWeights } from '../replica/replica.js';
import { replicaPolicyGradients, replicaRefLogProbs, replicaRollouts } from './grpo-jobs.js';
import { collectRollouts, type Rollout, type RolloutSettings } from './rollout.js';
import { addMetrics, splitGroups, type GroupCost } from './thread-split.js';

/** Gradients by parameter name and the metrics of one mini-batch. */
interface GradientResult {
  readonly grads: Map<string, Float32Array>;
  readonly metrics: UpdateMetrics;
}

/** The compute-heavy parts of a GRPO step, run on the calling thread alone or shared with a replica. */
export interface StepCompute {
  /** Threads computing (1 or 2). */
  readonly threads: number;
  /** Rollouts of `prompts` (group k = prompt k), ordered by group then sample. */
  rollouts(prompts: readonly TrainExample[], settings: RolloutSettings): Promise<Rollout[]>;
  /** Reference log-probabilities of `rows`, in their order. */
  refLogProbs(rows: readonly Rollout[]): Promise<number[][]>;
  /** Gradients and metrics of a whole mini-batch. */
  gradients(rows: readonly UpdateRow[], settings: LossSettings): Promise<GradientResult>;
}

/** The models a step computes with, on the calling thread. */
export interface LocalModels {
  readonly policy: PolicyModel;
  readonly reference: PolicyModel;
  readonly config: ModelConfig;
  readonly cache: ImageCache;
}

/** Everything on the calling thread (the single-thread trajectory). */
export function localCompute(m: LocalModels): StepCompute {
  return {
    threads: 1,
    rollouts: async (prompts, settings) => collectRollouts(m.policy, m.config, prompts, m.cache, settings),
    refLogProbs: async (rows) => sequenceLogProbs(m.reference, m.config, rows, m.cache),
    gradients: async (rows, settings) => policyGradients(m.policy, m.config, rows, m.cache, settings),
  };
}

function groupCosts<T>(items: readonly T[], group: (x: T) => number, images: (x: T) => number): GroupCost[] {
  const costs = new Map<number, number>();
  for (const x of items) costs.set(group(x), (costs.get(group(x)) ?? 0) + images(x));
  return [...costs].map(([g, cost]) => ({ group: g, cost }));
}

// Starts the replica's share first so both threads compute at once; a failure of the local share
// must not leave the replica's promise rejecting unobserved.
async function together<A, B>(remote: Promise<B> | undefined, local: () => A): Promise<[A, B | undefined]> {
  remote?.catch(() => {});
  const mine = local();
  return [mine, remote === undefined ? undefined : await remote];
}

/**
 * Every step split between the calling thread and `replica` by whole groups (see `splitGroups`,
 * cost: prompt images × responses): each thread computes its groups, and the results are merged
 * in a fixed order (this thread's, then the replica's), so a run is deterministic. Gradient
 * shares are weighted by the whole mini-batch's totals, so their sum is the mini-batch's
 * gradient up to the order of float sums. `weights()` gives the policy's current weights.
 */
export function splitCompute(m: LocalModels, replica: PolicyReplica, weights: () => VersionedWeights): StepCompute {
  const imagesOf = (r: Rollout): number => r.example.record.images.length;
  return {
    threads: 2,
    async rollouts(prompts, settings) {
      const n = settings.groupSize;
      const [mine, theirs] = splitGroups(prompts.map((e, k) => ({ group: k, cost: e.record.images.length * n })));
      const pick = (ids: number[]): TrainExample[] => ids.map((k) => prompts[k]);
      const remote = theirs.length > 0 ? replicaRollouts(replica, pick(theirs), { ...settings, groupIds: theirs }, weights()) : undefined;
      const [a, b] = await together(remote, () => collectRollouts(m.policy, m.config, pick(mine), m.cache, { ...settings, groupIds: mine }));
      const out: Rollout[] = new Array(prompts.length * n);
      for (const r of [...a, ...(b ?? [])]) out[r.group * n + r.sample] = r;
      return out;
    },
    async refLogProbs(rows) {
      const [mine, theirs] = splitGroups(groupCosts(rows, (r) => r.group, imagesOf)).map((ids) => new Set(ids));
      const index = (set: Set<number>): number[] => rows.flatMap((r, i) => (set.has(r.group) ? [i] : []));
      const [mi, ti] = [index(mine), index(theirs)];
      const remote = ti.length > 0 ? replicaRefLogProbs(replica, ti.map((i) => rows[i])) : undefined;
      const [a, b] = await together(remote, () => (mi.length > 0 ? sequenceLogProbs(m.reference, m.config, mi.map((i) => rows[i]), m.cache) : []));
      const out: number[][] = new Array(rows.length);
      mi.forEach((i, k) => (out[i] = a[k]));
      ti.forEach((i, k) => (out[i] = b![k]));
      return out;
    },
    async gradients(rows, settings) {
      const totals = miniBatchTotals(rows);
      const [mine, theirs] = splitGroups(groupCosts(rows, (r) => r.rollout.group, (r) => imagesOf(r.rollout))).map((ids) => new Set(ids));
      const mr = rows.filter((r) => mine.has(r.rollout.group));
      const tr = rows.filter((r) => theirs.has(r.rollout.group));
      const remote = tr.length > 0 ? replicaPolicyGradients(replica, tr, settings, totals, weights()) : undefined;
      const [a, b] = await together(remote, () => policyGradients(m.policy, m.config, mr, m.cache, settings, { totals }));
      return b === undefined ? a : { grads: addGradients(a.grads, b.grads), metrics: addMetrics(a.metrics, b.metrics) };
    },
  };
}
