import * as tf from '@tensorflow/tfjs-core';
import { imageTokenCount, modelConfig, patchDim, type ModelConfig } from './config.js';
import { CONDITION_VOCAB_SIZE } from './conditioning.js';
import { hashKey } from './counter-rng.js';
import { CheckpointError, ModelError } from './errors.js';
import { oneHot, type EncoderFeed, type TokenFeed } from './feed.js';
import type { DropoutSpec } from './ops/dropout.js';
import { headLogits, headPick } from './ops/head.js';
import { causalBias, normalise, normaliseGrad } from './ops/primitives.js';
import {
  crossAttentionBlock,
  embedRows,
  mlpBlock,
  selfAttentionBlock,
  type AttentionParams,
  type MlpParams,
} from './ops/sublayers.js';
import { initialWeights, paramSpecs, type ParamSpec } from './params.js';
import { TEXT_VOCAB_SIZE } from './tokenizer.js';

/** How a forward pass runs. */
export interface ForwardOptions {
  /** Prepare what the gradient needs (transposed activations) and enable dropout. */
  readonly training?: boolean;
  /** Key of the dropout masks (derive it from the run seed and step); without it dropout is off. */
  readonly dropoutKey?: number;
}

/** The encoded images and conditioning of a batch: the decoder's cross-attention memory. */
export interface Memory {
  /** `[rows·length, width]`, layer-normalised. */
  readonly memory: tf.Tensor2D;
  /** `[rows, length]` additive bias hiding padded slots, when any. */
  readonly bias?: tf.Tensor2D;
  readonly rows: number;
  readonly length: number;
}

interface Ctx {
  readonly training: boolean;
  readonly dropoutKey?: number;
  site: number;
}

/** Options of `PolicyModel.create`. */
export interface CreateModelOptions {
  /** Seed of the initial weights (same seed → same weights). Default 0. */
  readonly seed?: number;
  /** Whether the variables take gradients; a frozen reference model uses `false`. Default true. */
  readonly trainable?: boolean;
}

/**
 * The vision-language policy: a patch encoder (pre-LN transformer, shared by every image of a
 * prompt) and an answer decoder with causal self-attention and cross-attention to the image
 * tokens plus the prompt's conditioning tokens. Every sublayer is one tape node with a
 * hand-written gradient whose projections are plain 2-D matMuls (see `ops/sublayers.ts`);
 * embeddings are one-hot × matrix so they differentiate on every backend.
 */
export class PolicyModel {
  readonly config: ModelConfig;
  readonly trainable: boolean;
  readonly specs: readonly ParamSpec[];
  private readonly vars: Map<string, tf.Variable>;
  private disposed = false;

  private constructor(config: ModelConfig, weights: ReadonlyMap<string, Float32Array>, trainable: boolean) {
    if (tf.engine().backendNames().length === 0) {
      throw new ModelError('backend-unavailable', 'no TensorFlow.js backend is registered: call loadBackend() first');
    }
    this.config = config;
    this.trainable = trainable;
    this.specs = paramSpecs(config);
    this.vars = new Map();
    for (const spec of this.specs) {
      const values = weights.get(spec.name)!;
      const init = tf.tensor(values, [...spec.shape], 'float32');
      this.vars.set(spec.name, tf.variable(init, trainable));
      init.dispose();
    }
  }

  /** A model with freshly initialised weights (deterministic in `seed`). */
  static create(config: ModelConfig, options: CreateModelOptions = {}): PolicyModel {
    const parsed = modelConfig.parse(config);
    return new PolicyModel(parsed, initialWeights(parsed, options.seed ?? 0), options.trainable ?? true);
  }

  /**
   * A model with the given weights; throws `CheckpointError` (`weights-mismatch`) naming the first
   * missing, unexpected or wrongly shaped tensor. `source` names where the weights came from.
   */
  static fromWeights(
    config: ModelConfig,
    weights: ReadonlyMap<string, Float32Array>,
    options: { trainable?: boolean; source?: string } = {},
  ): PolicyModel {
    const parsed = modelConfig.parse(config);
    checkWeights(parsed, weights, options.source ?? '<weights>');
    return new PolicyModel(parsed, weights, options.trainable ?? true);
  }

  /** The model's variables in parameter order. */
  get variables(): tf.Variable[] {
    this.assertAlive();
    return [...this.vars.values()];
  }

  /** Parameter names in order (the order of the weights file). */
  get parameterNames(): string[] {
    return this.specs.map((s) => s.name);
  }

  /** The variable holding parameter `name`. */
  param(name: string): tf.Variable {
    this.assertAlive();
    const v = this.vars.get(name);
    if (!v) throw new ModelError('bad-input', `no parameter named ${name}`);
    return v;
  }

