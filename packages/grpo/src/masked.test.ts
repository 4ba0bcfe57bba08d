import { describe, expect, it } from 'vitest';
import { GrpoInputError } from './errors.js';
import { maskedMean, maskedRowMean, maskedSum, maskedVar, maskedWhiten } from './masked.js';

const values = [
  [1, 2, 3],
  [4, 5, 100],
];
const mask = [
  [1, 1, 0],
  [1, 0, 0],
];

describe('masked primitives', () => {
  it('sum and mean ignore masked positions', () => {
    expect(maskedSum(values, mask)).toBe(7);
    expect(maskedMean(values, mask)).toBe(7 / (3 + 1e-8));
    expect(maskedMean(values, mask, 0)).toBe(7 / 3);
  });

  it('mean of an all-zero mask is 0, not NaN', () => {
    expect(maskedMean(values, [[0, 0, 0], [0, 0, 0]])).toBe(0);
    const rows = maskedRowMean(values, [[0, 0, 0], [1, 1, 0]]);
    expect(rows[0]).toBe(0);
    expect(rows[1]).toBe(9 / (2 + 1e-8));
  });

  it('row mean divides each row by its own count', () => {
    const rows = maskedRowMean(values, mask, 0);
    expect(rows).toEqual([1.5, 4]);
  });

  it('variance is unbiased, and biased when the mask counts one token', () => {
    // masked values 1, 2, 4: mean 7/3, squared deviations sum 14/3
    expect(maskedVar(values, mask)).toBeCloseTo(14 / 3 / 2, 6);
    expect(maskedVar(values, mask, false)).toBeCloseTo(14 / 3 / 3, 6);
    const one = [[0, 0, 1], [0, 0, 0]];
    expect(maskedVar(values, one)).toBeCloseTo(0, 12);
    expect(maskedVar(values, one)).toBe(maskedVar(values, one, false));
  });

  it('whitening standardises the masked entries and transforms padding too', () => {
    const w = maskedWhiten(values, mask);
    const picked = [w[0][0], w[0][1], w[1][0]];
    const mean = picked.reduce((a, b) => a + b, 0) / 3;
    const variance = picked.reduce((a, b) => a + (b - mean) ** 2, 0) / 2;
    expect(mean).toBeCloseTo(0, 6);
    expect(variance).toBeCloseTo(1, 6);
    expect(w[1][2]).toBeCloseTo((100 - 7 / 3) / Math.sqrt(7 / 3), 4);
  });

  it('rejects ragged values, NaN and non-binary masks with the argument named', () => {
    expect(() => maskedSum([[1, 2], [3]], [[1, 1], [1, 1]])).toThrowError(/values: row 1 has 1 columns/);
    expect(() => maskedMean([[1, Number.NaN]], [[1, 1]])).toThrowError(/values: \[0\]\[1\] is NaN/);
    expect(() => maskedMean([[1, 2]], [[1, 0.5]])).toThrowError(/mask: \[0\]\[1\] is 0.5/);
    expect(() => maskedMean([[1, 2]], [[1, 0], [0, 0]])).toThrowError(/mask: shape 2×2 does not match values 1×2/);
    try {
      maskedWhiten([], []);
      expect.fail('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(GrpoInputError);
      expect((e as GrpoInputError).code).toBe('EMPTY');
      expect((e as GrpoInputError).argument).toBe('values');
    }
  });
});
