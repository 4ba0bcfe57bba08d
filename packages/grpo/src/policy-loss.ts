import { GrpoInputError } from './errors.js';
import { MASK_EPS, meanUnchecked, rowMeanUnchecked } from './masked.js';
import {
  checkChoice,
  checkFiniteResult,
  checkMask,
  checkMatrix,
  checkMatrixShape,
  checkNumber,
  type Shape,
} from './validate.js';

/**
 * How per-token losses become one number: `token` = masked mean over the whole batch;
 * `seq` = mean over rows of each row's masked mean (empty rows count as 0);
 * `constant` = masked sum / (B · normalizer), the Dr. GRPO constant normaliser.
 */
export type LossAvgMode = 'token' | 'seq' | 'constant';

/** Policy-loss variants: PPO dual-clip (`default`), GSPO-token and CISPO, as named by EasyR1. */
export type PolicyLossType = 'default' | 'gspo_token' | 'cispo';

/** Allowed values of {@link LossAvgMode}. */
export const LOSS_AVG_MODES: readonly LossAvgMode[] = ['token', 'seq', 'constant'];

/** Allowed values of {@link PolicyLossType}. */
export const POLICY_LOSS_TYPES: readonly PolicyLossType[] = ['default', 'gspo_token', 'cispo'];

/** Bound applied to the log-ratio before `exp`, as EasyR1 (keeps the ratio in [e^−20, e^20]). */
export const LOG_RATIO_CLAMP = 20;

/** Options of {@link averageLoss}. */
export interface AverageLossOptions {
  /** Tokens per row used by the `constant` mode, default the column count L; > 0. */
  normalizer?: number;
}

/** Inputs of {@link policyLoss}; all matrices are B×L. */
export interface PolicyLossInput {
  /** Log-probabilities of the sampled tokens under the behaviour (rollout) policy. */
  oldLogProbs: number[][];
  /** Log-probabilities of the same tokens under the policy being optimised. */
  logProbs: number[][];
  /** Per-token advantages (for outcome estimators, the row's advantage on every token). */
  advantages: number[][];
  /** 1 on response tokens, 0 on padding. */
  responseMask: number[][];
  /** εl in [0, 1): lower clip `1 − εl`, default 0.2. */
  clipRatioLow?: number;
  /** εh ≥ 0: upper clip `1 + εh`, default 0.3 (Spatial-SSRL; DAPO uses 0.28). */
  clipRatioHigh?: number;
  /** Dual-clip bound c > 1 for negative advantages, default 3; `Infinity` disables it. */
  clipRatioDual?: number;
  /** Loss variant, default `default`. */
  lossType?: PolicyLossType;
  /** Aggregation, default `token`. */
  lossAvgMode?: LossAvgMode;
  /** Tokens per row for the `constant` aggregation, default L. */
  lossNormalizer?: number;
}

/** Policy-loss diagnostics, each a masked mean over the batch (EasyR1 metric names in camelCase). */
export interface PolicyLossMetrics {
  /** Mean of `old − lp`: a k1 estimate of KL(old ‖ current); 0 with one PPO epoch. */
  ppoKl: number;
  /** `averageLoss(−lp) · Σm/(Σm + 1e-8)`: negative log-likelihood as an entropy proxy. */
  entropyLoss: number;
  /** Fraction of tokens where the ratio clip was active (`L1 < L2`); absent for `cispo`. */
  pgClipfracHigher?: number;
  /** Fraction of tokens where the dual clip was active (`H > L3` and A < 0); absent for `cispo`. */
  pgClipfracLower?: number;
}

/** Output of {@link policyLoss}. */
export interface PolicyLossResult {
  /** The aggregated loss to minimise. */
  pgLoss: number;
  /** B×L per-token loss before aggregation, 0 on padding. */
  perTokenLoss: number[][];
  /** Diagnostics. */
  metrics: PolicyLossMetrics;
}

