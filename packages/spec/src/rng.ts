/**
 * The project's seeded PRNG: SplitMix32-seeded xoshiro128** (Blackman & Vigna, 2018), 32-bit
 * integer arithmetic only, so every platform and engine produces the same stream.
 */
export interface Rng {
  /** The next 32-bit unsigned integer. */
  nextU32(): number;
  /** A float in [0, 1) with 32 bits of randomness. */
  next(): number;
  /** A float uniform in [lo, hi). */
  range(lo: number, hi: number): number;
  /** True with probability `p` (0-1). */
  chance(p: number): boolean;
  /** An integer uniform in [lo, hi] (inclusive), without modulo bias. */
  int(lo: number, hi: number): number;
  /** Picks one element uniformly. */
  pick<T>(items: readonly T[]): T;
  /** Returns a new array with the items in a uniformly random order (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[];
  /** Picks an index with probability proportional to `weights[i]` (non-negative, sum > 0). */
  weighted(weights: readonly number[]): number;
}

/** The SplitMix32 / Murmur3 32-bit finaliser: a bijective avalanche mix of a 32-bit integer. */
export function mix32(value: number): number {
  let z = value >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** 32-bit FNV-1a over the UTF-8 bytes of `text`, used to derive seeds and stream keys from ids. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(text)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * Derives a seed from a run seed and any number of string/number parts (source id, task id,
 * index…): FNV-1a over the parts joined by `\u0000`, mixed with the run seed; a 32-bit unsigned
 * integer.
 */
export function deriveSeed(seed: number, ...parts: ReadonlyArray<string | number>): number {
  const h = (hashString(parts.map(String).join('\u0000')) ^ (seed >>> 0)) >>> 0;
  return mix32(h + 0x9e3779b9);
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Creates a PRNG from a 32-bit seed (any number is reduced with `>>> 0`). */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const splitmix = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    return mix32(state);
  };
  const s = new Uint32Array(4);
  for (let i = 0; i < 4; i++) s[i] = splitmix();
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;

  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  };
  const next = (): number => nextU32() / 4294967296;
  const int = (lo: number, hi: number): number => {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) {
      throw new RangeError(`rng.int needs integers lo <= hi, got ${lo}, ${hi}`);
    }
    const range = hi - lo + 1;
    if (range > 4294967296) throw new RangeError('rng.int range exceeds 2^32');
    if (range === 4294967296) return lo + nextU32();
    // Rejection sampling removes modulo bias.
    const limit = 4294967296 - (4294967296 % range);
    let x = nextU32();
    while (x >= limit) x = nextU32();
    return lo + (x % range);
  };
  return {
    nextU32,
    next,
    range: (lo, hi) => lo + (hi - lo) * next(),
    chance: (p) => next() < p,
    int,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('rng.pick on an empty list');
      return items[int(0, items.length - 1)];
    },
    shuffle: <T>(items: readonly T[]): T[] => {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(0, i);
        const tmp = out[i];
        out[i] = out[j];
        out[j] = tmp;
      }
      return out;
    },
    weighted: (weights: readonly number[]): number => {
      let total = 0;
      for (const w of weights) {
        if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`bad weight ${w}`);
        total += w;
      }
      if (total <= 0) throw new RangeError('weights sum to zero');
      let r = next() * total;
      for (let i = 0; i < weights.length; i++) {
        r -= weights[i];
        if (r < 0) return i;
      }
      let last = weights.length - 1;
      while (weights[last] === 0) last--;
      return last;
    },
  };
}
