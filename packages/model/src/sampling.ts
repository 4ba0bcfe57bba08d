import * as tf from '@tensorflow/tfjs-core';
import { CounterRng, hashKey } from './counter-rng.js';
import { ModelError } from './errors.js';
import { buildTokenFeed, type EncoderFeed } from './feed.js';
import type { Memory, PolicyModel } from './model.js';
import { kAdd, kBatchMatMul, kConcat, kDense, kGather, kNormalise, kReshape, kSoftmax } from './ops/kernels.js';
import { affine, splitHeads } from './ops/primitives.js';
import { BOS_ID, decodeText, EOS_ID, PAD_ID, TEXT_VOCAB_SIZE } from './tokenizer.js';

/** Options of `sample`. */
export interface SampleOptions {
  /** Softmax temperature; 0 means greedy (argmax, lowest id on ties). */
  readonly temperature: number;
  /** Nucleus size in (0, 1]: sample among the most likely tokens whose probabilities first reach `topP`. */
  readonly topP: number;
  /** Most tokens to generate per row, EOS included; capped at the model's `maxAnswerTokens`. */
  readonly maxTokens: number;
  /** Seed of the sampling streams. */
  readonly seed: number;
  /** Samples drawn per input row (the memory is encoded once and shared). Default 1. */
  readonly samplesPerInput?: number;
  /**
   * Stream key per output row (input row `i`, sample `j` → `keys[i·n + j]`); rows with equal
   * keys and seed draw equal samples whatever the batch. Default: the output row index.
   */
  readonly rowKeys?: readonly number[];
  /** Reuse the self-attention keys and values of earlier tokens (default true); false recomputes the prefix every step. */
  readonly cache?: boolean;
}

/** One generated answer. */
export interface SampledSequence {
  /** Generated token ids, EOS included when generation stopped on it. */
  readonly tokens: readonly number[];
  /**
   * Log-probability of each generated token under the model's own distribution
   * `softmax(logits)` — temperature 1, no top-p truncation, whatever `temperature`/`topP` were —
   * exactly what `PolicyModel.tokenLogProbs` recomputes.
   */
  readonly logProbs: readonly number[];
  /** Decoded text of the tokens before EOS. */
  readonly text: string;
  /** `stop` when EOS was generated, `length` when `maxTokens` ran out. */
  readonly finishReason: 'stop' | 'length';
}

function checkOptions(o: SampleOptions): void {
  if (!(o.temperature >= 0) || !Number.isFinite(o.temperature)) throw new ModelError('bad-input', `temperature must be ≥ 0, got ${o.temperature}`);
  if (!(o.topP > 0 && o.topP <= 1)) throw new ModelError('bad-input', `topP must be in (0, 1], got ${o.topP}`);
  if (!Number.isInteger(o.maxTokens) || o.maxTokens < 1) throw new ModelError('bad-input', `maxTokens must be a positive integer, got ${o.maxTokens}`);
  const n = o.samplesPerInput ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new ModelError('bad-input', `samplesPerInput must be a positive integer, got ${n}`);
}

/** Log-softmax of one row of logits, in float64. */
function logSoftmaxRow(logits: Float32Array, offset: number, v: number, out: Float64Array): void {
  let max = -Infinity;
  for (let i = 0; i < v; i++) max = Math.max(max, logits[offset + i]);
  let sum = 0;
  for (let i = 0; i < v; i++) sum += Math.exp(logits[offset + i] - max);
  const lse = max + Math.log(sum);
  for (let i = 0; i < v; i++) out[i] = logits[offset + i] - lse;
}

