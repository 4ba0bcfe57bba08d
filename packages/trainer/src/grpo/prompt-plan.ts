import { CounterRng, hashKey } from '@spatial-ssrl/model/training';
import { DatasetError } from '@spatial-ssrl/spec';

/**
 * The prompts of every GRPO step: an endless stream of per-epoch permutations of the training
 * prompts (each epoch shuffled by a stream keyed by `(seed, epoch)`), cut into consecutive
 * batches of `perStep`. The batch of a step is a pure function of `(seed, step)`, so a resumed
 * run sees exactly the prompts an uninterrupted one would.
 */
export class PromptPlan {
  readonly count: number;
  readonly perStep: number;
  private readonly seed: number;
  private readonly cache = new Map<number, Uint32Array>();

  constructor(count: number, perStep: number, seed: number) {
    if (count === 0) throw new DatasetError('corrupt-dataset', 'has no training prompts', { path: '<train split>' });
    this.count = count;
    this.perStep = perStep;
    this.seed = seed;
  }

  private epochOrder(epoch: number): Uint32Array {
    let order = this.cache.get(epoch);
    if (order) return order;
    order = new Uint32Array(this.count);
    for (let i = 0; i < this.count; i++) order[i] = i;
    const rng = new CounterRng(hashKey(this.seed, 0x9790, epoch));
    for (let i = this.count - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    // Two epochs at most are live at once (a batch may straddle an epoch boundary).
    if (this.cache.size >= 2) this.cache.delete(Math.min(...this.cache.keys()));
    this.cache.set(epoch, order);
    return order;
  }

  /** Prompt indices of step `step` (0-based), `perStep` of them. */
  batchAt(step: number): number[] {
    const out: number[] = [];
    const start = step * this.perStep;
    for (let k = 0; k < this.perStep; k++) {
      const pos = start + k;
      out.push(this.epochOrder(Math.floor(pos / this.count))[pos % this.count]);
    }
    return out;
  }
}
