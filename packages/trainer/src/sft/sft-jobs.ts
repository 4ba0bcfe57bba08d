import { movableGradients, type ReplicaJob } from '../replica/job.js';
import type { PolicyReplica, VersionedWeights } from '../replica/replica.js';
import type { TrainExample } from './batching.js';
import { sftGradients, type SftGradientOptions, type SftGradients } from './sft-gradients.js';

/** `sftGradients` of a part of an SFT batch, in the replica. */
const sftGradientsJob: ReplicaJob<{ examples: readonly TrainExample[]; options: SftGradientOptions }, { grads: [string, Float32Array][]; loss: number }> = {
  name: 'sft-gradients',
  what: 'computing gradients',
  run: (ctx, p) => {
    const { grads, loss } = sftGradients(ctx.policy, ctx.config, p.examples, ctx.cache, p.options);
    const entries = movableGradients(grads);
    return { result: { grads: entries, loss }, transfer: entries.map(([, g]) => g.buffer as ArrayBuffer) };
  },
};

/** The SFT jobs, for the replica's worker entry to register. */
export const SFT_REPLICA_JOBS = [sftGradientsJob] as const;

/** `sftGradients` of `examples`, a part of an SFT batch (give `options.tokenCount`), in `replica` with the model at `weights`. */
export async function replicaSftGradients(
  replica: PolicyReplica,
  examples: readonly TrainExample[],
  options: SftGradientOptions,
  weights: VersionedWeights,
): Promise<SftGradients> {
  const { grads, loss } = await replica.run(sftGradientsJob, { examples, options }, weights);
  return { grads: new Map(grads), loss };
}
