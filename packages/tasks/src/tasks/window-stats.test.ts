import { describe, expect, it } from 'vitest';
import { createRng } from '@spatial-ssrl/spec';
import { UNUSABLE_SENTINEL, windowRange } from './window-stats.js';

describe('windowRange', () => {
  it('equals a brute-force window max − min at every centre', () => {
    const rng = createRng(3);
    for (const [w, h, size] of [[17, 13, 5], [30, 9, 9], [11, 11, 11], [40, 33, 7], [8, 20, 1], [61, 57, 25], [26, 30, 25], [25, 49, 25]] as const) {
      const values = new Float32Array(w * h);
      for (let i = 0; i < values.length; i++) values[i] = Math.fround(rng.next());
      const got = windowRange(values, w, h, size);
      const half = (size - 1) / 2;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const inside = x >= half && y >= half && x < w - half && y < h - half;
          if (!inside) {
            expect(Number.isNaN(got[y * w + x])).toBe(true);
            continue;
          }
          let lo = Infinity;
          let hi = -Infinity;
          for (let yy = y - half; yy <= y + half; yy++) {
            for (let xx = x - half; xx <= x + half; xx++) {
              lo = Math.min(lo, values[yy * w + xx]);
              hi = Math.max(hi, values[yy * w + xx]);
            }
          }
          expect(got[y * w + x]).toBeCloseTo(hi - lo, 6);
        }
      }
    }
  });

  it('fails every window that touches a sentinel pixel', () => {
    const w = 12;
    const h = 10;
    const values = new Float32Array(w * h).fill(0.5);
    values[4 * w + 6] = UNUSABLE_SENTINEL;
    const got = windowRange(values, w, h, 3);
    for (let y = 1; y < h - 1; y++) {
      for (let x = 1; x < w - 1; x++) {
        const touches = Math.abs(x - 6) <= 1 && Math.abs(y - 4) <= 1;
        expect(got[y * w + x] > 0.15).toBe(touches);
      }
    }
  });

  it('returns all NaN when the window is larger than the image, and rejects even sizes', () => {
    expect(Array.from(windowRange(new Float32Array(12), 4, 3, 5)).every(Number.isNaN)).toBe(true);
    expect(() => windowRange(new Float32Array(12), 4, 3, 4)).toThrow(RangeError);
  });
});