  /** Total number of scalar parameters. */
  get parameterCount(): number {
    return this.specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  }

  /** Copies every parameter out of the backend. */
  readWeights(): Map<string, Float32Array> {
    this.assertAlive();
    const out = new Map<string, Float32Array>();
    for (const [name, v] of this.vars) out.set(name, v.dataSync() as Float32Array);
    return out;
  }

  /** Replaces parameters (all or some) with new values of the same shapes. */
  writeWeights(weights: ReadonlyMap<string, Float32Array>): void {
    this.assertAlive();
    for (const [name, values] of weights) {
      const v = this.param(name);
      if (values.length !== v.size) {
        throw new CheckpointError('weights-mismatch', name, `has ${values.length} values, expected ${v.size} (shape ${v.shape.join('×')})`);
      }
      const t = tf.tensor(values, v.shape, 'float32');
      v.assign(t);
      t.dispose();
    }
  }

  /** An independent copy with the same weights, frozen by default (a reference policy for KL). */
  clone(options: { trainable?: boolean } = {}): PolicyModel {
    return new PolicyModel(this.config, this.readWeights(), options.trainable ?? false);
  }

  /** Frees the variables; the model is unusable afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }

  private assertAlive(): void {
    if (this.disposed) throw new ModelError('bad-input', 'this model has been disposed');
  }

  private w(name: string): tf.Tensor2D {
    return this.vars.get(name) as tf.Tensor2D;
  }

  private b(name: string): tf.Tensor1D {
    return this.vars.get(name) as tf.Tensor1D;
  }

  private drop(ctx: Ctx): DropoutSpec | undefined {
    const site = ctx.site++;
    if (!ctx.training || this.config.dropout === 0 || ctx.dropoutKey === undefined) return undefined;
    return { rate: this.config.dropout, key: hashKey(ctx.dropoutKey, site) };
  }

  private rowsTable(name: string, rows: number): tf.Tensor2D {
    const t = this.w(name);
    return rows === t.shape[0] ? t : tf.slice(t, [0, 0], [rows, t.shape[1]]);
  }

  /** The attention weights of sublayer `prefix` (`enc.0`, `dec.1`, or `dec.1.x` for cross-attention). */
  attentionParams(prefix: string, cross = false): AttentionParams {
    const x = cross ? 'x' : '';
    return {
      wq: this.w(`${prefix}.${x}q.w`),
      bq: this.b(`${prefix}.${x}q.b`),
      wk: this.w(`${prefix}.${x}k.w`),
      bk: this.b(`${prefix}.${x}k.b`),
      wv: this.w(`${prefix}.${x}v.w`),
      bv: this.b(`${prefix}.${x}v.b`),
      wo: this.w(`${prefix}.${x}o.w`),
      bo: this.b(`${prefix}.${x}o.b`),
    };
  }

  /** The MLP weights of block `prefix`. */
  mlpParams(prefix: string): MlpParams {
    return {
      wUp: this.w(`${prefix}.up.w`),
      bUp: this.b(`${prefix}.up.b`),
      wDown: this.w(`${prefix}.down.w`),
      bDown: this.b(`${prefix}.down.b`),
    };
  }

  /** Encodes images and conditioning into the cross-attention memory (call inside `tf.tidy`). */
  encode(feed: EncoderFeed, options: ForwardOptions = {}): Memory {
    this.assertAlive();
    const ctx: Ctx = { training: options.training ?? false, dropoutKey: options.dropoutKey, site: 0 };
    return this.encodeWith(feed, ctx);
  }

