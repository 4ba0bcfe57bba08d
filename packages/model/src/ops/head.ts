import * as tf from '@tensorflow/tfjs-core';
import { kExp, kLog, kMax, kMul, kReshape, kSub, kSum } from './kernels.js';
import { affine, columnSums, mm, normalise, normaliseGrad, tr } from './primitives.js';

/** Output head: logits `LN(y)·w + b` `[rows, vocab]` (forward only). */
export function headLogits(y: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  return affine(normalise(y).h, w, b);
}

/**
 * Weighted log-probabilities of the output head: `r_i = Σ_v c[i,v]·log softmax(LN(y)·w + b)[i,v]`
 * `[rows]`, where `coeff` `[rows, vocab]` is constant (one-hot targets times a weight). One tape
 * node; the gradient of the logits is `dr_i·(c_i − (Σ_v c[i,v])·softmax_i)`.
 */
export function headPick(y: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, coeff: tf.Tensor2D): tf.Tensor1D {
  const f = tf.customGrad((...args) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const { h, rstd } = normalise(args[0] as tf.Tensor2D);
    const logits = affine(h, w, b);
    const shifted = kSub(logits, kMax(logits));
    const logp = kSub(shifted, kLog(kSum(kExp(shifted), 1, true)));
    const r = kSum<tf.Tensor1D>(kMul(logp, coeff), 1, false);
    save([h, rstd, kExp(logp), coeff]);
    return {
      value: r,
      gradFunc: (dr, saved) => {
        const [hs, rs, probs, c] = saved as tf.Tensor2D[];
        const drCol = kReshape(dr, [dr.shape[0], 1]);
        const dlogits = kMul<tf.Tensor2D>(kSub(c, kMul(kSum(c, 1, true), probs)), drCol);
        const dh = mm(dlogits, tr(w));
        return [normaliseGrad(dh, hs, rs), mm(tr(hs), dlogits), columnSums(dlogits)];
      },
    };
  });
  return f(y, w, b) as tf.Tensor1D;
}
