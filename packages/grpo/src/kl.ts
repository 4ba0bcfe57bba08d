import { GrpoInputError } from './errors.js';
import { MASK_EPS, rowMeanUnchecked } from './masked.js';
import { checkChoice, checkMask, checkMatrix, checkMatrixShape, checkNumber } from './validate.js';

/**
 * Per-token KL estimators of KL(π ‖ π_ref) from sampled-token log-probabilities (Schulman 2020,
 * "Approximating KL divergence"): `kl` = k1, `abs`, `mse` = k2, `low_var_kl` = k3.
 */
export type KlKind = 'kl' | 'abs' | 'mse' | 'low_var_kl';

/** Allowed values of {@link KlKind}. */
export const KL_KINDS: readonly KlKind[] = ['kl', 'abs', 'mse', 'low_var_kl'];

/** Bound on `ref − lp` before `exp` in `low_var_kl`. */
export const LOW_VAR_KL_LOG_CLAMP = 20;

/** Bound on the `low_var_kl` value itself. */
export const LOW_VAR_KL_VALUE_CLAMP = 10;

/** Inputs of {@link klPenalty}. */
export interface KlPenaltyInput {
  /** B×L log-probabilities under the current (or old) policy. */
  logProbs: number[][];
  /** B×L log-probabilities of the same tokens under the reference policy. */
  refLogProbs: number[][];
  /** Estimator. */
  kind: KlKind;
}

/** Inputs of {@link fullKl}. */
export interface FullKlInput {
  /** B×L×V log-probabilities over the whole vocabulary (log-softmax outputs). */
  logProbs: number[][][];
  /** B×L×V reference log-probabilities. */
  refLogProbs: number[][][];
}

/** Inputs of {@link applyKlPenaltyToRewards}. */
export interface KlRewardInput {
  /** B×L task scores (the reward before the KL term). */
  tokenLevelScores: number[][];
  /** B×L log-probabilities under the rollout policy. */
  oldLogProbs: number[][];
  /** B×L log-probabilities under the reference policy. */
  refLogProbs: number[][];
  /** B×L, 1 on response tokens. */
  responseMask: number[][];
  /** β ≥ 0, usually the controller's `value`. */
  klCoef: number;
  /** Estimator. */
  kind: KlKind;
}

/** Output of {@link applyKlPenaltyToRewards}. */
export interface KlRewardResult {
  /** B×L `scores − β·kl·m`. */
  tokenLevelRewards: number[][];
  /** B×L masked per-token KL `kl(old, ref)·m`. */
  kl: number[][];
  /** Mean over rows of each row's masked mean KL: the value to feed a controller's `update`. */
  currentKl: number;
}

function klValue(lp: number, ref: number, kind: KlKind): number {
  switch (kind) {
    case 'kl':
      return lp - ref;
    case 'abs':
      return Math.abs(lp - ref);
    case 'mse':
      return 0.5 * (lp - ref) * (lp - ref);
    case 'low_var_kl': {
      const d = Math.min(Math.max(ref - lp, -LOW_VAR_KL_LOG_CLAMP), LOW_VAR_KL_LOG_CLAMP);
      const k = Math.exp(d) - d - 1;
      return Math.min(Math.max(k, -LOW_VAR_KL_VALUE_CLAMP), LOW_VAR_KL_VALUE_CLAMP);
    }
  }
}

function klUnchecked(logProbs: number[][], refLogProbs: number[][], kind: KlKind): number[][] {
  return logProbs.map((row, i) => row.map((lp, t) => klValue(lp, refLogProbs[i][t], kind)));
}

/**
 * Per-token KL estimate, as EasyR1 `compute_kl`: `kl` = lp − ref; `abs` = |lp − ref|;
 * `mse` = ½(lp − ref)²; `low_var_kl` = clamp(e^d − d − 1, −10, 10) with d = clamp(ref − lp, −20, 20).
 * @returns B×L, unmasked.
 */
export function klPenalty(input: KlPenaltyInput): number[][] {
  const shape = checkMatrix('logProbs', input.logProbs);
  checkMatrixShape('refLogProbs', input.refLogProbs, shape, 'logProbs');
  const kind = checkChoice('kind', input.kind, KL_KINDS);
  return klUnchecked(input.logProbs, input.refLogProbs, kind);
}

function checkTensor3(name: string, value: unknown, like?: [number, number, number]): [number, number, number] {
  if (!Array.isArray(value)) throw new GrpoInputError('NOT_AN_ARRAY', name, 'expected number[][][]');
  if (value.length === 0) throw new GrpoInputError('EMPTY', name, 'has no rows');
  let dims: [number, number, number] | undefined;
  for (let i = 0; i < value.length; i++) {
    const shape = checkMatrix(`${name}[${i}]`, value[i]);
    if (!dims) dims = [value.length, shape.rows, shape.cols];
    else if (shape.rows !== dims[1] || shape.cols !== dims[2]) {
      const message = `row ${i} is ${shape.rows}×${shape.cols}, row 0 is ${dims[1]}×${dims[2]}`;
      throw new GrpoInputError('RAGGED', name, message);
    }
  }
  const got = dims as [number, number, number];
  if (like && (got[0] !== like[0] || got[1] !== like[1] || got[2] !== like[2])) {
    const message = `shape ${got.join('×')} does not match logProbs ${like.join('×')}`;
    throw new GrpoInputError('SHAPE_MISMATCH', name, message);
  }
  return got;
}

/**
 * Exact KL over the vocabulary per token, `Σ_v e^{lp_v}·(lp_v − ref_v)`, as EasyR1 `compute_kl`
 * with `full` (`F.kl_div(ref, lp, log_target=True).sum(-1)`).
 * @returns B×L.
 */
export function fullKl(input: FullKlInput): number[][] {
  const dims = checkTensor3('logProbs', input.logProbs);
  checkTensor3('refLogProbs', input.refLogProbs, dims);
  return input.logProbs.map((row, i) =>
    row.map((vocab, t) => {
      const ref = input.refLogProbs[i][t];
      let s = 0;
      for (let v = 0; v < vocab.length; v++) s += Math.exp(vocab[v]) * (vocab[v] - ref[v]);
      return s;
    }),
  );
}

/**
 * KL in the reward instead of the loss: `r = scores − β·kl(old, ref)·m`, as EasyR1
 * `apply_kl_penalty`; also returns the batch KL for the controller update (`nSteps` = B).
 */
export function applyKlPenaltyToRewards(input: KlRewardInput): KlRewardResult {
  const shape = checkMatrix('tokenLevelScores', input.tokenLevelScores);
  checkMatrixShape('oldLogProbs', input.oldLogProbs, shape, 'tokenLevelScores');
  checkMatrixShape('refLogProbs', input.refLogProbs, shape, 'tokenLevelScores');
  checkMask('responseMask', input.responseMask, shape, 'tokenLevelScores');
  const klCoef = checkNumber('klCoef', input.klCoef, { min: 0 });
  const kind = checkChoice('kind', input.kind, KL_KINDS);
  const mask = input.responseMask;
  const kl = klUnchecked(input.oldLogProbs, input.refLogProbs, kind).map((row, i) =>
    row.map((k, t) => (mask[i][t] === 0 ? 0 : k)),
  );
  const tokenLevelRewards = input.tokenLevelScores.map((row, i) => row.map((s, t) => s - klCoef * kl[i][t]));
  const rows = rowMeanUnchecked(kl, mask, MASK_EPS);
  let sum = 0;
  for (const r of rows) sum += r;
  return { tokenLevelRewards, kl, currentKl: sum / rows.length };
}
