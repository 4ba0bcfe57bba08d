import * as tf from '@tensorflow/tfjs-core';
import { MASK_EPS } from '../masked.js';
import {
  LOG_RATIO_CLAMP,
  LOSS_AVG_MODES,
  resolvePolicyLossSettings,
  type AverageLossOptions,
  type LossAvgMode,
  type PolicyLossType,
} from '../policy-loss.js';
import { checkChoice, checkNumber } from '../validate.js';
import { stopGradient } from './stop-gradient.js';
import { checkTensor, checkTensorShape } from './tensor-checks.js';

/** Inputs of {@link policyLossTf}; all tensors are B×L. */
export interface PolicyLossTfInput {
  /** Behaviour-policy log-probabilities (treated as constants). */
  oldLogProbs: tf.Tensor2D;
  /** Current-policy log-probabilities; the loss is differentiable with respect to these. */
  logProbs: tf.Tensor2D;
  /** Per-token advantages (constants). */
  advantages: tf.Tensor2D;
  /** 1 on response tokens, 0 on padding. */
  responseMask: tf.Tensor2D;
  /** εl in [0, 1), default 0.2. */
  clipRatioLow?: number;
  /** εh ≥ 0, default 0.3. */
  clipRatioHigh?: number;
  /** Dual-clip bound c > 1, default 3; `Infinity` disables it. */
  clipRatioDual?: number;
  /** Loss variant, default `default`. */
  lossType?: PolicyLossType;
  /** Aggregation, default `token`. */
  lossAvgMode?: LossAvgMode;
  /** Tokens per row for the `constant` aggregation, default L. */
  lossNormalizer?: number;
}

// Type aliases (not interfaces) so that results satisfy tfjs `TensorContainer` inside `tf.tidy`.
/** Diagnostics as scalar tensors (see the array `PolicyLossMetrics` for definitions). */
export type PolicyLossTfMetrics = {
  ppoKl: tf.Scalar;
  entropyLoss: tf.Scalar;
  /** Absent for `cispo`. */
  pgClipfracHigher?: tf.Scalar;
  /** Absent for `cispo`. */
  pgClipfracLower?: tf.Scalar;
};

/** Output of {@link policyLossTf}; the caller owns (and disposes) every tensor. */
export type PolicyLossTfResult = {
  pgLoss: tf.Scalar;
  perTokenLoss: tf.Tensor2D;
  metrics: PolicyLossTfMetrics;
};

function aggregate(values: tf.Tensor, mask: tf.Tensor, mode: LossAvgMode, normalizer: number): tf.Scalar {
  const masked = tf.mul(values, mask);
  if (mode === 'token') return tf.div(tf.sum(masked), tf.add(tf.sum(mask), MASK_EPS));
  if (mode === 'seq') return tf.mean(tf.div(tf.sum(masked, 1), tf.add(tf.sum(mask, 1), MASK_EPS)));
  return tf.div(tf.sum(masked), values.shape[0] * normalizer);
}

function normalizerFor(name: string, value: number | undefined, cols: number): number {
  return value === undefined ? cols : checkNumber(name, value, { min: 0, minExclusive: true });
}

/**
 * Differentiable aggregation of a B×L loss tensor, same modes as `averageLoss`
 * (`token`, `seq`, `constant`).
 */
export function averageLossTf(
  values: tf.Tensor2D,
  mask: tf.Tensor2D,
  mode: LossAvgMode = 'token',
  options: AverageLossOptions = {},
): tf.Scalar {
  const shape = checkTensor('values', values, 2);
  checkTensorShape('mask', mask, shape, 'values');
  checkChoice('mode', mode, LOSS_AVG_MODES);
  const normalizer = normalizerFor('normalizer', options.normalizer, shape[1]);
  return tf.tidy(() => aggregate(tf.cast(values, 'float32'), tf.cast(mask, 'float32'), mode, normalizer));
}

/**
 * Differentiable clipped policy loss on tfjs tensors, the same formulas as the array `policyLoss`
 * (EasyR1 `compute_policy_loss`). Gradients follow PyTorch semantics: `gspo_token` uses
 * `stopgrad(seq mean) + lp − stopgrad(lp)` and `cispo` uses `−A·lp·stopgrad(r̂)`. Differentiating
 * needs tfjs's gradient registry, which `@tensorflow/tfjs` loads.
 */
export function policyLossTf(input: PolicyLossTfInput): PolicyLossTfResult {
  const shape = checkTensor('logProbs', input.logProbs, 2);
  checkTensorShape('oldLogProbs', input.oldLogProbs, shape, 'logProbs');
  checkTensorShape('advantages', input.advantages, shape, 'logProbs');
  checkTensorShape('responseMask', input.responseMask, shape, 'logProbs');
  const s = resolvePolicyLossSettings(input);
  const normalizer = normalizerFor('lossNormalizer', input.lossNormalizer, shape[1]);
  return tf.tidy(() => {
    const lp = tf.cast(input.logProbs, 'float32');
    const old = tf.cast(input.oldLogProbs, 'float32');
    const adv = tf.cast(input.advantages, 'float32');
    const mask = tf.cast(input.responseMask, 'float32');
    const logRatio = tf.sub(lp, old);
    let x: tf.Tensor = logRatio;
    if (s.lossType === 'gspo_token') {
      const seq = tf.div(tf.sum(tf.mul(logRatio, mask), 1, true), tf.add(tf.sum(mask, 1, true), MASK_EPS));
      // Value: the row's mean log-ratio on every token; gradient: 1 per token through lp.
      x = tf.add(stopGradient(seq), tf.sub(lp, stopGradient(lp)));
    }
    const ratio = tf.exp(tf.clipByValue(x, -LOG_RATIO_CLAMP, LOG_RATIO_CLAMP));
    const clipped = tf.exp(tf.clipByValue(x, s.logClipLow, s.logClipHigh));
    const negAdv = tf.neg(adv);
    const metrics: PolicyLossTfMetrics = {
      ppoKl: aggregate(tf.neg(logRatio), mask, 'token', 1),
      entropyLoss: tf.tidy(() => {
        const count = tf.sum(mask);
        return tf.div(tf.mul(aggregate(tf.neg(lp), mask, s.lossAvgMode, normalizer), count), tf.add(count, MASK_EPS));
      }),
    };
    let loss: tf.Tensor;
    if (s.lossType === 'cispo') {
      loss = tf.mul(tf.mul(negAdv, lp), stopGradient(clipped));
    } else {
      const l1 = tf.mul(negAdv, ratio);
      const l2 = tf.mul(negAdv, clipped);
      const high = tf.maximum(l1, l2);
      metrics.pgClipfracHigher = aggregate(tf.cast(tf.less(l1, l2), 'float32'), mask, 'token', 1);
      const negative = tf.less(adv, 0);
      if (Number.isFinite(s.clipRatioDual)) {
        const l3 = tf.mul(negAdv, s.clipRatioDual);
        loss = tf.where(negative, tf.minimum(high, l3), high);
        const dualActive = tf.logicalAnd(tf.greater(high, l3), negative);
        metrics.pgClipfracLower = aggregate(tf.cast(dualActive, 'float32'), mask, 'token', 1);
      } else {
        loss = high;
        metrics.pgClipfracLower = tf.scalar(0);
      }
    }
    const perTokenLoss = tf.mul(loss, mask) as tf.Tensor2D;
    const pgLoss = aggregate(loss, mask, s.lossAvgMode, normalizer);
    return { pgLoss, perTokenLoss, metrics };
  });
}
