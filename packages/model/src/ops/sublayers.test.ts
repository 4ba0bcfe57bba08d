import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../backend.js';
import { headPick } from './head.js';
import { causalBias } from './primitives.js';
import { crossAttentionBlock, embedRows, mlpBlock, selfAttentionBlock, type AttentionParams } from './sublayers.js';

// Reference versions built from plain tfjs ops and differentiated by tfjs's own autodiff.
function refNorm(x: tf.Tensor2D): tf.Tensor2D {
  const m = tf.moments(x, -1, true);
  return tf.div(tf.sub(x, m.mean), tf.sqrt(tf.add(m.variance, 1e-5)));
}

function refHeads(x: tf.Tensor2D, groups: number, len: number, heads: number): tf.Tensor3D {
  const dh = x.shape[1] / heads;
  return tf.reshape(tf.transpose(tf.reshape(x, [groups, len, heads, dh]), [0, 2, 1, 3]), [groups * heads, len, dh]);
}

function refMerge(x: tf.Tensor3D, groups: number, heads: number): tf.Tensor2D {
  const [, len, dh] = x.shape;
  return tf.reshape(tf.transpose(tf.reshape(x, [groups, heads, len, dh]), [0, 2, 1, 3]), [groups * len, heads * dh]);
}

function refAttention(
  q: tf.Tensor2D,
  kv: tf.Tensor2D,
  p: AttentionParams,
  g: number,
  lq: number,
  lk: number,
  heads: number,
  bias?: tf.Tensor,
): tf.Tensor2D {
  const Q = refHeads(tf.add(tf.matMul(q, p.wq), p.bq), g, lq, heads);
  const K = refHeads(tf.add(tf.matMul(kv, p.wk), p.bk), g, lk, heads);
  const V = refHeads(tf.add(tf.matMul(kv, p.wv), p.bv), g, lk, heads);
  let s: tf.Tensor = tf.div(tf.matMul(Q, K, false, true), Math.sqrt(Q.shape[2]));
  if (bias) s = tf.add(s, bias);
  const o = refMerge(tf.matMul(tf.softmax(s), V) as tf.Tensor3D, g, heads);
  return tf.add(tf.matMul(o, p.wo), p.bo);
}

function randn(shape: number[], seed: number, scale = 1): tf.Tensor {
  return tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), scale);
}

function attentionParams(d: number, seed: number): AttentionParams {
  const s = 1 / Math.sqrt(d);
  return {
    wq: randn([d, d], seed, s) as tf.Tensor2D,
    bq: randn([d], seed + 1, 0.1) as tf.Tensor1D,
    wk: randn([d, d], seed + 2, s) as tf.Tensor2D,
    bk: randn([d], seed + 3, 0.1) as tf.Tensor1D,
    wv: randn([d, d], seed + 4, s) as tf.Tensor2D,
    bv: randn([d], seed + 5, 0.1) as tf.Tensor1D,
    wo: randn([d, d], seed + 6, s) as tf.Tensor2D,
    bo: randn([d], seed + 7, 0.1) as tf.Tensor1D,
  };
}

const list = (p: AttentionParams): tf.Tensor[] => [p.wq, p.bq, p.wk, p.bk, p.wv, p.bv, p.wo, p.bo];
const unlist = (t: tf.Tensor[]): AttentionParams => ({
  wq: t[0] as tf.Tensor2D,
  bq: t[1] as tf.Tensor1D,
  wk: t[2] as tf.Tensor2D,
  bk: t[3] as tf.Tensor1D,
  wv: t[4] as tf.Tensor2D,
  bv: t[5] as tf.Tensor1D,
  wo: t[6] as tf.Tensor2D,
  bo: t[7] as tf.Tensor1D,
});

// Compares value and gradients (of a random projection of the output) of two implementations.
function expectSameGrads(ours: (...xs: tf.Tensor[]) => tf.Tensor, ref: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]): void {
  tf.tidy(() => {
    const out = ref(...inputs);
    const w = randn(out.shape, 99);
    const a = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(ours(...xs), w)))(inputs);
    const b = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(ref(...xs), w)))(inputs);
    const diff = tf.max(tf.abs(tf.sub(ours(...inputs), out))).dataSync()[0];
    expect(diff).toBeLessThan(1e-4);
    a.forEach((ga, i) => {
      // Gradients that are zero in exact arithmetic (the key bias) are compared on an absolute scale.
      const scale = Math.max(1e-2, tf.max(tf.abs(b[i])).dataSync()[0]);
      const err = tf.max(tf.abs(tf.sub(ga, b[i]))).dataSync()[0];
      expect(err / scale, `gradient of input ${i}`).toBeLessThan(1e-3);
    });
  });
}

