import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '../__fixtures__/expect-close.js';
import { GrpoInputError } from '../errors.js';
import { averageLoss, policyLoss, type LossAvgMode, type PolicyLossInput, type PolicyLossType } from '../policy-loss.js';
import { averageLossTf, policyLossTf } from './policy-loss-tf.js';
import { stopGradient } from './stop-gradient.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = mulberry32(7);
const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const f32 = (m: number[][]) => m.map((row) => row.map((v) => Math.fround(v)));

// Kinks of the loss in x = lp − old: the clip bounds, the ±20 clamp and the dual-clip point ln c.
const KINKS = [Math.log(0.8), Math.log(1.3), Math.log(1.28), Math.log(3), 20, -20];
function awayFromKinks(x: number): number {
  return KINKS.every((k) => Math.abs(x - k) > 1e-3) ? x : x + 0.01;
}

const B = 4;
const L = 6;
const lengths = [6, 3, 0, 5];
const responseMask = lengths.map((n) => Array.from({ length: L }, (_, t) => (t < n ? 1 : 0)));
const logProbs = f32(Array.from({ length: B }, () => Array.from({ length: L }, () => Math.log(0.05 + 0.95 * rand()))));
const extremes: Record<string, number> = { '0,1': 25, '1,0': -25, '3,2': 1.5, '3,3': -1.5 };
const logRatio = logProbs.map((row, i) => row.map((_, t) => extremes[`${i},${t}`] ?? awayFromKinks(0.4 * normal())));
const oldLogProbs = f32(logProbs.map((row, i) => row.map((lp, t) => lp - logRatio[i][t])));
const rowAdvantages = [1.2, -0.7, 0.5, -2];
const advantageSets: Record<string, number[][]> = {
  outcome: f32(responseMask.map((row, i) => row.map((m) => m * rowAdvantages[i]))),
  token: f32(responseMask.map(() => Array.from({ length: L }, () => 1.5 * normal()))),
};

const TYPES: PolicyLossType[] = ['default', 'gspo_token', 'cispo'];
const MODES: LossAvgMode[] = ['token', 'seq', 'constant'];
const CLIPS = [
  { clipRatioLow: 0.2, clipRatioHigh: 0.28, clipRatioDual: 3 },
  { clipRatioLow: 0.2, clipRatioHigh: 0.3, clipRatioDual: 3 },
];

function tensors(advantages: number[][]) {
  return {
    logProbs: tf.tensor2d(logProbs),
    oldLogProbs: tf.tensor2d(oldLogProbs),
    advantages: tf.tensor2d(advantages),
    responseMask: tf.tensor2d(responseMask),
  };
}

function rowMeans(x: number[][], mask: number[][]): number[] {
  return x.map((row, i) => {
    let s = 0;
    let n = 0;
    row.forEach((v, t) => {
      s += v * mask[i][t];
      n += mask[i][t];
    });
    return s / (n + 1e-8);
  });
}

/** Central differences in float64 of the loss the autodiff gradient should match. */
function expectedGradient(base: PolicyLossInput): number[][] {
  const h = 1e-6;
  let f: (lp: number[][]) => number;
  if (base.lossType === 'gspo_token') {
    // Stop-gradient on the row mean: perturbing lp_t moves only token t's log-ratio.
    const seq = rowMeans(
      base.logProbs.map((row, i) => row.map((lp, t) => lp - base.oldLogProbs[i][t])),
      base.responseMask,
    );
    const shiftedOld = base.logProbs.map((row, i) => row.map((lp) => lp - seq[i]));
    f = (lp) => policyLoss({ ...base, lossType: 'default', logProbs: lp, oldLogProbs: shiftedOld }).pgLoss;
  } else if (base.lossType === 'cispo') {
    const lo = Math.log(1 - (base.clipRatioLow ?? 0.2));
    const hi = Math.log(1 + (base.clipRatioHigh ?? 0.3));
    const clipped = base.logProbs.map((row, i) =>
      row.map((lp, t) => Math.exp(Math.min(Math.max(lp - base.oldLogProbs[i][t], lo), hi))),
    );
    f = (lp) =>
      averageLoss(
        lp.map((row, i) => row.map((v, t) => -base.advantages[i][t] * v * clipped[i][t])),
        base.responseMask,
        base.lossAvgMode,
      );
  } else {
    f = (lp) => policyLoss({ ...base, logProbs: lp }).pgLoss;
  }
  return base.logProbs.map((row, i) =>
    row.map((_, t) => {
      const plus = base.logProbs.map((r) => [...r]);
      const minus = base.logProbs.map((r) => [...r]);
      plus[i][t] += h;
      minus[i][t] -= h;
      return (f(plus) - f(minus)) / (2 * h);
    }),
  );
}