  private encodeWith(feed: EncoderFeed, ctx: Ctx): Memory {
    const c = this.config;
    const d = c.width;
    const t = imageTokenCount(c);
    const rows = feed.rows;
    const parts: tf.Tensor3D[] = [];
    if (feed.imagesPerRow > 0) {
      const n = rows * feed.imagesPerRow * t;
      const pd = patchDim(c);
      const px = tf.tensor2d(feed.patches, [n, pd]);
      const pxT = ctx.training && feed.patchesT ? tf.tensor2d(feed.patchesT, [pd, n]) : undefined;
      const index = this.rowsTable('image.index', feed.imagesPerRow);
      const table = tf.reshape(
        tf.add(tf.reshape(index, [feed.imagesPerRow, 1, d]), tf.reshape(this.w('patch.pos'), [1, t, d])),
        [feed.imagesPerRow * t, d],
      ) as tf.Tensor2D;
      let x = embedRows(px, pxT, this.w('patch.w'), this.b('patch.b'), table);
      const shape = { groups: rows * feed.imagesPerRow, len: t, heads: c.heads };
      for (let i = 0; i < c.encoderDepth; i++) {
        x = selfAttentionBlock(x, this.attentionParams(`enc.${i}`), shape, { dropout: this.drop(ctx) });
        x = mlpBlock(x, this.mlpParams(`enc.${i}`), { dropout: this.drop(ctx) });
      }
      parts.push(tf.reshape(x, [rows, feed.imagesPerRow * t, d]));
    }
    const p = feed.conditionLength;
    const oh = oneHot(feed.condition, CONDITION_VOCAB_SIZE, ctx.training);
    const ohT = oh.rowsT ? tf.tensor2d(oh.rowsT, [CONDITION_VOCAB_SIZE, rows * p]) : undefined;
    const cond = embedRows(
      tf.tensor2d(oh.rows, [rows * p, CONDITION_VOCAB_SIZE]),
      ohT,
      this.w('cond.embed'),
      null,
      this.rowsTable('cond.pos', p),
    );
    parts.push(tf.reshape(cond, [rows, p, d]));
    const length = feed.imagesPerRow * t + p;
    const joined = parts.length === 1 ? parts[0] : tf.concat(parts, 1);
    return {
      memory: normaliseRows(tf.reshape(joined, [rows * length, d])),
      bias: feed.memoryBias ? tf.tensor2d(feed.memoryBias, [rows, length]) : undefined,
      rows,
      length,
    };
  }

  /** Decoder output rows `[rows·length, width]` (before the head) for teacher-forced `tokens`. */
  private decodeRows(mem: Memory, tokens: TokenFeed, ctx: Ctx): tf.Tensor2D {
    const rows = tokens.rows;
    const len = tokens.length;
    if (rows !== mem.rows) throw new ModelError('bad-input', `memory has ${mem.rows} rows but tokens have ${rows}`);
    const oh = oneHot(tokens.inputs, TEXT_VOCAB_SIZE, ctx.training);
    const ohT = oh.rowsT ? tf.tensor2d(oh.rowsT, [TEXT_VOCAB_SIZE, rows * len]) : undefined;
    let y = embedRows(
      tf.tensor2d(oh.rows, [rows * len, TEXT_VOCAB_SIZE]),
      ohT,
      this.w('tok.embed'),
      null,
      this.rowsTable('tok.pos', len),
    );
    const causal = causalBias(len);
    const shape = { groups: rows, len, heads: this.config.heads };
    for (let i = 0; i < this.config.decoderDepth; i++) {
      y = selfAttentionBlock(y, this.attentionParams(`dec.${i}`), shape, { shared: causal, dropout: this.drop(ctx) });
      y = crossAttentionBlock(y, mem.memory, this.attentionParams(`dec.${i}`, true), { ...shape, memLen: mem.length }, {
        perRow: mem.bias,
        dropout: this.drop(ctx),
      });
      y = mlpBlock(y, this.mlpParams(`dec.${i}`), { dropout: this.drop(ctx) });
    }
    return y;
  }

  /** Decoder logits `[rows·length, vocab]` for teacher-forced `tokens` given an encoded memory (call inside `tf.tidy`). */
  decode(mem: Memory, tokens: TokenFeed, options: ForwardOptions = {}): tf.Tensor2D {
    this.assertAlive();
    const ctx: Ctx = { training: options.training ?? false, dropoutKey: options.dropoutKey, site: 1000 };
    return headLogits(this.decodeRows(mem, tokens, ctx), this.w('head.w'), this.b('head.b'));
  }

  /** Teacher-forced logits `[rows·length, vocab]` (call inside `tf.tidy`). */
  logits(feed: EncoderFeed, tokens: TokenFeed, options: ForwardOptions = {}): tf.Tensor2D {
    this.assertAlive();
    const ctx: Ctx = { training: options.training ?? false, dropoutKey: options.dropoutKey, site: 0 };
    const y = this.decodeRows(this.encodeWith(feed, ctx), tokens, ctx);
    return headLogits(y, this.w('head.w'), this.b('head.b'));
  }

  private pick(feed: EncoderFeed, tokens: TokenFeed, options: ForwardOptions, mean: number | false, repeat = 1): tf.Tensor1D {
    this.assertAlive();
    const ctx: Ctx = { training: options.training ?? false, dropoutKey: options.dropoutKey, site: 0 };
    const y = this.decodeRows(repeatMemory(this.encodeWith(feed, ctx), repeat), tokens, ctx);
    const coeff = tf.tensor2d(targetWeights(tokens, mean), [tokens.rows * tokens.length, TEXT_VOCAB_SIZE]);
    return headPick(y, this.w('head.w'), this.b('head.b'), coeff);
  }

