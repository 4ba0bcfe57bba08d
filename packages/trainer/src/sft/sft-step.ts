import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig, PolicyModel } from '@spatial-ssrl/model';
import { hashKey } from '@spatial-ssrl/model/training';
import type { PolicyReplica, VersionedWeights } from '../grpo/replica.js';
import { addGradients } from '../grpo/thread-split.js';
import { feedsFor, type TrainExample } from './batching.js';
import type { ImageCache } from './dataset.js';
import type { SftGradientOptions, SftGradients } from './sft-gradients.js';

/** Target tokens (EOS included) of a batch: what its mean loss divides by. */
export function targetTokenCount(examples: readonly TrainExample[]): number {
  return examples.reduce((n, e) => n + e.target.length, 0);
}

/**
 * The gradient of the teacher-forced cross-entropy of `examples`: their summed token NLLs
 * divided by `tokenCount` (default: their own target tokens, the batch mean). The gradients of
 * disjoint parts of a batch, each given the whole batch's `tokenCount`, add up to the batch's.
 */
export function sftGradients(
  model: PolicyModel,
  config: ModelConfig,
  examples: readonly TrainExample[],
  cache: ImageCache,
  options: SftGradientOptions = {},
): SftGradients {
  const names = new Map(model.variables.map((v, i) => [v.name, model.specs[i].name]));
  const feeds = feedsFor(config, examples, cache, { transposed: true });
  const { value, grads } = tf.variableGrads(
    () => model.loss(feeds.encoder, feeds.tokens, { training: true, dropoutKey: options.dropoutKey, tokenCount: options.tokenCount }),
    model.variables,
  );
  const loss = value.dataSync()[0];
  const out = new Map<string, Float32Array>();
  for (const [varName, g] of Object.entries(grads)) out.set(names.get(varName)!, g.dataSync() as Float32Array);
  value.dispose();
  tf.dispose(grads);
  return { loss, grads: out };
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
      const remote = theirs.length > 0 ? replica.sftGradients(theirs, { dropoutKey: hashKey(dropoutKey, 1), tokenCount }, weights()) : undefined;
      // A failure on this thread must not leave the replica's promise rejecting unobserved.
      remote?.catch(() => {});
      const mine = sftGradients(model, config, examples.slice(0, k), cache, { dropoutKey, tokenCount });
      if (!remote) return mine;
      const other = await remote;
      return { loss: mine.loss + other.loss, grads: addGradients(mine.grads, other.grads) };
    },
  };
}
