import * as tf from '@tensorflow/tfjs-core';
import { dropoutMask, type DropoutSpec } from './dropout.js';
import { kAdd, kAddN, kMul, kReshape, kStep } from './kernels.js';
import {
  affine,
  attentionProbs,
  bmm,
  columnSums,
  columnSumsByReduction,
  mergeHeads,
  mm,
  normalise,
  normaliseGrad,
  scoresGrad,
  splitHeads,
  tr,
} from './primitives.js';

/** Weights of one attention sublayer: query, key, value and output projections (`[width, width]` + bias each). */
export interface AttentionParams {
  readonly wq: tf.Tensor2D;
  readonly bq: tf.Tensor1D;
  readonly wk: tf.Tensor2D;
  readonly bk: tf.Tensor1D;
  readonly wv: tf.Tensor2D;
  readonly bv: tf.Tensor1D;
  readonly wo: tf.Tensor2D;
  readonly bo: tf.Tensor1D;
}

/** Shape of the sequences a sublayer works on: `groups` sequences of `len` rows, `heads` attention heads. */
export interface SequenceShape {
  readonly groups: number;
  readonly len: number;
  readonly heads: number;
}

function maybeDrop(z: tf.Tensor2D, dropout: DropoutSpec | undefined): tf.Tensor2D {
  return dropout ? kMul(z, dropoutMask(dropout, z.shape[0], z.shape[1])) : z;
}

function attentionParamList(p: AttentionParams): tf.Tensor[] {
  return [p.wq, p.bq, p.wk, p.bk, p.wv, p.bv, p.wo, p.bo];
}

/**
 * Pre-LN self-attention sublayer `x + drop(Attn(LN(x))·Wo + bo)` on rows `[groups·len, width]`,
 * as one tape node with a hand-written gradient: every projection and its gradient is a plain
 * 2-D matMul, the per-head products are batched.
 */
export function selfAttentionBlock(
  x: tf.Tensor2D,
  p: AttentionParams,
  shape: SequenceShape,
  options: { shared?: tf.Tensor2D; dropout?: DropoutSpec } = {},
): tf.Tensor2D {
  const { groups, len, heads } = shape;
  const f = tf.customGrad((...args) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const { h, rstd } = normalise(x);
    const q = splitHeads(affine(h, p.wq, p.bq), groups, len, heads);
    const k = splitHeads(affine(h, p.wk, p.bk), groups, len, heads);
    const v = splitHeads(affine(h, p.wv, p.bv), groups, len, heads);
    const probs = attentionProbs(q, k, heads, { shared: options.shared });
    const a = mergeHeads(bmm(probs, v), groups, heads);
    const y = kAdd(x, maybeDrop(affine(a, p.wo, p.bo), options.dropout));
    save([h, rstd, q, k, v, probs, a]);
    return {
      value: y,
      gradFunc: (dy, saved) => {
        const [hs, rs, qs, ks, vs, ps, as] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor2D];
        const dz = maybeDrop(dy as tf.Tensor2D, options.dropout);
        const dwo = mm(tr(as), dz);
        const dbo = columnSums(dz);
        const dO = splitHeads(mm(dz, tr(p.wo)), groups, len, heads);
        const dP = bmm(dO, vs, false, true);
        const dV = bmm(ps, dO, true, false);
        const dS = scoresGrad(dP, ps, qs.shape[2]);
        const dQ = bmm(dS, ks);
        const dK = bmm(dS, qs, true, false);
        const dq = mergeHeads(dQ, groups, heads);
        const dk = mergeHeads(dK, groups, heads);
        const dv = mergeHeads(dV, groups, heads);
        const hT = tr(hs);
        const dh = kAddN([mm(dq, tr(p.wq)), mm(dk, tr(p.wk)), mm(dv, tr(p.wv))]);
        const dx = kAdd(dy, normaliseGrad(dh, hs, rs));
        return [dx, mm(hT, dq), columnSums(dq), mm(hT, dk), columnSums(dk), mm(hT, dv), columnSums(dv), dwo, dbo];
      },
    };
  });
  return f(x, ...attentionParamList(p)) as tf.Tensor2D;
}

/**
 * Pre-LN cross-attention sublayer `y + drop(Attn(LN(y), memory)·Wo + bo)`: queries from the
 * decoder rows `[groups·len, width]`, keys and values from `memory` `[groups·memLen, width]`
 * (which receives a gradient too); `perRow` hides padded memory slots.
 */
