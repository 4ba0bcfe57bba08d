import type { ModelConfig, PolicyModel } from '@spatial-ssrl/model';
import { hashKey } from '@spatial-ssrl/model/training';
import { addGradients } from '../replica/job.js';
import type { PolicyReplica, VersionedWeights } from '../replica/replica.js';
import type { TrainExample } from './batching.js';
import type { ImageCache } from './dataset.js';
import { sftGradients, type SftGradients } from './sft-gradients.js';
import { replicaSftGradients } from './sft-jobs.js';

/** Target tokens (EOS included) of a batch: what its mean loss divides by. */
export function targetTokenCount(examples: readonly TrainExample[]): number {
  return examples.reduce((n, e) => n + e.target.length, 0);
}

/** How an SFT step computes its gradient: on the calling thread alone or shared with a replica. */
export interface SftStepCompute {
  /** Threads computing (1 or 2). */
  readonly threads: 1 | 2;
  /** The batch's gradient and mean loss; `dropoutKey` is the step's key. */
  gradients(examples: readonly TrainExample[], dropoutKey: number): Promise<SftGradients>;
}

/** Everything on the calling thread (the single-thread trajectory). */
export function localSftCompute(model: PolicyModel, config: ModelConfig, cache: ImageCache): SftStepCompute {
  return { threads: 1, gradients: async (examples, dropoutKey) => sftGradients(model, config, examples, cache, { dropoutKey }) };
}

/** Rows of a batch of `rows` computed by the calling thread: the first half, rounded up (the replica takes the rest). */
export function localShare(rows: number): number {
  return Math.ceil(rows / 2);
}

/**
 * Each batch split between the calling thread (its first `localShare` rows) and `replica` (the
 * rest), both computing at once; each part's loss is divided by the whole batch's target tokens,
 * and the parts are added in a fixed order (this thread's, then the replica's), so the sum is
 * the batch's gradient up to the order of float sums. The replica's rows draw their dropout
 * masks from a key derived from the step's. `weights()` gives the model's current weights.
 */
export function splitSftCompute(
  model: PolicyModel,
  config: ModelConfig,
  cache: ImageCache,
  replica: PolicyReplica,
  weights: () => VersionedWeights,
): SftStepCompute {
  return {
    threads: 2,
    async gradients(examples, dropoutKey) {
      const tokenCount = targetTokenCount(examples);
      const k = localShare(examples.length);
      const theirs = examples.slice(k);
      const remote = theirs.length > 0 ? replicaSftGradients(replica, theirs, { dropoutKey: hashKey(dropoutKey, 1), tokenCount }, weights()) : undefined;
      // A failure on this thread must not leave the replica's promise rejecting unobserved.
      remote?.catch(() => {});
      const mine = sftGradients(model, config, examples.slice(0, k), cache, { dropoutKey, tokenCount });
      if (!remote) return mine;
      const other = await remote;
      return { loss: mine.loss + other.loss, grads: addGradients(mine.grads, other.grads) };
    },
  };
}
