import { imageTokenCount, mlpWidth, patchDim, type ModelConfig } from './config.js';
import { CONDITION_VOCAB_SIZE } from './conditioning.js';
import { CounterRng, hashKey } from './counter-rng.js';
import { TEXT_VOCAB_SIZE } from './tokenizer.js';

/** One named parameter tensor of the model: its shape, how it starts, whether AdamW decays it. */
export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  /** Standard deviation of the normal initialisation; 0 means zeros. */
  readonly std: number;
  /** Whether decoupled weight decay applies (weight matrices only). */
  readonly decay: boolean;
}

/**
 * Every parameter of a model with `config`, in a fixed order (the order of the weights file).
 * Projections start at N(0, 1/fan_in), residual output projections are further scaled by
 * 1/√(2·blocks), embedding and position tables start at N(0, 0.5²), the output head at
 * N(0, 0.02²), biases at 0.
 */
// Position, image-index and token tables start comparable to the patch features (std 0.5), so
// image tokens carry their position from the first step; at 0.02 the model stalls until they grow.
const TABLE_STD = 0.5;

export function paramSpecs(config: ModelConfig): ParamSpec[] {
  const d = config.width;
  const m = mlpWidth(config);
  const blocks = config.encoderDepth + config.decoderDepth;
  const residual = 1 / Math.sqrt(2 * Math.max(1, blocks));
  const specs: ParamSpec[] = [];
  const weight = (name: string, fanIn: number, fanOut: number, scale = 1): void => {
    specs.push({ name: `${name}.w`, shape: [fanIn, fanOut], std: scale / Math.sqrt(fanIn), decay: true });
    specs.push({ name: `${name}.b`, shape: [fanOut], std: 0, decay: false });
  };
  const table = (name: string, rows: number): void => {
    specs.push({ name, shape: [rows, d], std: TABLE_STD, decay: false });
  };
  weight('patch', patchDim(config), d);
  table('patch.pos', imageTokenCount(config));
  table('image.index', config.maxImages);
  for (let i = 0; i < config.encoderDepth; i++) {
    const p = `enc.${i}`;
    weight(`${p}.q`, d, d);
    weight(`${p}.k`, d, d);
    weight(`${p}.v`, d, d);
    weight(`${p}.o`, d, d, residual);
    weight(`${p}.up`, d, m);
    weight(`${p}.down`, m, d, residual);
  }
  table('cond.embed', CONDITION_VOCAB_SIZE);
  table('cond.pos', config.maxPromptTokens);
  table('tok.embed', TEXT_VOCAB_SIZE);
  table('tok.pos', config.maxAnswerTokens);
  for (let i = 0; i < config.decoderDepth; i++) {
    const p = `dec.${i}`;
    weight(`${p}.q`, d, d);
    weight(`${p}.k`, d, d);
    weight(`${p}.v`, d, d);
    weight(`${p}.o`, d, d, residual);
    weight(`${p}.xq`, d, d);
    weight(`${p}.xk`, d, d);
    weight(`${p}.xv`, d, d);
    weight(`${p}.xo`, d, d, residual);
    weight(`${p}.up`, d, m);
    weight(`${p}.down`, m, d, residual);
  }
  specs.push({ name: 'head.w', shape: [d, TEXT_VOCAB_SIZE], std: 0.02, decay: true });
  specs.push({ name: 'head.b', shape: [TEXT_VOCAB_SIZE], std: 0, decay: false });
  return specs;
}

/** Total number of scalar parameters of a model with `config`. */
export function countParameters(config: ModelConfig): number {
  return paramSpecs(config).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
}

/** Deterministic initial values of every parameter (same seed → same bytes), in `paramSpecs` order. */
export function initialWeights(config: ModelConfig, seed: number): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  paramSpecs(config).forEach((spec, index) => {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    if (spec.std > 0) {
      const rng = new CounterRng(hashKey(seed, 0x1417, index));
      for (let i = 0; i < size; i++) values[i] = rng.normal() * spec.std;
    }
    out.set(spec.name, values);
  });
  return out;
}