export function crossAttentionBlock(
  y: tf.Tensor2D,
  memory: tf.Tensor2D,
  p: AttentionParams,
  shape: SequenceShape & { readonly memLen: number },
  options: { perRow?: tf.Tensor2D; dropout?: DropoutSpec } = {},
): tf.Tensor2D {
  const { groups, len, heads, memLen } = shape;
  const f = tf.customGrad((...args) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const { h, rstd } = normalise(y);
    const q = splitHeads(affine(h, p.wq, p.bq), groups, len, heads);
    const k = splitHeads(affine(memory, p.wk, p.bk), groups, memLen, heads);
    const v = splitHeads(affine(memory, p.wv, p.bv), groups, memLen, heads);
    const probs = attentionProbs(q, k, heads, { perRow: options.perRow });
    const a = mergeHeads(bmm(probs, v), groups, heads);
    const out = kAdd(y, maybeDrop(affine(a, p.wo, p.bo), options.dropout));
    save([h, rstd, q, k, v, probs, a, memory]);
    return {
      value: out,
      gradFunc: (dy, saved) => {
        const [hs, rs, qs, ks, vs, ps, as, mem] = saved as [
          tf.Tensor2D, tf.Tensor2D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor2D, tf.Tensor2D,
        ];
        const dz = maybeDrop(dy as tf.Tensor2D, options.dropout);
        const dwo = mm(tr(as), dz);
        const dbo = columnSums(dz);
        const dO = splitHeads(mm(dz, tr(p.wo)), groups, len, heads);
        const dP = bmm(dO, vs, false, true);
        const dV = bmm(ps, dO, true, false);
        const dS = scoresGrad(dP, ps, qs.shape[2]);
        const dQ = bmm(dS, ks);
        const dK = bmm(dS, qs, true, false);
        const dq = mergeHeads(dQ, groups, heads);
        const dk = mergeHeads(dK, groups, heads);
        const dv = mergeHeads(dV, groups, heads);
        const memT = tr(mem);
        const dh = mm(dq, tr(p.wq));
        const dmem = kAdd(mm(dk, tr(p.wk)), mm(dv, tr(p.wv)));
        const dx = kAdd(dy, normaliseGrad(dh, hs, rs));
        return [dx, dmem, mm(tr(hs), dq), columnSums(dq), mm(memT, dk), columnSums(dk), mm(memT, dv), columnSums(dv), dwo, dbo];
      },
    };
  });
  return f(y, memory, ...attentionParamList(p)) as tf.Tensor2D;
}

/** Weights of one MLP sublayer: `up` `[width, hidden]` (ReLU) and `down` `[hidden, width]`. */
export interface MlpParams {
  readonly wUp: tf.Tensor2D;
  readonly bUp: tf.Tensor1D;
  readonly wDown: tf.Tensor2D;
  readonly bDown: tf.Tensor1D;
}

/** Pre-LN MLP sublayer `x + drop(relu(LN(x)·Wup + bup)·Wdown + bdown)` as one tape node. */
export function mlpBlock(x: tf.Tensor2D, p: MlpParams, options: { dropout?: DropoutSpec } = {}): tf.Tensor2D {
  const f = tf.customGrad((...args) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const { h, rstd } = normalise(x);
    const u = affine(h, p.wUp, p.bUp, true);
    const y = kAdd(x, maybeDrop(affine(u, p.wDown, p.bDown), options.dropout));
    save([h, rstd, u]);
    return {
      value: y,
      gradFunc: (dy, saved) => {
        const [hs, rs, us] = saved as tf.Tensor2D[];
        const dz = maybeDrop(dy as tf.Tensor2D, options.dropout);
        const du = kMul(mm(dz, tr(p.wDown)), kStep(us));
        const dh = mm(du, tr(p.wUp));
        const dx = kAdd(dy, normaliseGrad(dh, hs, rs));
        return [dx, mm(tr(hs), du), columnSums(du), mm(tr(us), dz), columnSums(dz)];
      },
    };
  });
  return f(x, p.wUp, p.bUp, p.wDown, p.bDown) as tf.Tensor2D;
}

/**
 * Embeds constant rows (pixels, one-hot ids) `x` `[groups·len, in]` as `x·w (+ b) + table`, the
 * `[len, width]` table (positions) added to every group. `xT` (`[in, groups·len]`, built by the
 * caller on the CPU side) spares a transpose in the gradient. Gradients flow to `w`, `b`, `table`.
 */
export function embedRows(
  x: tf.Tensor2D,
  xT: tf.Tensor2D | undefined,
  w: tf.Tensor2D,
  b: tf.Tensor1D | null,
  table: tf.Tensor2D,
): tf.Tensor2D {
  const [len, width] = table.shape;
  const groups = x.shape[0] / len;
  const inputs: tf.Tensor[] = b ? [w, b, table] : [w, table];
  const f = tf.customGrad((...args) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const z = affine(x, w, b);
    const y = kReshape<tf.Tensor2D>(kAdd(kReshape(z, [groups, len, width]), table), [groups * len, width]);
    save([xT ?? x]);
    return {
      value: y,
      gradFunc: (dy, saved) => {
        const g = dy as tf.Tensor2D;
        const dw = mm(xT ? (saved[0] as tf.Tensor2D) : tr(saved[0] as tf.Tensor2D), g);
        // A reduction rather than a ones matMul: a reshaped alias of `g` must not be a right operand (see columnSums).
        const dTable = kReshape(columnSumsByReduction(kReshape(g, [groups, len * width])), [len, width]);
        return b ? [dw, columnSums(g), dTable] : [dw, dTable];
      },
    };
  });
  return f(...inputs) as tf.Tensor2D;
}