/** Picks a token from log-probabilities (temperature 1) given temperature, top-p and a uniform draw `u` in [0, 1). */
export function pickToken(logp: ArrayLike<number>, temperature: number, topP: number, u: number): number {
  const v = logp.length;
  if (temperature === 0) {
    let best = 0;
    for (let i = 1; i < v; i++) if (logp[i] > logp[best]) best = i;
    return best;
  }
  let max = -Infinity;
  for (let i = 0; i < v; i++) max = Math.max(max, logp[i] / temperature);
  const probs = new Float64Array(v);
  let sum = 0;
  for (let i = 0; i < v; i++) {
    probs[i] = Math.exp(logp[i] / temperature - max);
    sum += probs[i];
  }
  if (topP >= 1) {
    let target = u * sum;
    for (let i = 0; i < v; i++) {
      target -= probs[i];
      if (target < 0) return i;
    }
    return v - 1;
  }
  const order = Array.from({ length: v }, (_, i) => i).sort((a, b) => probs[b] - probs[a] || a - b);
  let kept = 0;
  let mass = 0;
  while (kept < v) {
    mass += probs[order[kept]];
    kept++;
    // A relative tolerance, so a nucleus that sums to topP up to rounding stops there.
    if (mass >= topP * sum * (1 - 1e-9)) break;
  }
  let target = u * mass;
  for (let i = 0; i < kept; i++) {
    target -= probs[order[i]];
    if (target < 0) return order[i];
  }
  return order[kept - 1];
}

interface LayerWeights {
  readonly wq: tf.Tensor3D;
  readonly bq: tf.Tensor1D;
  readonly wk: tf.Tensor3D;
  readonly bk: tf.Tensor1D;
  readonly wv: tf.Tensor3D;
  readonly bv: tf.Tensor1D;
  readonly wo: tf.Tensor3D;
  readonly bo: tf.Tensor1D;
  readonly xq: tf.Tensor3D;
  readonly xbq: tf.Tensor1D;
  readonly xo: tf.Tensor3D;
  readonly xbo: tf.Tensor1D;
  readonly up: tf.Tensor3D;
  readonly bUp: tf.Tensor1D;
  readonly down: tf.Tensor3D;
  readonly bDown: tf.Tensor1D;
  readonly crossKeys: tf.Tensor3D;
  readonly crossValues: tf.Tensor3D;
  keys?: tf.Tensor3D;
  values?: tf.Tensor3D;
}

function tileRows(mem: Memory, n: number): Memory {
  if (n === 1) return mem;
  const idx = tf.tensor1d(
    Array.from({ length: mem.rows * n }, (_, r) => Math.floor(r / n)),
    'int32',
  );
  const d = mem.memory.shape[1];
  const flat = tf.reshape(mem.memory, [mem.rows, mem.length * d]);
  const memory = tf.reshape(tf.gather(flat, idx), [mem.rows * n * mem.length, d]) as tf.Tensor2D;
  const bias = mem.bias ? (tf.gather(mem.bias, idx) as tf.Tensor2D) : undefined;
  return { memory, bias, rows: mem.rows * n, length: mem.length };
}

/** Incremental decoder: one token per row per step, self-attention keys/values cached per layer. */
class Stepper {
  private readonly layers: LayerWeights[] = [];
  private readonly model: PolicyModel;
  private readonly rows: number;
  private readonly kept: tf.Tensor[] = [];
  private readonly bias?: tf.Tensor3D;
  private readonly eps: tf.Scalar;
  private readonly embed: tf.Tensor2D;
  private readonly positions: tf.Tensor2D[];
  private readonly head: { w: tf.Tensor3D; b: tf.Tensor1D };