function averageUnchecked(
  values: number[][],
  mask: number[][],
  mode: LossAvgMode,
  normalizer: number,
): number {
  if (mode === 'token') return meanUnchecked(values, mask, MASK_EPS);
  if (mode === 'seq') {
    const rows = rowMeanUnchecked(values, mask, MASK_EPS);
    let s = 0;
    for (const r of rows) s += r;
    return s / rows.length;
  }
  let s = 0;
  for (let i = 0; i < values.length; i++) {
    for (let t = 0; t < values[i].length; t++) s += values[i][t] * mask[i][t];
  }
  return s / (values.length * normalizer);
}

function resolveNormalizer(name: string, value: number | undefined, cols: number): number {
  if (value === undefined) return cols;
  return checkNumber(name, value, { min: 0, minExclusive: true });
}

/**
 * Aggregates a B×L loss matrix into one number, as EasyR1 `average_loss`:
 * `token` = `Σ v·m / (Σ m + 1e-8)`; `seq` = mean_i of `Σ_t v·m / (Σ_t m + 1e-8)`;
 * `constant` = `Σ v·m / (B · normalizer)` (Dr. GRPO).
 */
export function averageLoss(
  values: number[][],
  mask: number[][],
  mode: LossAvgMode = 'token',
  options: AverageLossOptions = {},
): number {
  const shape = checkMatrix('values', values);
  checkMask('mask', mask, shape, 'values');
  checkChoice('mode', mode, LOSS_AVG_MODES);
  const normalizer = resolveNormalizer('normalizer', options.normalizer, shape.cols);
  return averageUnchecked(values, mask, mode, normalizer);
}

/** Validated, defaulted settings shared by the array and tfjs policy losses. */
export interface PolicyLossSettings {
  clipRatioLow: number;
  clipRatioHigh: number;
  clipRatioDual: number;
  lossType: PolicyLossType;
  lossAvgMode: LossAvgMode;
  /** ln(1 − εl). */
  logClipLow: number;
  /** ln(1 + εh). */
  logClipHigh: number;
}

/** Validates the clip and mode options of a policy loss and fills in the defaults. */
export function resolvePolicyLossSettings(input: {
  clipRatioLow?: number;
  clipRatioHigh?: number;
  clipRatioDual?: number;
  lossType?: PolicyLossType;
  lossAvgMode?: LossAvgMode;
}): PolicyLossSettings {
  const clipRatioLow = checkNumber('clipRatioLow', input.clipRatioLow ?? 0.2, { min: 0 });
  if (clipRatioLow >= 1) {
    const message = `is ${clipRatioLow}, expected < 1 (the lower clip is 1 − clipRatioLow)`;
    throw new GrpoInputError('BAD_OPTION', 'clipRatioLow', message);
  }
  const clipRatioHigh = checkNumber('clipRatioHigh', input.clipRatioHigh ?? 0.3, { min: 0 });
  const clipRatioDual = checkNumber('clipRatioDual', input.clipRatioDual ?? 3, {
    min: 1,
    minExclusive: true,
    allowInfinity: true,
  });
  const lossType = checkChoice('lossType', input.lossType ?? 'default', POLICY_LOSS_TYPES);
  const lossAvgMode = checkChoice('lossAvgMode', input.lossAvgMode ?? 'token', LOSS_AVG_MODES);
  return {
    clipRatioLow,
    clipRatioHigh,
    clipRatioDual,
    lossType,
    lossAvgMode,
    logClipLow: Math.log(1 - clipRatioLow),
    logClipHigh: Math.log(1 + clipRatioHigh),
  };
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(Math.max(x, lo), hi);
}

function checkPolicyInputs(input: PolicyLossInput): Shape {
  const shape = checkMatrix('logProbs', input.logProbs);
  checkMatrixShape('oldLogProbs', input.oldLogProbs, shape, 'logProbs');
  checkMatrixShape('advantages', input.advantages, shape, 'logProbs');
  checkMask('responseMask', input.responseMask, shape, 'logProbs');
  return shape;
}

