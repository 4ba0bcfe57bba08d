import { checkMask, checkMatrix, checkNumber } from './validate.js';

/** Default epsilon of EasyR1 `masked_mean` / `masked_whiten` / `average_loss`. */
export const MASK_EPS = 1e-8;

/** `Σ v·m` without validation. */
function sumUnchecked(values: number[][], mask: number[][]): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const m = mask[i];
    for (let t = 0; t < v.length; t++) s += v[t] * m[t];
  }
  return s;
}

/** `Σ m` without validation. */
function countUnchecked(mask: number[][]): number {
  let n = 0;
  for (const row of mask) for (const m of row) n += m;
  return n;
}

/** Batch masked mean without validation. */
export function meanUnchecked(values: number[][], mask: number[][], eps: number): number {
  return sumUnchecked(values, mask) / (countUnchecked(mask) + eps);
}

/** Per-row masked mean without validation. */
export function rowMeanUnchecked(values: number[][], mask: number[][], eps: number): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const m = mask[i];
    let s = 0;
    let n = 0;
    for (let t = 0; t < v.length; t++) {
      s += v[t] * m[t];
      n += m[t];
    }
    out[i] = s / (n + eps);
  }
  return out;
}

/** Masked variance without validation. */
function varUnchecked(values: number[][], mask: number[][], unbiased: boolean): number {
  const mu = meanUnchecked(values, mask, MASK_EPS);
  const sq = values.map((row) => row.map((v) => (v - mu) * (v - mu)));
  const variance = meanUnchecked(sq, mask, MASK_EPS);
  if (!unbiased) return variance;
  const n = countUnchecked(mask);
  // EasyR1 falls back to the biased estimate rather than dividing by n − 1 ≤ 0.
  if (n <= 1) return variance;
  return variance * (n / (n - 1));
}

/** Masked whitening without validation. */
export function whitenUnchecked(values: number[][], mask: number[][], eps: number): number[][] {
  const mu = meanUnchecked(values, mask, MASK_EPS);
  const scale = 1 / Math.sqrt(varUnchecked(values, mask, true) + eps);
  return values.map((row) => row.map((v) => (v - mu) * scale));
}

function checkPair(values: unknown, mask: unknown): void {
  const shape = checkMatrix('values', values);
  checkMask('mask', mask, shape, 'values');
}

/**
 * Masked sum `Σ v·m` over every position of a B×L matrix.
 * @param values B×L numbers; `mask` is B×L of 0/1.
 */
export function maskedSum(values: number[][], mask: number[][]): number {
  checkPair(values, mask);
  return sumUnchecked(values, mask);
}

/**
 * Masked mean `Σ v·m / (Σ m + eps)` over the whole batch, as EasyR1 `VF.masked_mean` (dim=None);
 * an all-zero mask gives 0.
 * @param eps added to the count, default 1e-8.
 */
export function maskedMean(values: number[][], mask: number[][], eps: number = MASK_EPS): number {
  checkPair(values, mask);
  checkNumber('eps', eps, { min: 0 });
  return meanUnchecked(values, mask, eps);
}

/**
 * Per-row masked mean `Σ_t v·m / (Σ_t m + eps)`, as EasyR1 `VF.masked_mean(…, dim=-1)`;
 * a fully masked row gives 0.
 * @returns B numbers.
 */
export function maskedRowMean(values: number[][], mask: number[][], eps: number = MASK_EPS): number[] {
  checkPair(values, mask);
  checkNumber('eps', eps, { min: 0 });
  return rowMeanUnchecked(values, mask, eps);
}

/**
 * Masked variance `masked_mean((v − μ)²) · n/(n − 1)` with `n = Σ m`, as EasyR1 `VF.masked_var`;
 * the Bessel factor is skipped when `unbiased` is false or `n ≤ 1`.
 */
export function maskedVar(values: number[][], mask: number[][], unbiased = true): number {
  checkPair(values, mask);
  return varUnchecked(values, mask, unbiased);
}

/**
 * Masked whitening `(v − μ) / √(var + eps)` with the masked mean and unbiased masked variance,
 * applied at every position (padding included), as EasyR1 `VF.masked_whiten`.
 * @returns a new B×L matrix.
 */
export function maskedWhiten(values: number[][], mask: number[][], eps: number = MASK_EPS): number[][] {
  checkPair(values, mask);
  checkNumber('eps', eps, { min: 0 });
  return whitenUnchecked(values, mask, eps);
}
