import { mix32 } from '@spatial-ssrl/spec';

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
