import * as tf from '@tensorflow/tfjs-core';

type Unary = (x: tf.Tensor) => tf.Tensor;

// Built on first use so that importing this module does not touch the tfjs engine.
let identityWithZeroGrad: Unary | undefined;

/**
 * Identity in the forward pass with a zero gradient (PyTorch `.detach()`, JAX `stop_gradient`),
 * built on `tf.customGrad` because tfjs has no such op.
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  identityWithZeroGrad ??= tf.customGrad((input) => ({
    value: (input as tf.Tensor).clone(),
    gradFunc: (dy) => tf.zerosLike(dy),
  })) as Unary;
  return identityWithZeroGrad(x) as T;
}
