import * as tf from '@tensorflow/tfjs-core';

// Direct kernel calls for the hand-differentiated sublayers and the decoding loop. tfjs's op
// wrappers open a named scope and convert their arguments on every call (≈20 µs on wasm), several
// times the cost of a small kernel. Operands must already have the ranks and dtypes the kernels
// expect. Nothing here is differentiable by tfjs: use these only inside `customGrad` bodies,
// their gradient functions, or code that records no gradient.

function run<T extends tf.Tensor>(name: string, inputs: tf.NamedTensorMap, attrs?: tf.NamedAttrMap): T {
  return tf.engine().runKernel(name, inputs, attrs) as T;
}

/** Element-wise `a + b` with broadcasting. */
export function kAdd<T extends tf.Tensor>(a: T, b: tf.Tensor): T {
  return run(tf.Add, { a, b });
}

/** Element-wise `a − b` with broadcasting. */
export function kSub<T extends tf.Tensor>(a: T, b: tf.Tensor): T {
  return run(tf.Sub, { a, b });
}

/** Element-wise `a · b` with broadcasting. */
export function kMul<T extends tf.Tensor>(a: T, b: tf.Tensor): T {
  return run(tf.Multiply, { a, b });
}

/** Sum of same-shaped tensors. */
export function kAddN<T extends tf.Tensor>(tensors: T[]): T {
  return run(tf.AddN, tensors as unknown as tf.NamedTensorMap);
}

/** Reshape (no copy). */
export function kReshape<T extends tf.Tensor>(x: tf.Tensor, shape: number[]): T {
  return run(tf.Reshape, { x }, { shape });
}

/** Transpose with permutation `perm`. */
export function kTranspose<T extends tf.Tensor>(x: tf.Tensor, perm: number[]): T {
  return run(tf.Transpose, { x }, { perm });
}

/** Mean over the last axis, kept as a size-1 axis. */
export function kMeanLast<T extends tf.Tensor>(x: T): T {
  return run(tf.Mean, { x }, { axis: [x.rank - 1], keepDims: true });
}

/** Sum over `axis`, optionally keeping it as a size-1 axis. */
export function kSum<T extends tf.Tensor>(x: tf.Tensor, axis: number, keepDims: boolean): T {
  return run(tf.Sum, { x }, { axis: [axis], keepDims });
}

/** A float32 tensor of `shape` filled with `value`. */
export function kFill<T extends tf.Tensor>(shape: number[], value: number): T {
  return run(tf.Fill, {}, { shape, value, dtype: 'float32' });
}

/** 1 where `x > 0`, else 0. */
export function kStep<T extends tf.Tensor>(x: T): T {
  return run(tf.Step, { x }, { alpha: 0 });
}

/** `1/√x`. */
function kRsqrt<T extends tf.Tensor>(x: T): T {
  return run(tf.Rsqrt, { x });
}

/** `x²`. */
function kSquare<T extends tf.Tensor>(x: T): T {
  return run(tf.Square, { x });
}

/** `eˣ`. */
export function kExp<T extends tf.Tensor>(x: T): T {
  return run(tf.Exp, { x });
}

/** `ln x`. */
export function kLog<T extends tf.Tensor>(x: T): T {
  return run(tf.Log, { x });
}

/** Maximum over the last axis, kept as a size-1 axis. */
export function kMax<T extends tf.Tensor>(x: T): T {
  return run(tf.Max, { x }, { reductionIndices: [x.rank - 1], keepDims: true });
}

/** Layer normalisation over the last axis (no scale or shift); `eps` is a scalar tensor (1e-5). */
export function kNormalise<T extends tf.Tensor>(x: T, eps: tf.Scalar): { h: T; rstd: T } {
  const centred = kSub(x, kMeanLast(x));
  const rstd = kRsqrt(kAdd(kMeanLast(kSquare(centred)), eps));
  return { h: kMul(centred, rstd), rstd };
}

/** `x·w + b` (optionally ReLU) for rank-3 `x` `[1, rows, in]` and `w` `[1, in, out]`. */
export function kDense(x: tf.Tensor3D, w: tf.Tensor3D, b: tf.Tensor1D | null, relu = false): tf.Tensor3D {
  return run(tf._FusedMatMul, b ? { a: x, b: w, bias: b } : { a: x, b: w }, {
    transposeA: false,
    transposeB: false,
    activation: relu ? 'relu' : 'linear',
    leakyreluAlpha: 0,
  });
}

/** Batched `a·b` with optional transpose flags, rank-3 operands. */
export function kBatchMatMul(a: tf.Tensor3D, b: tf.Tensor3D, transposeA: boolean, transposeB: boolean): tf.Tensor3D {
  return run(tf.BatchMatMul, { a, b }, { transposeA, transposeB });
}

/** Softmax over the last axis. */
export function kSoftmax<T extends tf.Tensor>(logits: T): T {
  return run(tf.Softmax, { logits }, { dim: logits.rank - 1 });
}

/** Concatenation along `axis`. */
export function kConcat<T extends tf.Tensor>(tensors: T[], axis: number): T {
  return run(tf.Concat, tensors as unknown as tf.NamedTensorMap, { axis });
}

/** Rows `indices` (int32) of `x` along axis 0. */
export function kGather<T extends tf.Tensor>(x: T, indices: tf.Tensor1D): T {
  return run(tf.GatherV2, { x, indices }, { axis: 0, batchDims: 0 });
}
