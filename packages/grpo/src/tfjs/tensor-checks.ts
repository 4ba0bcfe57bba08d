import type * as tf from '@tensorflow/tfjs-core';
import { GrpoInputError } from '../errors.js';

function isTensor(value: unknown): value is tf.Tensor {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as tf.Tensor).shape) &&
    typeof (value as tf.Tensor).dataId === 'object'
  );
}

/** Checks that `value` is a tensor of the given rank with no zero-length axis; returns its shape. */
export function checkTensor(name: string, value: unknown, rank: number): number[] {
  if (!isTensor(value)) throw new GrpoInputError('NOT_AN_ARRAY', name, `expected a tf.Tensor of rank ${rank}`);
  if (value.isDisposed) throw new GrpoInputError('NOT_AN_ARRAY', name, 'the tensor has been disposed');
  if (value.rank !== rank) {
    const message = `has rank ${value.rank} (shape [${value.shape.join(', ')}]), expected ${rank}`;
    throw new GrpoInputError('SHAPE_MISMATCH', name, message);
  }
  if (value.shape.some((d) => d === 0)) {
    throw new GrpoInputError('EMPTY', name, `has shape [${value.shape.join(', ')}]`);
  }
  if (value.dtype !== 'float32' && value.dtype !== 'int32' && value.dtype !== 'bool') {
    throw new GrpoInputError('NOT_AN_ARRAY', name, `has dtype ${value.dtype}, expected a numeric tensor`);
  }
  return value.shape;
}

/** Checks that `value` is a tensor with exactly `shape`. */
export function checkTensorShape(name: string, value: unknown, shape: number[], like: string): void {
  const got = checkTensor(name, value, shape.length);
  if (got.some((d, k) => d !== shape[k])) {
    const message = `shape [${got.join(', ')}] does not match ${like} [${shape.join(', ')}]`;
    throw new GrpoInputError('SHAPE_MISMATCH', name, message);
  }
}
