import { describe, expect, it } from 'vitest';
import { splitOf } from './split.js';

describe('splitOf', () => {
  it('is a pure function of (seed, dataset, id)', () => {
    const a = splitOf({ dataset: 'coco', id: 'img/001' }, { testFraction: 0.3, seed: 7 });
    for (let i = 0; i < 5; i++) {
      expect(splitOf({ dataset: 'coco', id: 'img/001' }, { testFraction: 0.3, seed: 7 })).toBe(a);
    }
  });

  it('holds out close to testFraction of 10,000 images', () => {
    let test = 0;
    for (let i = 0; i < 10_000; i++) {
      if (splitOf({ dataset: 'd', id: `scan_${i}` }, { testFraction: 0.2, seed: 0 }) === 'test') test++;
    }
    expect(test / 10_000).toBeGreaterThan(0.185);
    expect(test / 10_000).toBeLessThan(0.215);
  });

  it('grows the test side monotonically with testFraction', () => {
    for (let i = 0; i < 500; i++) {
      const src = { dataset: 'd', id: String(i) };
      if (splitOf(src, { testFraction: 0.1, seed: 3 }) === 'test') {
        expect(splitOf(src, { testFraction: 0.4, seed: 3 })).toBe('test');
      }
    }
  });

  it('treats 0 and 1 as all-train and all-test', () => {
    expect(splitOf({ dataset: 'd', id: 'x' }, { testFraction: 0, seed: 1 })).toBe('train');
    expect(splitOf({ dataset: 'd', id: 'x' }, { testFraction: 1, seed: 1 })).toBe('test');
  });

  it('distinguishes datasets with the same id', () => {
    let differ = 0;
    for (let i = 0; i < 200; i++) {
      const a = splitOf({ dataset: 'a', id: String(i) }, { testFraction: 0.5, seed: 0 });
      const b = splitOf({ dataset: 'b', id: String(i) }, { testFraction: 0.5, seed: 0 });
      if (a !== b) differ++;
    }
    expect(differ).toBeGreaterThan(60);
  });

  it('rejects a fraction outside [0, 1]', () => {
    expect(() => splitOf({ dataset: 'd', id: 'x' }, { testFraction: 1.5, seed: 0 })).toThrow(/testFraction/);
    expect(() => splitOf({ dataset: 'd', id: 'x' }, { testFraction: Number.NaN, seed: 0 })).toThrow(/testFraction/);
  });
});