  constructor(model: PolicyModel, mem: Memory) {
    this.model = model;
    this.rows = mem.rows;
    const { heads, width, decoderDepth, maxAnswerTokens } = model.config;
    const scale = 1 / Math.sqrt(width / heads);
    const keep = <T extends tf.Tensor>(t: T): T => {
      this.kept.push(tf.keep(t));
      return t;
    };
    const as3 = (t: tf.Tensor, times = 1): tf.Tensor3D =>
      keep(tf.tidy(() => tf.reshape(times === 1 ? t : tf.mul(t, times), [1, t.shape[0], t.shape[1] ?? 1]) as tf.Tensor3D));
    this.eps = keep(tf.scalar(1e-5));
    this.embed = model.param('tok.embed') as tf.Tensor2D;
    this.head = { w: as3(model.param('head.w')), b: model.param('head.b') as tf.Tensor1D };
    this.positions = (tf.split(model.param('tok.pos'), maxAnswerTokens, 0) as tf.Tensor2D[]).map((t) => keep(t));
    for (let l = 0; l < decoderDepth; l++) {
      const p = model.attentionParams(`dec.${l}`);
      const x = model.attentionParams(`dec.${l}`, true);
      const mp = model.mlpParams(`dec.${l}`);
      this.layers.push({
        // The 1/√dh score scale is folded into the query projection once per call.
        wq: as3(p.wq, scale),
        bq: keep(tf.tidy(() => tf.mul(p.bq, scale))),
        wk: as3(p.wk),
        bk: p.bk,
        wv: as3(p.wv),
        bv: p.bv,
        wo: as3(p.wo),
        bo: p.bo,
        xq: as3(x.wq, scale),
        xbq: keep(tf.tidy(() => tf.mul(x.bq, scale))),
        xo: as3(x.wo),
        xbo: x.bo,
        up: as3(mp.wUp),
        bUp: mp.bUp,
        down: as3(mp.wDown),
        bDown: mp.bDown,
        crossKeys: keep(tf.tidy(() => splitHeads(affine(mem.memory, x.wk, x.bk), mem.rows, mem.length, heads))),
        crossValues: keep(tf.tidy(() => splitHeads(affine(mem.memory, x.wv, x.bv), mem.rows, mem.length, heads))),
      });
    }
    if (mem.bias) {
      const bias = mem.bias;
      this.bias = keep(
        tf.tidy(() => {
          const b = tf.reshape(bias, [mem.rows, 1, 1, mem.length]);
          return tf.reshape(tf.tile(b, [1, heads, 1, 1]), [mem.rows * heads, 1, mem.length]) as tf.Tensor3D;
        }),
      );
    }
  }

  private attend(q: tf.Tensor3D, keys: tf.Tensor3D, values: tf.Tensor3D, bias?: tf.Tensor3D): tf.Tensor3D {
    const { heads, width } = this.model.config;
    const b = this.rows;
    let s = kBatchMatMul(kReshape<tf.Tensor3D>(q, [b * heads, 1, width / heads]), keys, false, true);
    if (bias) s = kAdd(s, bias);
    return kReshape<tf.Tensor3D>(kBatchMatMul(kSoftmax(s), values, false, false), [1, b, width]);
  }

  /** Logits `[rows, vocab]` of the next token after feeding `ids` at position `t`. */
  step(ids: Int32Array, t: number): tf.Tensor2D {
    const { heads, width } = this.model.config;
    const b = this.rows;
    const dh = width / heads;
    const eps = this.eps;
    const out = tf.tidy(() => {
      const e = kAdd(kGather(this.embed, tf.tensor1d(ids, 'int32')), this.positions[t]);
      let y = kReshape<tf.Tensor3D>(e, [1, b, width]);
      const fresh: tf.Tensor3D[] = [];
      for (const w of this.layers) {
        const h = kNormalise(y, eps).h;
        const k = kReshape<tf.Tensor3D>(kDense(h, w.wk, w.bk), [b * heads, 1, dh]);
        const v = kReshape<tf.Tensor3D>(kDense(h, w.wv, w.bv), [b * heads, 1, dh]);
        const keys = w.keys ? kConcat([w.keys, k], 1) : k;
        const values = w.values ? kConcat([w.values, v], 1) : v;
        fresh.push(keys, values);
        y = kAdd(y, kDense(this.attend(kDense(h, w.wq, w.bq), keys, values), w.wo, w.bo));
        const hx = kNormalise(y, eps).h;
        y = kAdd(y, kDense(this.attend(kDense(hx, w.xq, w.xbq), w.crossKeys, w.crossValues, this.bias), w.xo, w.xbo));
        y = kAdd(y, kDense(kDense(kNormalise(y, eps).h, w.up, w.bUp, true), w.down, w.bDown));
      }
      const logits = kReshape<tf.Tensor2D>(kDense(kNormalise(y, eps).h, this.head.w, this.head.b), [b, TEXT_VOCAB_SIZE]);
      return { logits, fresh };
    });
    this.layers.forEach((w, l) => {
      w.keys?.dispose();
      w.values?.dispose();
      w.keys = out.fresh[2 * l];
      w.values = out.fresh[2 * l + 1];
    });
    return out.logits;
  }