describe.each(['cpu', 'wasm'] as const)('hand-written sublayer gradients on %s', (backend) => {
  beforeAll(async () => {
    await loadBackend({ log: false, env: { SSRL_BACKEND: backend } });
  });

  it('self-attention with a causal mask matches autodiff', () => {
    const g = 3;
    const len = 5;
    const d = 8;
    const heads = 2;
    const x = randn([g * len, d], 1);
    const p = list(attentionParams(d, 10));
    const mask = causalBias(len);
    expectSameGrads(
      (xv, ...ps) => selfAttentionBlock(xv as tf.Tensor2D, unlist(ps), { groups: g, len, heads }, { shared: mask }),
      (xv, ...ps) => tf.add(xv, refAttention(refNorm(xv as tf.Tensor2D), refNorm(xv as tf.Tensor2D), unlist(ps), g, len, len, heads, mask)),
      [x, ...p],
    );
  });

  it('self-attention with dropout matches autodiff with the same mask', () => {
    const x = randn([8, 4], 2);
    const p = list(attentionParams(4, 20));
    const dropout = { rate: 0.3, key: 7 };
    const ours = (xv: tf.Tensor, ...ps: tf.Tensor[]): tf.Tensor =>
      selfAttentionBlock(xv as tf.Tensor2D, unlist(ps), { groups: 2, len: 4, heads: 1 }, { dropout });
    // The mask is recovered from the forward value: the branch is zero exactly where it was dropped.
    const branch = tf.sub(ours(x, ...p), x);
    const plain = tf.sub(selfAttentionBlock(x as tf.Tensor2D, unlist(p), { groups: 2, len: 4, heads: 1 }), x);
    const mask = tf.div(branch, plain);
    expectSameGrads(ours, (xv, ...ps) => tf.add(xv, tf.mul(refAttention(refNorm(xv as tf.Tensor2D), refNorm(xv as tf.Tensor2D), unlist(ps), 2, 4, 4, 1), mask)), [x, ...p]);
  });

  it('cross-attention with key padding matches autodiff, memory gradient included', () => {
    const g = 2;
    const len = 3;
    const memLen = 4;
    const d = 8;
    const heads = 2;
    const y = randn([g * len, d], 3);
    const mem = randn([g * memLen, d], 4);
    const p = list(attentionParams(d, 30));
    const perRow = tf.tensor2d([0, 0, 0, -1e9, 0, 0, 0, 0], [g, memLen]);
    const bias = tf.reshape(tf.tile(tf.reshape(perRow, [g, 1, 1, memLen]), [1, heads, 1, 1]), [g * heads, 1, memLen]);
    expectSameGrads(
      (yv, mv, ...ps) => crossAttentionBlock(yv as tf.Tensor2D, mv as tf.Tensor2D, unlist(ps), { groups: g, len, heads, memLen }, { perRow }),
      (yv, mv, ...ps) => tf.add(yv, refAttention(refNorm(yv as tf.Tensor2D), mv as tf.Tensor2D, unlist(ps), g, len, memLen, heads, bias)),
      [y, mem, ...p],
    );
  });

  it('the MLP matches autodiff', () => {
    const x = randn([6, 8], 5);
    const ps = [randn([8, 16], 6, 0.3), randn([16], 7, 0.1), randn([16, 8], 8, 0.3), randn([8], 9, 0.1)];
    expectSameGrads(
      (xv, a, b, c, d) => mlpBlock(xv as tf.Tensor2D, { wUp: a as tf.Tensor2D, bUp: b as tf.Tensor1D, wDown: c as tf.Tensor2D, bDown: d as tf.Tensor1D }),
      (xv, a, b, c, d) => tf.add(xv, tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(refNorm(xv as tf.Tensor2D), a as tf.Tensor2D), b)), c as tf.Tensor2D), d)),
      [x, ...ps],
    );
  });

  it('row embedding with a position table matches autodiff', () => {
    const x = randn([6, 5], 10) as tf.Tensor2D;
    const xT = tf.transpose(x) as tf.Tensor2D;
    const w = randn([5, 4], 11);
    const b = randn([4], 12);
    const table = randn([3, 4], 13);
    expectSameGrads(
      (wv, bv, tv) => embedRows(x, xT, wv as tf.Tensor2D, bv as tf.Tensor1D, tv as tf.Tensor2D),
      (wv, bv, tv) => tf.reshape(tf.add(tf.reshape(tf.add(tf.matMul(x, wv as tf.Tensor2D), bv), [2, 3, 4]), tv), [6, 4]),
      [w, b, table],
    );
  });

  it('the weighted log-probability head matches autodiff', () => {
    const y = randn([4, 6], 14);
    const w = randn([6, 5], 15, 0.5);
    const b = randn([5], 16, 0.1);
    const coeff = tf.tensor2d([0, 1, 0, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0], [4, 5]);
    expectSameGrads(
      (yv, wv, bv) => headPick(yv as tf.Tensor2D, wv as tf.Tensor2D, bv as tf.Tensor1D, coeff),
      (yv, wv, bv) => tf.sum(tf.mul(tf.logSoftmax(tf.add(tf.matMul(refNorm(yv as tf.Tensor2D), wv as tf.Tensor2D), bv)), coeff), 1),
      [y, w, b],
    );
  });
});
