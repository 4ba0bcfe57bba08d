import { describe, expect, it } from 'vitest';
import { hashString, mix32 } from '@spatial-ssrl/spec';
import { CounterRng, hashKey } from './counter-rng.js';

describe('CounterRng', () => {
  it('is a pure function of key and counter', () => {
    const a = new CounterRng(hashKey(1, 2, 3));
    const values = Array.from({ length: 10 }, () => a.nextU32());
    const b = new CounterRng(hashKey(1, 2, 3), 4);
    expect(Array.from({ length: 6 }, () => b.nextU32())).toEqual(values.slice(4));
    expect(a.state()).toEqual({ key: hashKey(1, 2, 3), counter: 10 });
  });

  it('gives different streams for different keys and order-sensitive hashes', () => {
    expect(hashKey(1, 2)).not.toBe(hashKey(2, 1));
    expect(new CounterRng(1).nextU32()).not.toBe(new CounterRng(2).nextU32());
    expect(hashString('abc')).toBe(0x1a47e90b);
    expect(mix32(0)).toBe(0);
  });

  it('draws uniform floats in [0, 1) and standard normals', () => {
    const rng = new CounterRng(7);
    let sum = 0;
    let sq = 0;
    let min = 1;
    let max = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      min = Math.min(min, u);
      max = Math.max(max, u);
      const z = rng.normal();
      sum += z;
      sq += z * z;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(sum / n)).toBeLessThan(0.03);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.05);
  });
});
