import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '../__fixtures__/expect-close.js';
import { GrpoInputError } from '../errors.js';
import { fullKl, klPenalty, KL_KINDS } from '../kl.js';
import { fullKlTf, klPenaltyTf } from './kl-tf.js';
import { stopGradient } from './stop-gradient.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const f32 = (m: number[][]) => m.map((row) => row.map((v) => Math.fround(v)));

// d = ref − lp spans both k3 clamps (|d| > 20, and e^d − d − 1 > 10 for d > ~2.53 or d < −11).
const d = [
  [-0.9, -0.3, 0.05, 0.4, 1.1],
  [2.2, 3.5, -12, 25, -25],
];
const logProbs = f32([
  [-0.2, -1.5, -3.1, -0.7, -2.2],
  [-1.1, -0.4, -2.6, -30, -0.9],
]);
const refLogProbs = f32(logProbs.map((row, i) => row.map((lp, t) => lp + d[i][t])));

describe('klPenaltyTf', () => {
  for (const kind of KL_KINDS) {
    it(`${kind}: values match klPenalty and the gradient matches central differences`, () => {
      const lp = tf.tensor2d(logProbs);
      const ref = tf.tensor2d(refLogProbs);
      const value = klPenaltyTf({ logProbs: lp, refLogProbs: ref, kind });
      expectClose(value.arraySync(), klPenalty({ logProbs, refLogProbs, kind }), 1e-5, kind);
      const g = tf.grad((x: tf.Tensor) => tf.sum(klPenaltyTf({ logProbs: x as tf.Tensor2D, refLogProbs: ref, kind })))(lp);
      const h = 1e-6;
      const want = logProbs.map((row, i) =>
        row.map((_, t) => {
          const plus = logProbs.map((r) => [...r]);
          const minus = logProbs.map((r) => [...r]);
          plus[i][t] += h;
          minus[i][t] -= h;
          const sum = (m: number[][]) => klPenalty({ logProbs: m, refLogProbs, kind }).flat().reduce((a, b) => a + b, 0);
          return (sum(plus) - sum(minus)) / (2 * h);
        }),
      );
      const got = g.arraySync() as number[][];
      got.forEach((row, i) =>
        row.forEach((v, t) => {
          expect(Math.abs(v - want[i][t]), `${kind} grad[${i}][${t}]: ${v} vs ${want[i][t]}`).toBeLessThanOrEqual(
            1e-5 + 1e-4 * Math.abs(want[i][t]),
          );
        }),
      );
      tf.dispose([lp, ref, value, g]);
    });
  }

  it('low_var_kl passes no gradient where it is clamped', () => {
    const lp = tf.tensor2d(logProbs);
    const ref = tf.tensor2d(refLogProbs);
    const g = tf.grad((x: tf.Tensor) => tf.sum(klPenaltyTf({ logProbs: x as tf.Tensor2D, refLogProbs: ref, kind: 'low_var_kl' })))(lp);
    expect((g.arraySync() as number[][])[1].slice(1).every((v) => v === 0)).toBe(true);
    expect((g.arraySync() as number[][])[1][0]).not.toBe(0);
    tf.dispose([lp, ref, g]);
  });

  it('validates its inputs', () => {
    const lp = tf.tensor2d(logProbs);
    const other = tf.zeros([2, 4]);
    expect(() => klPenaltyTf({ logProbs: lp, refLogProbs: other as tf.Tensor2D, kind: 'kl' })).toThrowError(GrpoInputError);
    expect(() => klPenaltyTf({ logProbs: lp, refLogProbs: lp, kind: 'full' as never })).toThrowError(/kind/);
    tf.dispose([lp, other]);
  });
});

describe('expected gradients of the KL estimators used as losses', () => {
  // E_{v~π}[∇θ k(lp_v, ref_v)] computed exactly over a 5-token vocabulary, π = softmax(θ).
  const THETA = [0.4, -0.3, 1.1, 0.0, -0.8];
  const REF_LOGITS = [0.1, 0.5, 0.6, -0.4, -0.2];

  function expectedGradient(kind: 'kl' | 'mse' | 'low_var_kl'): number[] {
    const theta = tf.tensor1d(THETA);
    const refLogits = tf.tensor1d(REF_LOGITS);
    const g = tf.grad((t: tf.Tensor) => {
      const lp = tf.logSoftmax(t as tf.Tensor1D);
      const ref = tf.logSoftmax(refLogits);
      const k = klPenaltyTf({ logProbs: tf.expandDims(lp, 0) as tf.Tensor2D, refLogProbs: tf.expandDims(ref, 0) as tf.Tensor2D, kind });
      return tf.sum(tf.mul(stopGradient(tf.exp(lp)), tf.squeeze(k)));
    })(theta);
    const out = g.arraySync() as number[];
    tf.dispose([g, theta, refLogits]);
    return out;
  }

  function exactKlGradient(reverse: boolean): number[] {
    const theta = tf.tensor1d(THETA);
    const refLogits = tf.tensor1d(REF_LOGITS);
    const g = tf.grad((t: tf.Tensor) => {
      const lp = tf.logSoftmax(t as tf.Tensor1D);
      const ref = tf.logSoftmax(refLogits);
      return reverse ? tf.sum(tf.mul(tf.exp(lp), tf.sub(lp, ref))) : tf.sum(tf.mul(tf.exp(ref), tf.sub(ref, lp)));
    })(theta);
    const out = g.arraySync() as number[];
    tf.dispose([g, theta, refLogits]);
    return out;
  }

  it('k1 has zero expected gradient, k2 follows KL(π‖ref) and k3 follows KL(ref‖π)', () => {
    expectClose(expectedGradient('kl'), [0, 0, 0, 0, 0], 1e-6, 'k1');
    expectClose(expectedGradient('mse'), exactKlGradient(true), 1e-5, 'k2');
    expectClose(expectedGradient('low_var_kl'), exactKlGradient(false), 1e-5, 'k3');
    const gap = Math.max(...exactKlGradient(true).map((v, k) => Math.abs(v - exactKlGradient(false)[k])));
    expect(gap).toBeGreaterThan(1e-3);
  });
});

describe('fullKlTf', () => {
  it('matches fullKl', () => {
    const logits = [
      [
        [0.3, -1.2, 2.0, 0.1],
        [1.5, 0.2, -0.3, -2.0],
      ],
    ];
    const logSoftmax = (z: number[]) => {
      const m = Math.max(...z);
      const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
      return z.map((v) => Math.fround(v - lse));
    };
    const lp = logits.map((row) => row.map(logSoftmax));
    const ref = logits.map((row) => row.map((z) => logSoftmax(z.map((v, k) => v + 0.4 * Math.sin(k + 1)))));
    const got = fullKlTf({ logProbs: tf.tensor3d(lp), refLogProbs: tf.tensor3d(ref) });
    expectClose(got.arraySync(), fullKl({ logProbs: lp, refLogProbs: ref }), 1e-5, 'full');
    expect(() => fullKlTf({ logProbs: tf.tensor3d(lp), refLogProbs: tf.zeros([1, 2, 3]) as tf.Tensor3D })).toThrowError(
      /refLogProbs: shape \[1, 2, 3\] does not match logProbs \[1, 2, 4\]/,
    );
    got.dispose();
  });
});