describe('policyLossTf against the float64 array version', () => {
  for (const [advName, advantages] of Object.entries(advantageSets)) {
    for (const lossType of TYPES) {
      for (const lossAvgMode of MODES) {
        for (const clip of CLIPS) {
          const label = `${advName} ${lossType} × ${lossAvgMode}, clip ${clip.clipRatioLow}/${clip.clipRatioHigh}`;
          const base: PolicyLossInput = { logProbs, oldLogProbs, advantages, responseMask, lossType, lossAvgMode, ...clip };

          it(`${label}: values to 1e-5`, () => {
            const want = policyLoss(base);
            const t = tensors(advantages);
            const got = policyLossTf({ ...base, ...t });
            expectClose(got.pgLoss.arraySync(), want.pgLoss, 1e-5, 'pgLoss');
            expectClose(got.perTokenLoss.arraySync(), want.perTokenLoss, 1e-5, 'perTokenLoss');
            expect(Object.keys(got.metrics).sort()).toEqual(Object.keys(want.metrics).sort());
            for (const [k, v] of Object.entries(want.metrics)) {
              const m = got.metrics[k as keyof typeof got.metrics] as tf.Scalar;
              expectClose(m.arraySync(), v, 1e-5, k);
            }
            tf.dispose([got, t]);
          });

          it(`${label}: gradient w.r.t. logProbs matches central differences`, () => {
            const t = tensors(advantages);
            const grad = tf.grad((lp: tf.Tensor) => policyLossTf({ ...base, ...t, logProbs: lp as tf.Tensor2D }).pgLoss);
            const g = grad(t.logProbs);
            const got = g.arraySync() as number[][];
            const want = expectedGradient(base);
            const scale = Math.max(...want.flat().map(Math.abs));
            expect(scale).toBeGreaterThan(1e-3);
            got.forEach((row, i) =>
              row.forEach((v, k) => {
                expect(Math.abs(v - want[i][k]), `grad[${i}][${k}] = ${v}, expected ${want[i][k]}`).toBeLessThanOrEqual(
                  1e-5 * scale + 1e-4 * Math.abs(want[i][k]),
                );
              }),
            );
            expect(got[2].every((v) => v === 0)).toBe(true);
            tf.dispose([g, t]);
          });
        }
      }
    }
  }

  it('test inputs include log-ratios beyond the ±20 clamp and a fully masked row', () => {
    expect(Math.max(...logRatio.flat().map(Math.abs))).toBeGreaterThan(20);
    expect(responseMask[2].every((m) => m === 0)).toBe(true);
  });

  function autodiffVsNaive(lossType: PolicyLossType, advantages: number[][]): number {
    const t = tensors(advantages);
    const base: PolicyLossInput = { logProbs, oldLogProbs, advantages, responseMask, lossType };
    const g = tf.grad((lp: tf.Tensor) => policyLossTf({ ...base, ...t, logProbs: lp as tf.Tensor2D }).pgLoss)(t.logProbs);
    const got = (g.arraySync() as number[][]).flat();
    tf.dispose([g, t]);
    const naive = logProbs.flatMap((row, i) =>
      row.map((_, k) => {
        const plus = logProbs.map((r) => [...r]);
        const minus = logProbs.map((r) => [...r]);
        plus[i][k] += 1e-6;
        minus[i][k] -= 1e-6;
        return (policyLoss({ ...base, logProbs: plus }).pgLoss - policyLoss({ ...base, logProbs: minus }).pgLoss) / 2e-6;
      }),
    );
    return Math.max(...got.map((v, n) => Math.abs(v - naive[n])));
  }

  it('the stop-gradients matter: cispo and gspo_token (token-level A) differ from differentiating the value', () => {
    expect(autodiffVsNaive('cispo', advantageSets.outcome)).toBeGreaterThan(1e-3);
    expect(autodiffVsNaive('gspo_token', advantageSets.token)).toBeGreaterThan(1e-3);
  });

  it('gspo_token with one advantage per sequence has the GSPO (sequence-level) gradient', () => {
    expect(autodiffVsNaive('gspo_token', advantageSets.outcome)).toBeLessThan(1e-5);
  });

  it('does not leak tensors', () => {
    const t = tensors(advantageSets.token);
    const before = tf.memory().numTensors;
    for (const lossType of TYPES) {
      const r = policyLossTf({ ...t, lossType });
      tf.dispose(r);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(t);
  });

  it('validates shapes and settings, naming the argument', () => {
    const t = tensors(advantageSets.token);
    const wrong = tf.zeros([B, L + 1]);
    const vector = tf.zeros([B]);
    const cases: [() => unknown, string][] = [
      [() => policyLossTf({ ...t, advantages: wrong as tf.Tensor2D }), 'advantages'],
      [() => policyLossTf({ ...t, responseMask: vector as unknown as tf.Tensor2D }), 'responseMask'],
      [() => policyLossTf({ ...t, oldLogProbs: [[0]] as unknown as tf.Tensor2D }), 'oldLogProbs'],
      [() => policyLossTf({ ...t, clipRatioDual: 0.5 }), 'clipRatioDual'],
      [() => policyLossTf({ ...t, lossType: 'gspo' as never }), 'lossType'],
      [() => averageLossTf(t.logProbs, wrong as tf.Tensor2D), 'mask'],
    ];
    for (const [fn, argument] of cases) {
      try {
        fn();
        expect.fail(`expected an error on ${argument}`);
      } catch (e) {
        expect(e).toBeInstanceOf(GrpoInputError);
        expect((e as GrpoInputError).argument).toBe(argument);
      }
    }
    tf.dispose([t, wrong, vector]);
  });
});

describe('averageLossTf', () => {
  it('matches averageLoss in every mode', () => {
    const values = tf.tensor2d(advantageSets.token);
    const mask = tf.tensor2d(responseMask);
    for (const mode of MODES) {
      const got = averageLossTf(values, mask, mode);
      expectClose(got.arraySync(), averageLoss(advantageSets.token, responseMask, mode), 1e-5, mode);
      got.dispose();
    }
    const custom = averageLossTf(values, mask, 'constant', { normalizer: 16 });
    expectClose(custom.arraySync(), averageLoss(advantageSets.token, responseMask, 'constant', { normalizer: 16 }), 1e-5, 'n16');
    tf.dispose([values, mask, custom]);
  });
});

describe('stopGradient', () => {
  it('passes values and blocks gradients', () => {
    const x = tf.tensor1d([1, -2, 3]);
    const y = stopGradient(x);
    expect(y.arraySync()).toEqual([1, -2, 3]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(stopGradient(v), v)))(x);
    expect(g.arraySync()).toEqual([1, -2, 3]);
    tf.dispose([x, y, g]);
  });
});
