import { describe, expect, it } from 'vitest';
import { mix32 } from '@spatial-ssrl/spec';
import { foldSeed, sceneSeed } from './random.js';

describe('scene seeds', () => {
  it('mix32 is a bijection on a sample (no collisions)', () => {
    const out = new Set<number>();
    for (let i = 0; i < 5000; i++) out.add(mix32(i));
    expect(out.size).toBe(5000);
  });

  it('foldSeed separates seeds that differ only above bit 31 and handles negatives', () => {
    expect(foldSeed(1)).not.toBe(foldSeed(1 + 2 ** 32));
    expect(foldSeed(-1)).not.toBe(foldSeed(2 ** 32 - 1));
    expect(foldSeed(Number.MAX_SAFE_INTEGER)).toBeGreaterThanOrEqual(0);
  });

  it('sceneSeed is stable and distinct across indices and base seeds', () => {
    expect(sceneSeed(0, 0)).toBe(sceneSeed(0, 0));
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(sceneSeed(0, i));
    for (let i = 0; i < 1000; i++) seen.add(sceneSeed(1, i));
    expect(seen.size).toBe(2000);
  });
});
