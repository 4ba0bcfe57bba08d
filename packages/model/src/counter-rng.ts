import { mix32 } from '@spatial-ssrl/spec';

/** Hashes 32-bit integer parts (seed, step, row, …) into one 32-bit key; order matters. */
export function hashKey(...parts: readonly number[]): number {
  let h = 0x2545f491;
  for (const p of parts) {
    h = mix32((h ^ mix32((p >>> 0) + 0x9e3779b9)) + Math.imul(h, 5));
  }
  return h;
}

/** Serialisable position of a `CounterRng`: its key and how many values it has drawn. */
export interface CounterRngState {
  readonly key: number;
  readonly counter: number;
}

/**
 * A counter-based random stream: value `i` is a pure hash of `(key, i)`, so a stream is fully
 * described by `{ key, counter }` and any value can be recomputed without replaying the stream.
 */
export class CounterRng {
  readonly key: number;
  private count: number;

  constructor(key: number, counter = 0) {
    this.key = key >>> 0;
    this.count = counter;
  }

  /** Number of 32-bit values drawn so far. */
  get counter(): number {
    return this.count;
  }

  /** The stream's position, for checkpoints. */
  state(): CounterRngState {
    return { key: this.key, counter: this.count };
  }

  /** The next 32-bit unsigned integer. */
  nextU32(): number {
    const c = this.count++;
    return mix32(mix32((c ^ this.key) >>> 0) + Math.imul(this.key, 0x27d4eb2d) + Math.floor(c / 4294967296));
  }

  /** A float in [0, 1) with 32 bits of randomness. */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** A standard normal sample (Box-Muller on two draws). */
  normal(): number {
    const u1 = (this.nextU32() + 1) / 4294967297;
    const u2 = this.next();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
