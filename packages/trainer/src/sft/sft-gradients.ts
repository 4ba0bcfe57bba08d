import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig, PolicyModel } from '@spatial-ssrl/model';
import { feedsFor, type TrainExample } from './batching.js';
import type { ImageCache } from './dataset.js';

/** The gradient of an SFT batch (or of a part of it) by parameter name, and its loss. */
export interface SftGradients {
  /** Mean cross-entropy, nats per target token (a part's share when `tokenCount` was given). */
  readonly loss: number;
  readonly grads: Map<string, Float32Array>;
}

/** Options of `sftGradients`. */
export interface SftGradientOptions {
  /** Key of the dropout masks; without it dropout is off. */
  readonly dropoutKey?: number;
  /** Target tokens of the whole batch when `examples` are only a part of it; default their own. */
  readonly tokenCount?: number;
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