  /**
   * Differentiable log-probabilities `[rows, length]` of each target token under the model's own
   * (temperature 1) distribution, 0 where `tokens.mask` is 0 (call inside `tf.tidy`). With
   * `samplesPerInput` n, encoder row `i` serves token rows `i·n` to `i·n + n − 1` (several answers
   * to one prompt: the prompt is encoded once).
   */
  tokenLogProbs(feed: EncoderFeed, tokens: TokenFeed, options: ForwardOptions & { readonly samplesPerInput?: number } = {}): tf.Tensor2D {
    const n = options.samplesPerInput ?? 1;
    if (!Number.isInteger(n) || n < 1 || feed.rows * n !== tokens.rows) {
      throw new ModelError('bad-input', `${feed.rows} encoder rows × samplesPerInput ${n} do not match ${tokens.rows} token rows`);
    }
    return tf.reshape(this.pick(feed, tokens, options, false, n), [tokens.rows, tokens.length]);
  }

  /**
   * Mean cross-entropy (nats per target token) of teacher-forced `tokens` (call inside `tf.tidy`).
   * With `tokenCount` the summed cross-entropy is divided by that many tokens instead of the
   * batch's own: the share of a part of a larger batch, so that the shares of disjoint parts add
   * up to the whole batch's mean (at least the part's own masked-token count).
   */
  loss(feed: EncoderFeed, tokens: TokenFeed, options: ForwardOptions & { readonly tokenCount?: number } = {}): tf.Scalar {
    const own = maskedCount(tokens);
    const count = options.tokenCount ?? own;
    if (options.tokenCount !== undefined && !(Number.isFinite(count) && count >= own && count > 0)) {
      throw new ModelError('bad-input', `tokenCount must be at least the batch's own ${own} target tokens, got ${count}`);
    }
    return tf.neg(tf.sum(this.pick(feed, tokens, options, count))) as tf.Scalar;
  }
}

// Each memory row serves `n` consecutive token rows; a broadcast product, so the gradient sums back.
function repeatMemory(mem: Memory, n: number): Memory {
  if (n === 1) return mem;
  const d = mem.memory.shape[1];
  const ones = tf.ones([1, n, 1]);
  const memory = tf.reshape(tf.mul(tf.reshape(mem.memory, [mem.rows, 1, mem.length * d]), ones), [mem.rows * n * mem.length, d]) as tf.Tensor2D;
  const bias = mem.bias ? (tf.reshape(tf.mul(tf.reshape(mem.bias, [mem.rows, 1, mem.length]), ones), [mem.rows * n, mem.length]) as tf.Tensor2D) : undefined;
  return { memory, bias, rows: mem.rows * n, length: mem.length };
}

function normaliseRows(x: tf.Tensor2D): tf.Tensor2D {
  const f = tf.customGrad((xv, save) => {
    const { h, rstd } = normalise(xv as tf.Tensor2D);
    (save as tf.GradSaveFunc)([h, rstd]);
    return {
      value: h,
      gradFunc: (dh, saved) => normaliseGrad(dh as tf.Tensor2D, saved[0] as tf.Tensor2D, saved[1] as tf.Tensor2D),
    };
  });
  return f(x) as tf.Tensor2D;
}

function maskedCount(tokens: TokenFeed): number {
  let count = 0;
  for (let i = 0; i < tokens.mask.length; i++) count += tokens.mask[i];
  return count;
}

// One-hot of each masked target; divided by `count` target tokens when one is given.
function targetWeights(tokens: TokenFeed, count: number | false): Float32Array {
  const v = TEXT_VOCAB_SIZE;
  const out = new Float32Array(tokens.rows * tokens.length * v);
  const w = count === false ? 1 : 1 / Math.max(1, count);
  for (let i = 0; i < tokens.mask.length; i++) {
    if (tokens.mask[i] > 0) out[i * v + tokens.targets[i]] = w * tokens.mask[i];
  }
  return out;
}

function checkWeights(config: ModelConfig, weights: ReadonlyMap<string, Float32Array>, source: string): void {
  const specs = paramSpecs(config);
  const known = new Set(specs.map((s) => s.name));
  for (const spec of specs) {
    const values = weights.get(spec.name);
    if (!values) throw new CheckpointError('weights-mismatch', source, `tensor ${spec.name} is missing (the config expects shape ${spec.shape.join('×')})`);
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (values.length !== size) {
      throw new CheckpointError(
        'weights-mismatch',
        source,
        `tensor ${spec.name} has ${values.length} values but the config expects shape ${spec.shape.join('×')} (${size} values)`,
      );
    }
  }
  for (const name of weights.keys()) {
    if (!known.has(name)) throw new CheckpointError('weights-mismatch', source, `tensor ${name} is not part of a model with this config`);
  }
}
