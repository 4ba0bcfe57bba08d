import { z } from 'zod';
import { ModelError } from '@spatial-ssrl/model';
import type { ParamSpec } from '@spatial-ssrl/model/training';

/** AdamW hyper-parameters and the learning-rate schedule (linear warm-up, then cosine decay). */
export const optimizerConfig = z.object({
  /** Peak learning rate, reached at the end of warm-up. */
  lr: z.number().positive(),
  /** Learning rate at the end of the schedule, as a fraction of `lr` (0-1). */
  minLrRatio: z.number().min(0).max(1).default(0.1),
  /** Steps of linear warm-up from 0 to `lr`. */
  warmupSteps: z.number().int().min(0).default(100),
  /** Steps of the whole schedule (warm-up included); cosine decay runs from warm-up to here. */
  totalSteps: z.number().int().positive(),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.999),
  eps: z.number().positive().default(1e-8),
  /** Decoupled weight decay, applied to weight matrices only. */
  weightDecay: z.number().min(0).default(0.01),
  /** Global gradient L2-norm limit; 0 disables clipping. */
  clipNorm: z.number().min(0).default(1),
});

/** A validated optimizer configuration. */
export type OptimizerConfig = z.infer<typeof optimizerConfig>;

/** Learning rate at `step` (0-based): linear warm-up to `lr`, then cosine decay to `lr·minLrRatio` at `totalSteps`. */
export function learningRate(config: OptimizerConfig, step: number): number {
  const { lr, warmupSteps, totalSteps, minLrRatio } = config;
  if (step < warmupSteps) return (lr * (step + 1)) / warmupSteps;
  const span = Math.max(1, totalSteps - warmupSteps);
  const progress = Math.min(1, (step - warmupSteps) / span);
  const floor = lr * minLrRatio;
  return floor + (lr - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
}

/** What one update did. */
export interface UpdateInfo {
  /** Global L2 norm of the gradients before clipping. */
  readonly gradNorm: number;
  /** Learning rate used. */
  readonly lr: number;
  /** Whether the gradients were scaled down to `clipNorm`. */
  readonly clipped: boolean;
}

/**
 * AdamW (Loshchilov & Hutter) on host memory: master weights, first and second moments are
 * `Float32Array`s updated in float64 arithmetic, so a step is bit-identical on every backend and
 * the whole state can be saved and restored exactly.
 */
export class AdamW {
  readonly config: OptimizerConfig;
  private readonly specs: readonly ParamSpec[];
  private readonly m = new Map<string, Float32Array>();
  private readonly v = new Map<string, Float32Array>();
  private count = 0;

  constructor(specs: readonly ParamSpec[], config: OptimizerConfig) {
    this.config = config;
    this.specs = specs;
    for (const s of specs) {
      const size = s.shape.reduce((a, b) => a * b, 1);
      this.m.set(s.name, new Float32Array(size));
      this.v.set(s.name, new Float32Array(size));
    }
  }

  /** Updates applied so far. */
  get step(): number {
    return this.count;
  }

  /** Applies one update to `weights` in place from `grads` (same names and sizes). */
  update(weights: Map<string, Float32Array>, grads: ReadonlyMap<string, Float32Array>): UpdateInfo {
    const c = this.config;
    let sq = 0;
    for (const s of this.specs) {
      const g = grads.get(s.name);
      if (!g) throw new ModelError('bad-input', `no gradient for ${s.name}`);
      for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
    }
    const gradNorm = Math.sqrt(sq);
    if (!Number.isFinite(gradNorm)) throw new ModelError('bad-input', `gradient norm is ${gradNorm} at step ${this.count}`);
    const clipped = c.clipNorm > 0 && gradNorm > c.clipNorm;
    const scale = clipped ? c.clipNorm / gradNorm : 1;
    const lr = learningRate(c, this.count);
    this.count++;
    const bc1 = 1 - c.beta1 ** this.count;
    const bc2 = 1 - c.beta2 ** this.count;
    for (const s of this.specs) {
      const g = grads.get(s.name)!;
      const w = weights.get(s.name)!;
      const m = this.m.get(s.name)!;
      const v = this.v.get(s.name)!;
      const decay = s.decay ? c.weightDecay : 0;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i] * scale;
        const mi = c.beta1 * m[i] + (1 - c.beta1) * gi;
        const vi = c.beta2 * v[i] + (1 - c.beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        w[i] = w[i] - lr * (mi / bc1 / (Math.sqrt(vi / bc2) + c.eps) + decay * w[i]);
      }
    }
    return { gradNorm, lr, clipped };
  }

  /** The moments as one buffer (`m` then `v` of each parameter, in parameter order) for checkpoints. */
  saveMoments(): Float32Array {
    const total = this.specs.reduce((n, s) => n + this.m.get(s.name)!.length, 0);
    const out = new Float32Array(total * 2);
    let o = 0;
    for (const s of this.specs) {
      out.set(this.m.get(s.name)!, o);
      o += this.m.get(s.name)!.length;
      out.set(this.v.get(s.name)!, o);
      o += this.v.get(s.name)!.length;
    }
    return out;
  }

  /** Restores the state written by `saveMoments` and the number of updates applied. */
  loadMoments(buffer: Float32Array, step: number): void {
    const total = this.specs.reduce((n, s) => n + this.m.get(s.name)!.length, 0);
    if (buffer.length !== total * 2) {
      throw new ModelError('checkpoint-corrupt', `optimizer state has ${buffer.length} values, expected ${total * 2}`);
    }
    let o = 0;
    for (const s of this.specs) {
      const m = this.m.get(s.name)!;
      m.set(buffer.subarray(o, o + m.length));
      o += m.length;
      const v = this.v.get(s.name)!;
      v.set(buffer.subarray(o, o + v.length));
      o += v.length;
    }
    this.count = step;
  }
}
