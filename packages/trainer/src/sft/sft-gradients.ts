/** The gradient of an SFT batch (or of a part of it) by parameter name, and its loss. */
export interface SftGradients {
  /** Mean cross-entropy, nats per target token (a part's share when `tokenCount` was given). */
  readonly loss: number;
  readonly grads: Map<string, Float32Array>;
}

/** Options of `sftGradients`. */
export interface SftGradientOptions {
  /** Key of the dropout masks; without it dropout is off. */
  readonly dropoutKey?: number;
  /** Target tokens of the whole batch when `examples` are only a part of it; default their own. */
  readonly tokenCount?: number;
}
