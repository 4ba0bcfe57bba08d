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
  /**
   * Samples drawn per input row (the memory is encoded once and shared): one count for every row,
   * or one per input row. Default 1.
   */
  readonly samplesPerInput?: number | readonly number[];
  /**
   * Stream key per output row (input row `i`, sample `j` → `keys[i·n + j]`); rows with equal
   * keys and seed draw equal samples whatever the batch. Default: the output row index.
   */
  readonly rowKeys?: readonly number[];
  /** Reuse the self-attention keys and values of earlier tokens (default true); false recomputes the prefix every step. */
  readonly cache?: boolean;
  /**
   * Settings of each output row (length `rows·samplesPerInput`), overriding the shared
   * temperature, top-p, token budget and stream seed; rows of one batch may differ in all of them.
   */
  readonly rows?: readonly RowSampling[];
}

/** The sampling settings of one output row, for batches whose rows differ. */
export interface RowSampling {
  /** Softmax temperature; 0 is greedy. */
  readonly temperature: number;
  /** Nucleus size in (0, 1]. */
  readonly topP: number;
  /** Most tokens to generate for this row, EOS included; capped at the model's `maxAnswerTokens`. */
  readonly maxTokens: number;
  /** Seed of this row's stream (its key is `rowKeys[row]`, or the row index). */
  readonly seed: number;
  /** Texts that end this row when generated; the text returned stops before the first of them. */
  readonly stop?: readonly string[];
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
  /** `stop` when EOS or a stop text was generated, `length` when `maxTokens` ran out (or the row was ended early). */
  readonly finishReason: 'stop' | 'length';
}

function checkRow(o: { temperature: number; topP: number; maxTokens: number }, where = ''): void {
  if (!(o.temperature >= 0) || !Number.isFinite(o.temperature)) throw new ModelError('bad-input', `${where}temperature must be ≥ 0, got ${o.temperature}`);
  if (!(o.topP > 0 && o.topP <= 1)) throw new ModelError('bad-input', `${where}topP must be in (0, 1], got ${o.topP}`);
  if (!Number.isInteger(o.maxTokens) || o.maxTokens < 1) throw new ModelError('bad-input', `${where}maxTokens must be a positive integer, got ${o.maxTokens}`);
}

