import { describe, expect, it } from 'vitest';
import { clipFrameIndices } from './clip.js';

describe('clipFrameIndices', () => {
  it('spreads uniform picks like numpy linspace(0, F-1, n).round()', () => {
    expect(clipFrameIndices(10, { rule: 'uniform', frames: 4 }, 0).indices).toEqual([0, 3, 6, 9]);
    // linspace(0, 3, 3) = 0, 1.5, 3: the half rounds to even, as numpy does.
    expect(clipFrameIndices(4, { rule: 'uniform', frames: 3 }, 0).indices).toEqual([0, 2, 3]);
    expect(clipFrameIndices(5, { rule: 'uniform', frames: 5 }, 0).indices).toEqual([0, 1, 2, 3, 4]);
    expect(clipFrameIndices(9, { rule: 'uniform', frames: 5 }, 0).indices).toEqual([0, 2, 4, 6, 8]);
    expect(clipFrameIndices(6, { rule: 'uniform', frames: 3 }, 0).indices).toEqual([0, 2, 5]);
    expect(clipFrameIndices(7, { rule: 'uniform', frames: 1 }, 99).indices).toEqual([0]);
  });

  it('draws window starts and gaps from the seed only', () => {
    const pick = (seed: number) => clipFrameIndices(100, { rule: 'window', frames: 5, gap: { min: 1, max: 8 } }, seed);
    expect(pick(7)).toEqual(pick(7));
    const gaps = new Set(Array.from({ length: 200 }, (_, s) => pick(s).gap));
    expect([...gaps].sort((a, b) => a! - b!)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (let s = 0; s < 200; s++) {
      const { indices, gap } = pick(s);
      expect(indices[0]).toBeGreaterThanOrEqual(0);
      expect(indices[4]).toBeLessThan(100);
      expect(indices[1]! - indices[0]!).toBe(gap);
    }
  });

  it('uses only gaps that fit a short clip, and rejects a clip shorter than the narrowest span', () => {
    for (let s = 0; s < 50; s++) {
      const { indices, gap } = clipFrameIndices(9, { rule: 'window', frames: 3, gap: { min: 2, max: 10 } }, s);
      expect(gap).toBeLessThanOrEqual(4);
      expect(indices[2]).toBeLessThanOrEqual(8);
    }
    expect(() => clipFrameIndices(4, { rule: 'window', frames: 3, gap: 2 }, 0)).toThrow(/has 4 frames, fewer than the 5 that 3 frames 2 apart span/);
    expect(() => clipFrameIndices(4, { rule: 'window', frames: 0, gap: 2 }, 0)).toThrow(/frames must be an integer ≥ 1/);
    expect(() => clipFrameIndices(4, { rule: 'window', frames: 2, gap: { min: 3, max: 2 } }, 0)).toThrow(/gap must be an integer ≥ 3/);
  });
});
