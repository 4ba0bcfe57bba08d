import { sceneSeed } from '@spatial-ssrl/scenes';

/** FNV-1a hash of a string, 32-bit unsigned. */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A 32-bit seed derived from a seed and a purpose (a category id, `compose`, `split`, …). */
export function deriveSeed(seed: number, purpose: string): number {
  return sceneSeed(seed, hashText(purpose) % 0x7fffffff);
}
