import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed, hashString } from './rng.js';

describe('createRng', () => {
  it('produces the same stream for the same seed', () => {
    const a = createRng(42);
    const b = createRng(42);
    const xs = Array.from({ length: 100 }, () => a.nextU32());
    const ys = Array.from({ length: 100 }, () => b.nextU32());
    expect(xs).toEqual(ys);
    expect(new Set(xs).size).toBe(100);
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
    const rng = createRng(7);
    expect(Array.from({ length: 8 }, () => rng.nextU32())).toEqual(expected);
  });

  it('pins the first outputs so the stream never changes silently', () => {
    const r = createRng(1);
    const first = [r.nextU32(), r.nextU32(), r.nextU32()];
    // Recorded once from this implementation; a change here changes every dataset.
    expect(first).toMatchInlineSnapshot(`
      [
        2442144158,
        3238099751,
        3819917871,
      ]
    `);
  });

  it('int is inclusive and unbiased over a small range', () => {
    const r = createRng(7);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[r.int(0, 2)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
    expect(() => r.int(3, 2)).toThrow(RangeError);
  });

  it('next stays in [0, 1)', () => {
    const r = createRng(9);
    for (let i = 0; i < 10_000; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
    }
  });

  it('shuffle is a permutation and uniform over 3 items', () => {
    const r = createRng(3);
    const seen = new Map<string, number>();
    for (let i = 0; i < 6_000; i++) {
      const p = r.shuffle([0, 1, 2]).join('');
      seen.set(p, (seen.get(p) ?? 0) + 1);
    }
    expect(seen.size).toBe(6);
    for (const c of seen.values()) expect(Math.abs(c - 1_000)).toBeLessThan(150);
  });

  it('weighted follows the weights and skips zero weights', () => {
    const r = createRng(11);
    const counts = [0, 0, 0];
    for (let i = 0; i < 20_000; i++) counts[r.weighted([1, 0, 3])]++;
    expect(counts[1]).toBe(0);
    expect(counts[2] / counts[0]).toBeGreaterThan(2.7);
    expect(counts[2] / counts[0]).toBeLessThan(3.3);
    expect(() => r.weighted([0, 0])).toThrow(RangeError);
    expect(() => r.weighted([Number.NaN])).toThrow(RangeError);
  });
});

describe('seed derivation', () => {
  it('hashString is FNV-1a', () => {
    // FNV-1a 32-bit test vectors.
    expect(hashString('')).toBe(0x811c9dc5);
    expect(hashString('a')).toBe(0xe40c292c);
    expect(hashString('foobar')).toBe(0xbf9cf968);
  });

  it('deriveSeed depends on every part and on the run seed', () => {
    const base = deriveSeed(1, 'img-1', 'depth', 0);
    expect(deriveSeed(1, 'img-1', 'depth', 0)).toBe(base);
    expect(deriveSeed(2, 'img-1', 'depth', 0)).not.toBe(base);
    expect(deriveSeed(1, 'img-2', 'depth', 0)).not.toBe(base);
    expect(deriveSeed(1, 'img-1', 'flip', 0)).not.toBe(base);
    expect(deriveSeed(1, 'img-1', 'depth', 1)).not.toBe(base);
    expect(Number.isInteger(base) && base >= 0 && base < 2 ** 32).toBe(true);
  });
});
