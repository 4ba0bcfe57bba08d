import * as tf from '@tensorflow/tfjs-core';
import { KL_KINDS, LOW_VAR_KL_LOG_CLAMP, LOW_VAR_KL_VALUE_CLAMP, type KlKind } from '../kl.js';
import { checkChoice } from '../validate.js';
import { checkTensor, checkTensorShape } from './tensor-checks.js';

/** Inputs of {@link klPenaltyTf}. */
export interface KlPenaltyTfInput {
  /** B×L log-probabilities under the policy being optimised (gradients flow here). */
  logProbs: tf.Tensor2D;
  /** B×L reference log-probabilities. */
  refLogProbs: tf.Tensor2D;
  /** Estimator. */
  kind: KlKind;
}

/** Inputs of {@link fullKlTf}. */
export interface FullKlTfInput {
  /** B×L×V log-probabilities over the vocabulary. */
  logProbs: tf.Tensor3D;
  /** B×L×V reference log-probabilities. */
  refLogProbs: tf.Tensor3D;
}

/**
 * Differentiable per-token KL estimate, same formulas as `klPenalty` (EasyR1 `compute_kl`):
 * `kl` = lp − ref, `abs`, `mse` = ½(lp − ref)², `low_var_kl` = clamp(e^d − d − 1, −10, 10),
 * d = clamp(ref − lp, −20, 20); clamps pass no gradient outside their range, as in PyTorch.
 * @returns B×L float32, unmasked.
 */
export function klPenaltyTf(input: KlPenaltyTfInput): tf.Tensor2D {
  const shape = checkTensor('logProbs', input.logProbs, 2);
  checkTensorShape('refLogProbs', input.refLogProbs, shape, 'logProbs');
  const kind = checkChoice('kind', input.kind, KL_KINDS);
  return tf.tidy(() => {
    const lp = tf.cast(input.logProbs, 'float32');
    const ref = tf.cast(input.refLogProbs, 'float32');
    switch (kind) {
      case 'kl':
        return tf.sub(lp, ref);
      case 'abs':
        return tf.abs(tf.sub(lp, ref));
      case 'mse':
        return tf.mul(0.5, tf.square(tf.sub(lp, ref)));
      case 'low_var_kl': {
        const d = tf.clipByValue(tf.sub(ref, lp), -LOW_VAR_KL_LOG_CLAMP, LOW_VAR_KL_LOG_CLAMP);
        const k = tf.sub(tf.sub(tf.exp(d), d), 1);
        return tf.clipByValue(k, -LOW_VAR_KL_VALUE_CLAMP, LOW_VAR_KL_VALUE_CLAMP);
      }
    }
  }) as tf.Tensor2D;
}

/**
 * Differentiable exact KL over the vocabulary per token, `Σ_v e^{lp_v}·(lp_v − ref_v)`
 * (EasyR1 `compute_kl` with `full`).
 * @returns B×L float32.
 */
export function fullKlTf(input: FullKlTfInput): tf.Tensor2D {
  const shape = checkTensor('logProbs', input.logProbs, 3);
  checkTensorShape('refLogProbs', input.refLogProbs, shape, 'logProbs');
  return tf.tidy(() => {
    const lp = tf.cast(input.logProbs, 'float32');
    const ref = tf.cast(input.refLogProbs, 'float32');
    return tf.sum(tf.mul(tf.exp(lp), tf.sub(lp, ref)), -1);
  }) as tf.Tensor2D;
}
