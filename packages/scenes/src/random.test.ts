import { describe, expect, it } from 'vitest';
import { createRandom, foldSeed, mix32, sceneSeed } from './random.js';

describe('createRandom', () => {
  it('produces the same stream for the same seed and a different one for another seed', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const sa = Array.from({ length: 16 }, () => a.nextU32());
    const sb = Array.from({ length: 16 }, () => b.nextU32());
    const sc = Array.from({ length: 16 }, () => c.nextU32());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
    for (const v of sa) expect(Number.isInteger(v) && v >= 0 && v < 2 ** 32).toBe(true);
  });

  it('matches the reference xoshiro128** stream seeded through SplitMix32', () => {
    // Independent re-implementation with BigInt arithmetic as the oracle.
    const M = 0xffffffffn;
    const mix = (x: bigint): bigint => {
      let z = x & M;
      z = ((z ^ (z >> 16n)) * 0x85ebca6bn) & M;
      z = ((z ^ (z >> 13n)) * 0xc2b2ae35n) & M;
      return (z ^ (z >> 16n)) & M;
    };
    let st = 7n;
    const s: bigint[] = [];
    for (let i = 0; i < 4; i++) {
      st = (st + 0x9e3779b9n) & M;
      s.push(mix(st));
    }
    const rotl = (x: bigint, k: bigint): bigint => ((x << k) | (x >> (32n - k))) & M;
    const expected: number[] = [];
    for (let i = 0; i < 8; i++) {
      expected.push(Number((rotl((s[1] * 5n) & M, 7n) * 9n) & M));
      const t = (s[1] << 9n) & M;
      s[2] ^= s[0];
      s[3] ^= s[1];
      s[1] ^= s[2];
      s[0] ^= s[3];
      s[2] ^= t;
      s[3] = rotl(s[3], 11n);
    }
    const rng = createRandom(7);
    expect(Array.from({ length: 8 }, () => rng.nextU32())).toEqual(expected);
  });

  it('keeps range(), int() and pick() inside their ranges and rejects bad bounds', () => {
    const rng = createRandom(1);
    for (let i = 0; i < 2000; i++) {
      const f = rng.next();
      expect(f >= 0 && f < 1).toBe(true);
      const r = rng.range(-3, 5);
      expect(r >= -3 && r < 5).toBe(true);
      const k = rng.int(2, 4);
      expect([2, 3, 4]).toContain(k);
    }
    expect(() => rng.int(3, 2)).toThrow(RangeError);
    expect(() => rng.int(0.5, 2)).toThrow(RangeError);
    expect(() => rng.pick([])).toThrow(RangeError);
  });

  it('picks every element of a list eventually', () => {
    const rng = createRandom(9);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(rng.pick(['a', 'b', 'c']));
    expect([...seen].sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('seeds', () => {
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
