import { BenchError } from './errors.js';

/** A point estimate with a two-sided confidence interval (proportions and differences as fractions, not percent). */
export interface Interval {
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
}

/** Outcomes of two runs on the same items: counts of the four right/wrong combinations. */
export interface PairedCounts {
  /** Items both runs got right. */
  readonly bothRight: number;
  /** Items only the first run got right. */
  readonly onlyFirst: number;
  /** Items only the second run got right. */
  readonly onlySecond: number;
  /** Items both runs got wrong. */
  readonly bothWrong: number;
}

function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new BenchError('BAD_ARGUMENT', `${name} must be a whole number ≥ 0, got ${value}`);
}

function checkProportion(successes: number, n: number, label = ''): void {
  checkCount(`${label}successes`, successes);
  checkCount(`${label}n`, n);
  if (n === 0) throw new BenchError('BAD_ARGUMENT', `${label}n must be at least 1: a proportion of no items has no interval`);
  if (successes > n) throw new BenchError('BAD_ARGUMENT', `${label}successes (${successes}) exceed n (${n})`);
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

// Φ(z) for |z| ≤ 10 from the all-positive series 0.5 + φ(z)·Σ z^(2k+1)/(1·3·…·(2k+1)) (Marsaglia 2004), accurate to ~1e-15.
function normalCdf(z: number): number {
  let term = z;
  let sum = z;
  for (let k = 1; k < 500 && Math.abs(term) > 1e-17 * Math.abs(sum); k++) {
    term *= (z * z) / (2 * k + 1);
    sum += term;
  }
  return 0.5 + sum * INV_SQRT_2PI * Math.exp(-0.5 * z * z);
}

/**
 * The standard normal quantile Φ⁻¹(p) for p in [1e-9, 1 − 1e-9], by Newton's method on an
 * accurate Φ (e.g. `normalQuantile(0.975)` = 1.959963984540054).
 */
export function normalQuantile(p: number): number {
  if (!(p >= 1e-9 && p <= 1 - 1e-9)) throw new BenchError('BAD_ARGUMENT', `normalQuantile needs p in [1e-9, 1 - 1e-9], got ${p}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -normalQuantile(1 - p);
  // A tail-based first guess a little below the root, then Newton steps on the convex side.
  let z = Math.sqrt(-2 * Math.log(1 - p)) * 0.9;
  for (let i = 0; i < 100; i++) {
    const step = (normalCdf(z) - p) / (INV_SQRT_2PI * Math.exp(-0.5 * z * z));
    z -= step;
    if (Math.abs(step) < 1e-15 * Math.max(1, z)) break;
  }
  return z;
}

function zFor(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) throw new BenchError('BAD_ARGUMENT', `confidence must be in (0, 1), got ${confidence}`);
  return normalQuantile(1 - (1 - confidence) / 2);
}

function wilsonWithZ(successes: number, n: number, z: number): Interval {
  const p = successes / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const denom = 1 + z2 / n;
  // Clamp the rounding noise at the boundaries: 0/n has lower limit exactly 0, n/n upper exactly 1.
  const lower = successes === 0 ? 0 : Math.max(0, (centre - half) / denom);
  const upper = successes === n ? 1 : Math.min(1, (centre + half) / denom);
  return { estimate: p, lower, upper };
}

/**
 * Wilson score interval for a binomial proportion `successes / n` (no continuity correction;
 * Newcombe 1998, method 3), e.g. 81/263 at 95 % → [0.2553, 0.3662]. `confidence` in (0, 1),
 * default 0.95.
 */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): Interval {
  checkProportion(successes, n);
  return wilsonWithZ(successes, n, zFor(confidence));
}

/**
 * Newcombe's hybrid score interval for the difference p₁ − p₂ of two independent proportions
 * (Newcombe 1998, method 10: Wilson limits of each proportion combined in quadrature), e.g.
 * 56/70 − 48/80 at 95 % → [0.0524, 0.3339]. Limits lie in [−1, 1].
 */
export function newcombeDifference(successes1: number, n1: number, successes2: number, n2: number, confidence = 0.95): Interval {
  checkProportion(successes1, n1, 'first ');
  checkProportion(successes2, n2, 'second ');
  const z = zFor(confidence);
  const a = wilsonWithZ(successes1, n1, z);
  const b = wilsonWithZ(successes2, n2, z);
  const d = a.estimate - b.estimate;
  const lower = d - Math.sqrt((a.estimate - a.lower) ** 2 + (b.upper - b.estimate) ** 2);
  const upper = d + Math.sqrt((a.upper - a.estimate) ** 2 + (b.estimate - b.lower) ** 2);
  return { estimate: d, lower: Math.max(-1, lower), upper: Math.min(1, upper) };
}

/**
 * Newcombe's score interval for the difference of two proportions measured on the same items
 * (paired data; Newcombe 1998, "Improved confidence intervals for the difference between
 * binomial proportions based on paired data", method 10): the Wilson limits of both margins
 * combined with the phi correlation of the 2×2 table. Estimate = (onlyFirst − onlySecond) / n,
 * e.g. (36, 12, 2, 0) at 95 % → [0.0569, 0.3404].
 */
export function newcombePairedDifference(counts: PairedCounts, confidence = 0.95): Interval {
  const { bothRight: e, onlyFirst: f, onlySecond: g, bothWrong: h } = counts;
  for (const [name, v] of Object.entries(counts)) checkCount(name, v);
  const n = e + f + g + h;
  if (n === 0) throw new BenchError('BAD_ARGUMENT', 'paired counts are all zero: no items to compare');
  const z = zFor(confidence);
  const first = wilsonWithZ(e + f, n, z);
  const second = wilsonWithZ(e + g, n, z);
  const product = (e + f) * (g + h) * (e + g) * (f + h);
  let phi = 0;
  if (product > 0) {
    // Newcombe reduces a positive association by n/2 (never below 0) before dividing.
    const num = e * h > f * g ? Math.max(e * h - f * g - n / 2, 0) : e * h - f * g;
    phi = num / Math.sqrt(product);
  }
  const dl1 = first.estimate - first.lower;
  const du1 = first.upper - first.estimate;
  const dl2 = second.estimate - second.lower;
  const du2 = second.upper - second.estimate;
  const d = (f - g) / n;
  const lower = d - Math.sqrt(Math.max(0, dl1 * dl1 - 2 * phi * dl1 * du2 + du2 * du2));
  const upper = d + Math.sqrt(Math.max(0, du1 * du1 - 2 * phi * du1 * dl2 + dl2 * dl2));
  return { estimate: d, lower: Math.max(-1, lower), upper: Math.min(1, upper) };
}

/** Whether an interval for a difference lies above 0 (`higher`), below 0 (`lower`) or covers 0 (`unclear`). */
export function differenceVerdict(interval: Interval): 'higher' | 'lower' | 'unclear' {
  if (interval.lower > 0) return 'higher';
  if (interval.upper < 0) return 'lower';
  return 'unclear';
}

/** Tallies the right/wrong combinations of two runs scored item by item on the same items (true or 1 = right). */
export function pairedCounts(first: readonly (boolean | number)[], second: readonly (boolean | number)[]): PairedCounts {
  if (first.length !== second.length) {
    throw new BenchError('BAD_ARGUMENT', `paired outcomes need the same items: ${first.length} against ${second.length}`);
  }
  let bothRight = 0;
  let onlyFirst = 0;
  let onlySecond = 0;
  let bothWrong = 0;
  for (let i = 0; i < first.length; i++) {
    const a = first[i] === true || first[i] === 1;
    const b = second[i] === true || second[i] === 1;
    if (a && b) bothRight++;
    else if (a) onlyFirst++;
    else if (b) onlySecond++;
    else bothWrong++;
  }
  return { bothRight, onlyFirst, onlySecond, bothWrong };
}