function checkOptions(o: SampleOptions, rows: number): void {
  checkRow(o);
  const counts = typeof o.samplesPerInput === 'object' ? o.samplesPerInput : [o.samplesPerInput ?? 1];
  for (const n of counts) {
    if (!Number.isInteger(n) || n < 1) throw new ModelError('bad-input', `samplesPerInput must be a positive integer, got ${n}`);
  }
  if (o.rowKeys && o.rowKeys.length !== rows) {
    throw new ModelError('bad-input', `rowKeys has ${o.rowKeys.length} keys for ${rows} output rows`);
  }
  if (o.rows) {
    if (o.rows.length !== rows) throw new ModelError('bad-input', `rows has ${o.rows.length} settings for ${rows} output rows`);
    o.rows.forEach((r, i) => checkRow(r, `rows[${i}].`));
  }
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

// Input row `i` repeated `counts[i]` times.
function tileRows(mem: Memory, counts: readonly number[]): Memory {
  if (counts.every((c) => c === 1)) return mem;
  const idx = tf.tensor1d(
    counts.flatMap((c, i) => Array.from({ length: c }, () => i)),
    'int32',
  );
  const rows = idx.size;
  const d = mem.memory.shape[1];
  const flat = tf.reshape(mem.memory, [mem.rows, mem.length * d]);
  const memory = tf.reshape(tf.gather(flat, idx), [rows * mem.length, d]) as tf.Tensor2D;
  const bias = mem.bias ? (tf.gather(mem.bias, idx) as tf.Tensor2D) : undefined;
  return { memory, bias, rows, length: mem.length };
}

function sampleCounts(feed: EncoderFeed, samplesPerInput: SampleOptions['samplesPerInput']): number[] {
  if (typeof samplesPerInput === 'object') {
    if (samplesPerInput.length !== feed.rows) {
      throw new ModelError('bad-input', `samplesPerInput has ${samplesPerInput.length} counts for ${feed.rows} input rows`);
    }
    return [...samplesPerInput];
  }
  return Array.from({ length: feed.rows }, () => samplesPerInput ?? 1);
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
 * A batch being decoded one step at a time: the memory is encoded once (and shared by the
 * `samplesPerInput` samples of each row), then every `step()` draws one token for each unfinished
 * row with a key/value cache. Every row has its own counter-based random stream keyed by
 * `(seed, rowKeys[row])`, so what a row generates does not depend on the other rows of the batch
 * (as long as the encoder feed lays the row out the same way). Call `dispose()` when done.
 */
export class SamplingRun {
  /** Output rows: input rows × samples per input, input row by input row. */
  readonly rows: number;
  private readonly model: PolicyModel;
  private readonly settings: readonly RowSampling[];
  private readonly limits: Int32Array;
  private readonly streams: CounterRng[];
  private readonly tokens: number[][];
  private readonly logProbs: number[][];
  private readonly texts: string[];
  private readonly reasons: (SampledSequence['finishReason'] | 'abort' | undefined)[];
  private readonly ids: Int32Array;
  private readonly mem: Memory;
  private readonly stepper?: Stepper;
  private readonly row: Float64Array;
  private readonly longest: number;
  private t = 0;
  private disposed = false;

  constructor(model: PolicyModel, feed: EncoderFeed, options: SampleOptions) {
    const counts = sampleCounts(feed, options.samplesPerInput);
    this.rows = counts.reduce((a, b) => a + b, 0);
    checkOptions(options, this.rows);
    this.model = model;
    const cap = model.config.maxAnswerTokens;
    const shared: RowSampling = { temperature: options.temperature, topP: options.topP, maxTokens: options.maxTokens, seed: options.seed };
    this.settings = options.rows ?? Array.from({ length: this.rows }, () => shared);
    this.limits = Int32Array.from(this.settings, (s) => Math.min(s.maxTokens, cap));
    this.longest = Math.max(...this.limits);
    this.streams = this.settings.map((s, r) => new CounterRng(hashKey(s.seed, options.rowKeys?.[r] ?? r)));
    this.tokens = Array.from({ length: this.rows }, () => []);
    this.logProbs = Array.from({ length: this.rows }, () => []);
    this.texts = Array.from({ length: this.rows }, () => '');
    this.reasons = new Array(this.rows).fill(undefined);
    this.ids = new Int32Array(this.rows).fill(BOS_ID);
    this.row = new Float64Array(TEXT_VOCAB_SIZE);
    this.mem = tf.tidy(() => {
      const m = tileRows(model.encode(feed), counts);
      return { ...m, memory: tf.keep(m.memory), bias: m.bias ? tf.keep(m.bias) : undefined };
    });
    this.stepper = options.cache ?? true ? new Stepper(model, this.mem) : undefined;
  }

  /** Whether every row has finished. */
  get done(): boolean {
    return this.reasons.every((r) => r !== undefined);
  }

  /** Whether output row `r` has finished. */
  finished(r: number): boolean {
    return this.reasons[r] !== undefined;
  }

  /** The text output row `r` has generated so far (stop texts excluded). */
  text(r: number): string {
    return this.texts[r];
  }

  /** Ends output row `r` now (its result stops being useful, e.g. its client left); it reads `length`. */
  abort(r: number): void {
    if (this.reasons[r] === undefined) this.reasons[r] = 'abort';
  }

  /**
   * Draws the next token of every unfinished row; returns the rows that produced text in this
   * step (EOS and the end of a stop text produce none). Does nothing once every row has finished.
   */
  step(): number[] {
    if (this.disposed) throw new ModelError('bad-input', 'this sampling run has been disposed');
    const changed: number[] = [];
    if (this.done) return changed;
    const t = this.t++;
    const logitsT = this.stepper ? this.stepper.step(this.ids, t) : lastLogits(this.model, this.mem, this.tokens, t);
    const logits = logitsT.dataSync() as Float32Array;
    logitsT.dispose();
    const v = TEXT_VOCAB_SIZE;
    for (let r = 0; r < this.rows; r++) {
      if (this.reasons[r] !== undefined) {
        this.ids[r] = PAD_ID;
        continue;
      }
      const s = this.settings[r];
      logSoftmaxRow(logits, r * v, v, this.row);
      const tok = pickToken(this.row, s.temperature, s.topP, this.streams[r].next());
      this.tokens[r].push(tok);
      this.logProbs[r].push(this.row[tok]);
      this.ids[r] = tok;
      if (tok === EOS_ID) {
        this.reasons[r] = 'stop';
        continue;
      }
      const before = this.texts[r].length;
      const text = this.texts[r] + decodeText([tok]);
      const cut = s.stop ? stopIndex(text, s.stop, before) : -1;
      this.texts[r] = cut === -1 ? text : text.slice(0, cut);
      if (cut !== -1) this.reasons[r] = 'stop';
      else if (this.tokens[r].length >= this.limits[r]) this.reasons[r] = 'length';
      if (this.texts[r].length > before) changed.push(r);
    }
    if (this.t >= this.longest) for (let r = 0; r < this.rows; r++) this.reasons[r] ??= 'length';
    return changed;
  }

  /** What output row `r` has generated so far (an unfinished row reads `length`). */
  sequence(r: number): SampledSequence {
    const reason = this.reasons[r];
    return { tokens: [...this.tokens[r]], logProbs: [...this.logProbs[r]], text: this.texts[r], finishReason: reason === 'stop' ? 'stop' : 'length' };
  }

  /** The sequences generated so far, in output row order. */
  results(): SampledSequence[] {
    return this.tokens.map((_, r) => this.sequence(r));
  }

  /** Frees the tensors of the run. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stepper?.dispose();
    tf.dispose([this.mem.memory, this.mem.bias].filter((t) => t !== undefined));
  }
}

// Where the first stop text in `text` starts, looking only at matches that end after `from`.
function stopIndex(text: string, stops: readonly string[], from: number): number {
  let best = -1;
  for (const stop of stops) {
    if (stop === '') continue;
    const at = text.indexOf(stop, Math.max(0, from - stop.length + 1));
    if (at !== -1 && (best === -1 || at < best)) best = at;
  }
  return best;
}

/**
 * Generates answers for a batch: the memory is encoded once (and shared by the
 * `samplesPerInput` samples of each row), then tokens are drawn one step at a time with a
 * key/value cache. Every row has its own counter-based random stream keyed by
 * `(seed, rowKeys[row])`, so results do not depend on batch composition. Output rows are ordered
 * input row by input row, `samplesPerInput` consecutive samples each.
 */
export function sample(model: PolicyModel, feed: EncoderFeed, options: SampleOptions): SampledSequence[] {
  const run = new SamplingRun(model, feed, options);
  try {
    while (!run.done) run.step();
    return run.results();
  } finally {
    run.dispose();
  }
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