  dispose(): void {
    for (const w of this.layers) tf.dispose([w.keys, w.values].filter((t) => t !== undefined));
    tf.dispose(this.kept);
  }
}

/**
 * Generates answers for a batch: the memory is encoded once (and shared by the
 * `samplesPerInput` samples of each row), then tokens are drawn one step at a time with a
 * key/value cache. Every row has its own counter-based random stream keyed by
 * `(seed, rowKeys[row])`, so results do not depend on batch composition. Output rows are ordered
 * input row by input row, `samplesPerInput` consecutive samples each.
 */
export function sample(model: PolicyModel, feed: EncoderFeed, options: SampleOptions): SampledSequence[] {
  checkOptions(options);
  const n = options.samplesPerInput ?? 1;
  const rows = feed.rows * n;
  if (options.rowKeys && options.rowKeys.length !== rows) {
    throw new ModelError('bad-input', `rowKeys has ${options.rowKeys.length} keys for ${rows} output rows`);
  }
  const maxTokens = Math.min(options.maxTokens, model.config.maxAnswerTokens);
  const streams = Array.from({ length: rows }, (_, r) => new CounterRng(hashKey(options.seed, options.rowKeys?.[r] ?? r)));
  const tokens: number[][] = Array.from({ length: rows }, () => []);
  const logProbs: number[][] = Array.from({ length: rows }, () => []);
  const done = new Uint8Array(rows);
  const v = TEXT_VOCAB_SIZE;
  const row = new Float64Array(v);
  const mem = tf.tidy(() => {
    const m = tileRows(model.encode(feed), n);
    return { ...m, memory: tf.keep(m.memory), bias: m.bias ? tf.keep(m.bias) : undefined };
  });
  const useCache = options.cache ?? true;
  const stepper = useCache ? new Stepper(model, mem) : undefined;
  try {
    const ids = new Int32Array(rows).fill(BOS_ID);
    for (let t = 0; t < maxTokens; t++) {
      const logitsT = stepper ? stepper.step(ids, t) : lastLogits(model, mem, tokens, t);
      const logits = logitsT.dataSync() as Float32Array;
      logitsT.dispose();
      let active = 0;
      for (let r = 0; r < rows; r++) {
        if (done[r]) {
          ids[r] = PAD_ID;
          continue;
        }
        logSoftmaxRow(logits, r * v, v, row);
        const tok = pickToken(row, options.temperature, options.topP, streams[r].next());
        tokens[r].push(tok);
        logProbs[r].push(row[tok]);
        ids[r] = tok;
        if (tok === EOS_ID) done[r] = 1;
        else active++;
      }
      if (active === 0) break;
    }
  } finally {
    stepper?.dispose();
    tf.dispose([mem.memory, mem.bias].filter((t) => t !== undefined));
  }
  return tokens.map((seq, r) => {
    const stopped = seq[seq.length - 1] === EOS_ID;
    return {
      tokens: seq,
      logProbs: logProbs[r],
      text: decodeText(stopped ? seq.slice(0, -1) : seq),
      finishReason: stopped ? 'stop' : 'length',
    };
  });
}

// Without a cache: re-runs the decoder over the whole prefix and keeps the last position's logits.
function lastLogits(model: PolicyModel, mem: Memory, tokens: readonly number[][], t: number): tf.Tensor2D {
  return tf.tidy(() => {
    const prefixes = tokens.map((seq) => (seq.length === t ? [...seq, PAD_ID] : [...seq.slice(0, t), PAD_ID]));
    const feed = buildTokenFeed(model.config, prefixes);
    const logits = model.decode(mem, feed);
    const idx = tf.tensor1d(
      Array.from({ length: tokens.length }, (_, r) => r * feed.length + t),
      'int32',
    );
    return tf.gather(logits, idx) as tf.Tensor2D;
  });
}
