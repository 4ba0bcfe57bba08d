import * as tf from '@tensorflow/tfjs-core';
import { CounterRng } from '../counter-rng.js';

/** Inverted dropout on a residual branch: keep each value with probability `1 − rate`, scaled by `1/(1 − rate)`. */
export interface DropoutSpec {
  readonly rate: number;
  /** Key of the mask's random stream (a function of run seed, step and site). */
  readonly key: number;
}

/** The dropout mask `[rows, cols]`, rebuilt bit-identically from its key (so the gradient needs no saved copy). */
export function dropoutMask(spec: DropoutSpec, rows: number, cols: number): tf.Tensor2D {
  const rng = new CounterRng(spec.key);
  const data = new Float32Array(rows * cols);
  const keep = 1 / (1 - spec.rate);
  for (let i = 0; i < data.length; i++) data[i] = rng.next() >= spec.rate ? keep : 0;
  return tf.tensor2d(data, [rows, cols]);
}
