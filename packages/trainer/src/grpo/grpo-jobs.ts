import { ModelError } from '@spatial-ssrl/model';
import type { TrainExample } from '../sft/batching.js';
import { movableGradients, type ReplicaJob } from '../replica/job.js';
import type { PolicyReplica, VersionedWeights } from '../replica/replica.js';
import { policyGradients, sequenceLogProbs, type LossSettings, type MiniBatchTotals, type UpdateMetrics, type UpdateRow } from './policy-update.js';
import { collectRollouts, type Rollout, type RolloutSettings } from './rollout.js';

/** A rollout as the replica returns it (the main thread already holds the prompt). */
type RolloutReply = Omit<Rollout, 'example'>;

/** Samples the rollouts of the given prompts with the replica's policy. */
const rolloutsJob: ReplicaJob<{ prompts: readonly TrainExample[]; settings: RolloutSettings }, RolloutReply[]> = {
  name: 'grpo-rollouts',
  what: 'sampling rollouts',
  run: (ctx, p) => ({ result: collectRollouts(ctx.policy, ctx.config, p.prompts, ctx.cache, p.settings).map(({ example: _, ...r }) => r) }),
};

/** Log-probabilities of rollouts under the replica's reference policy. */
export const refLogProbsJob: ReplicaJob<{ rollouts: readonly Rollout[] }, number[][]> = {
  name: 'grpo-ref-log-probs',
  what: 'computing reference log-probabilities',
  run: (ctx, p) => {
    if (!ctx.reference) throw new ModelError('bad-input', 'this replica was started without a reference policy');
    return { result: sequenceLogProbs(ctx.reference, ctx.config, p.rollouts, ctx.cache) };
  },
};

/** `policyGradients` of a part of a mini-batch, weighted by the whole mini-batch's totals. */
const policyGradientsJob: ReplicaJob<
  { rows: readonly UpdateRow[]; settings: LossSettings; totals: MiniBatchTotals },
  { grads: [string, Float32Array][]; metrics: UpdateMetrics }
> = {
  name: 'grpo-gradients',
  what: 'computing gradients',
  run: (ctx, p) => {
    const { grads, metrics } = policyGradients(ctx.policy, ctx.config, p.rows, ctx.cache, p.settings, { totals: p.totals });
    const entries = movableGradients(grads);
    return { result: { grads: entries, metrics }, transfer: entries.map(([, g]) => g.buffer as ArrayBuffer) };
  },
};

/** The GRPO jobs, for the replica's worker entry to register. */
export const GRPO_REPLICA_JOBS = [rolloutsJob, refLogProbsJob, policyGradientsJob] as const;

/** Samples the rollouts of `prompts` (give `settings.groupIds`) in `replica` with the policy at `weights`. */
export async function replicaRollouts(
  replica: PolicyReplica,
  prompts: readonly TrainExample[],
  settings: RolloutSettings,
  weights: VersionedWeights,
): Promise<Rollout[]> {
  const rollouts = await replica.run(rolloutsJob, { prompts, settings }, weights);
  const byGroup = new Map((settings.groupIds ?? prompts.map((_, k) => k)).map((g, k) => [g, prompts[k]]));
  return rollouts.map((r) => ({ ...r, example: byGroup.get(r.group)! }));
}

/** Log-probabilities of `rollouts` under the reference policy of `replica` (see `sequenceLogProbs`). */
export async function replicaRefLogProbs(replica: PolicyReplica, rollouts: readonly Rollout[]): Promise<number[][]> {
  return replica.run(refLogProbsJob, { rollouts });
}

/** `policyGradients` of `rows`, a part of a mini-batch of size `totals`, in `replica` with the policy at `weights`. */
export async function replicaPolicyGradients(
  replica: PolicyReplica,
  rows: readonly UpdateRow[],
  settings: LossSettings,
  totals: MiniBatchTotals,
  weights: VersionedWeights,
): Promise<{ grads: Map<string, Float32Array>; metrics: UpdateMetrics }> {
  const { grads, metrics } = await replica.run(policyGradientsJob, { rows, settings, totals }, weights);
  return { grads: new Map(grads), metrics };
}
