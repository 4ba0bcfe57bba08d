import * as tf from '@tensorflow/tfjs-core';
import {
  kAdd,
  kBatchMatMul,
  kDense,
  kFill,
  kMeanLast,
  kMul,
  kNormalise,
  kReshape,
  kSoftmax,
  kSub,
  kSum,
  kTranspose,
} from './kernels.js';

// The building blocks of the hand-written sublayer gradients. They call kernels directly (see
// kernels.ts), so they are only for customGrad bodies and their gradient functions.

/** A layer-normalised activation: `h = (x − mean)·rstd` per row, with `rstd = 1/√(var + 1e-5)` `[rows, 1]`. */
export interface Normalised {
  readonly h: tf.Tensor2D;
  readonly rstd: tf.Tensor2D;
}

/** Layer normalisation over the last axis without a learned scale or shift. */
export function normalise(x: tf.Tensor2D): Normalised {
  return kNormalise(x, tf.scalar(1e-5));
}

/** Gradient of `normalise` with respect to its input, given the gradient `dh` of its output. */
export function normaliseGrad(dh: tf.Tensor2D, h: tf.Tensor2D, rstd: tf.Tensor2D): tf.Tensor2D {
  const meanDh = kMeanLast(dh);
  const meanDhH = kMeanLast(kMul(dh, h));
  return kMul(kSub(kSub(dh, meanDh), kMul(h, meanDhH)), rstd);
}

function as3(x: tf.Tensor2D): tf.Tensor3D {
  return kReshape(x, [1, x.shape[0], x.shape[1]]);
}

/** `x·w + b` (optionally ReLU) as one fused 2-D matMul; `x` `[rows, in]`, `w` `[in, out]`. */
export function affine(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D | null, relu = false): tf.Tensor2D {
  return kReshape(kDense(as3(x), as3(w), b, relu), [x.shape[0], w.shape[1]]);
}

/** Plain 2-D product `a·b` (the XNNPACK path on wasm). */
export function mm(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return kReshape(kBatchMatMul(as3(a), as3(b), false, false), [a.shape[0], b.shape[1]]);
}

/** Explicit 2-D transpose. */
export function tr(x: tf.Tensor2D): tf.Tensor2D {
  return kTranspose(x, [1, 0]);
}

/**
 * Column sums of `g` `[rows, cols]` as a `1×rows` ones matMul, far faster than an axis-0 reduction
 * on wasm. The wasm backend caches XNNPACK operators by the right operand's buffer, so `g` must
 * not share its buffer with a tensor of another shape that is also a matMul's right operand.
 */
export function columnSums(g: tf.Tensor2D): tf.Tensor1D {
  return kReshape(mm(kFill([1, g.shape[0]], 1), g), [g.shape[1]]);
}

/** Column sums by reduction, for gradients that alias a matMul operand of another shape. */
export function columnSumsByReduction(g: tf.Tensor2D): tf.Tensor1D {
  return kSum(g, 0, false);
}

/** Rearranges rows `[batch·len, heads·dh]` into per-head sequences `[batch·heads, len, dh]` (one rank-4 transpose). */
export function splitHeads(x: tf.Tensor2D, batch: number, len: number, heads: number): tf.Tensor3D {
  const dh = x.shape[1] / heads;
  if (heads === 1) return kReshape(x, [batch, len, dh]);
  return kReshape(kTranspose(kReshape(x, [batch, len, heads, dh]), [0, 2, 1, 3]), [batch * heads, len, dh]);
}

/** Inverse of `splitHeads`: `[batch·heads, len, dh]` back to rows `[batch·len, heads·dh]`. */
export function mergeHeads(x: tf.Tensor3D, batch: number, heads: number): tf.Tensor2D {
  const [, len, dh] = x.shape;
  if (heads === 1) return kReshape(x, [batch * len, dh]);
  return kReshape(kTranspose(kReshape(x, [batch, heads, len, dh]), [0, 2, 1, 3]), [batch * len, heads * dh]);
}

const causalCache = new Map<number, Float32Array>();

/** The causal mask `[len, len]`: 0 on and below the diagonal, -1e9 above. */
export function causalBias(len: number): tf.Tensor2D {
  let data = causalCache.get(len);
  if (!data) {
    data = new Float32Array(len * len);
    for (let i = 0; i < len; i++) for (let j = i + 1; j < len; j++) data[i * len + j] = -1e9;
    causalCache.set(len, data);
  }
  return tf.tensor2d(data, [len, len]);
}

/** Additive attention biases (0 = keep, -1e9 = drop). */
export interface AttentionBias {
  /** `[queries, keys]`, the same for every row and head (the causal mask). */
  readonly shared?: tf.Tensor2D;
  /** `[batch, keys]`, per row, the same for every head and query (key padding). */
  readonly perRow?: tf.Tensor2D;
}

/** Batched `a·b`, `a·bᵀ` or `aᵀ·b` of per-head sequences (tfjs's generic loop on wasm; small next to the projections). */
export function bmm(a: tf.Tensor3D, b: tf.Tensor3D, transposeA = false, transposeB = false): tf.Tensor3D {
  return kBatchMatMul(a, b, transposeA, transposeB);
}

/** Attention probabilities `softmax(q·kᵀ/√dh + bias)` `[batch·heads, Lq, Lk]` for per-head `q`, `k`. */
export function attentionProbs(q: tf.Tensor3D, k: tf.Tensor3D, heads: number, bias: AttentionBias = {}): tf.Tensor3D {
  const [bh, lq, dh] = q.shape;
  const lk = k.shape[1];
  let scores = kMul(bmm(q, k, false, true), tf.scalar(1 / Math.sqrt(dh)));
  if (bias.shared) scores = kAdd(scores, bias.shared);
  if (bias.perRow) {
    const batch = bh / heads;
    scores = kReshape(kAdd(kReshape(scores, [batch, heads, lq, lk]), kReshape(bias.perRow, [batch, 1, 1, lk])), [bh, lq, lk]);
  }
  return kSoftmax(scores);
}

/** Gradient of the scores through softmax and the 1/√dh scale, given `dp` and the probabilities `p`. */
export function scoresGrad(dp: tf.Tensor3D, p: tf.Tensor3D, dh: number): tf.Tensor3D {
  const inner = kSum<tf.Tensor3D>(kMul(dp, p), 2, true);
  return kMul(kMul(p, kSub(dp, inner)), tf.scalar(1 / Math.sqrt(dh)));
}
