/**
 * A small seeded PRNG for scene layout: xoshiro128** (Blackman & Vigna, 2018) seeded through
 * SplitMix32. Only 32-bit integer arithmetic is used, so the stream is identical on every
 * platform and engine.
 */
export interface Random {
  /** The next unsigned 32-bit integer. */
  nextU32(): number;
  /** A float in [0, 1). */
  next(): number;
  /** A float uniform in [lo, hi). */
  range(lo: number, hi: number): number;
  /** An integer uniform in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number;
  /** True with probability `p` (0-1). */
  chance(p: number): boolean;
  /** One element picked uniformly. */
  pick<T>(items: readonly T[]): T;
}

/** The SplitMix32 finaliser: a bijective 32-bit integer mix. */
export function mix32(value: number): number {
  let z = value >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Reduces a safe integer (negative allowed) to a 32-bit unsigned seed, folding in the high bits
 * so that seeds differing only above bit 31 still differ.
 */
export function foldSeed(seed: number): number {
  const low = seed >>> 0;
  const high = Math.floor(seed / 4294967296) >>> 0;
  return mix32(low ^ mix32(high + 0x6a09e667)) >>> 0;
}

/**
 * The scene seed of item `index` of a synthetic source with base seed `seed`; a 32-bit unsigned
 * integer that is stable across releases.
 */
export function sceneSeed(seed: number, index: number): number {
  return mix32(foldSeed(seed) ^ mix32(Math.imul(index + 1, 0x9e3779b9) >>> 0)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Creates a generator from a 32-bit seed (the value is reduced with `>>> 0`). */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const splitmix = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    return mix32(state);
  };
  let s0 = splitmix();
  let s1 = splitmix();
  let s2 = splitmix();
  let s3 = splitmix();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;

  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  const next = (): number => nextU32() / 4294967296;
  return {
    nextU32,
    next,
    range: (lo, hi) => lo + (hi - lo) * next(),
    int: (lo, hi) => {
      if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) {
        throw new RangeError(`int() needs integers lo <= hi, got ${lo}, ${hi}`);
      }
      return lo + Math.floor(next() * (hi - lo + 1));
    },
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick() needs a non-empty list');
      return items[Math.floor(next() * items.length)];
    },
  };
}