/**
 * Clipped policy-gradient loss and its metrics, matching EasyR1 `compute_policy_loss`.
 * With `x = lp − old` (for `gspo_token`, the row's masked mean of `lp − old` on every token),
 * `r = exp(clamp(x, −20, 20))`, `r̂ = exp(clamp(x, ln(1 − εl), ln(1 + εh)))`:
 * `default`/`gspo_token`: `H = max(−A·r, −A·r̂)`, loss `min(H, −A·c)` where A < 0, else `H`;
 * `cispo`: loss `−A·lp·r̂` (r̂ treated as a constant by the tfjs version). Aggregated with `lossAvgMode`.
 */
export function policyLoss(input: PolicyLossInput): PolicyLossResult {
  const shape = checkPolicyInputs(input);
  const s = resolvePolicyLossSettings(input);
  const normalizer = resolveNormalizer('lossNormalizer', input.lossNormalizer, shape.cols);
  const { oldLogProbs, logProbs, advantages, responseMask } = input;
  const seqLogRatio =
    s.lossType === 'gspo_token'
      ? rowMeanUnchecked(
          logProbs.map((row, i) => row.map((lp, t) => lp - oldLogProbs[i][t])),
          responseMask,
          MASK_EPS,
        )
      : undefined;
  const perTokenLoss: number[][] = [];
  // Per-row masked sums: loss, −lp, old − lp, clip indicators, token count.
  const rows = { loss: [] as number[], negLp: [] as number[], count: [] as number[] };
  let klSum = 0;
  let higherSum = 0;
  let lowerSum = 0;
  for (let i = 0; i < shape.rows; i++) {
    const lossRow = new Array<number>(shape.cols);
    let lossSum = 0;
    let negLpSum = 0;
    let count = 0;
    for (let t = 0; t < shape.cols; t++) {
      const m = responseMask[i][t];
      const lp = logProbs[i][t];
      const tokenLogRatio = lp - oldLogProbs[i][t];
      const x = seqLogRatio ? seqLogRatio[i] : tokenLogRatio;
      const a = advantages[i][t];
      const clipped = Math.exp(clamp(x, s.logClipLow, s.logClipHigh));
      let loss: number;
      if (s.lossType === 'cispo') {
        loss = -a * lp * clipped;
      } else {
        const l1 = -a * Math.exp(clamp(x, -LOG_RATIO_CLAMP, LOG_RATIO_CLAMP));
        const l2 = -a * clipped;
        const high = Math.max(l1, l2);
        if (l1 < l2) higherSum += m;
        if (a < 0) {
          const l3 = -a * s.clipRatioDual;
          loss = Math.min(high, l3);
          if (high > l3) lowerSum += m;
        } else {
          loss = high;
        }
      }
      lossRow[t] = m === 0 ? 0 : loss;
      lossSum += lossRow[t];
      negLpSum += -lp * m;
      klSum += -tokenLogRatio * m;
      count += m;
    }
    perTokenLoss.push(lossRow);
    rows.loss.push(lossSum);
    rows.negLp.push(negLpSum);
    rows.count.push(count);
  }
  const total = rows.count.reduce((a, b) => a + b, 0);
  const aggregate = (sums: number[]): number => {
    if (s.lossAvgMode === 'token') return sums.reduce((a, b) => a + b, 0) / (total + MASK_EPS);
    if (s.lossAvgMode === 'seq') return sums.reduce((a, v, i) => a + v / (rows.count[i] + MASK_EPS), 0) / shape.rows;
    return sums.reduce((a, b) => a + b, 0) / (shape.rows * normalizer);
  };
  const pgLoss = aggregate(rows.loss);
  checkFiniteResult('advantages', pgLoss, 'the policy loss');
  const metrics: PolicyLossMetrics = {
    ppoKl: klSum / (total + MASK_EPS),
    entropyLoss: (aggregate(rows.negLp) * total) / (total + MASK_EPS),
  };
  if (s.lossType !== 'cispo') {
    metrics.pgClipfracHigher = higherSum / (total + MASK_EPS);
    metrics.pgClipfracLower = lowerSum / (total + MASK_EPS);
  }
  return { pgLoss, perTokenLoss, metrics };
}
