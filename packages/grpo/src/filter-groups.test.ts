import { describe, expect, it } from 'vitest';
import { filterGroups } from './filter-groups.js';

describe('filterGroups', () => {
  const index = ['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c'];
  const scores = [1, 0, 1, 1, 0, 0, 1, 0, 1];

  it('drops groups that all solved or all failed, keeping row order', () => {
    const r = filterGroups({ scores, index });
    expect(r).toEqual({
      keptRows: [2, 5, 8],
      keptGroups: ['c'],
      droppedGroups: ['a', 'b'],
      keptRowCount: 3,
      droppedRowCount: 6,
    });
  });

  it('uses strict bounds', () => {
    const r = filterGroups({ scores: [0.2, 0.2, 0.5, 0.5], index: [0, 0, 1, 1], low: 0.2, high: 0.9 });
    expect(r.keptGroups).toEqual([1]);
  });

  it('returns an empty selection rather than throwing', () => {
    expect(filterGroups({ scores: [1, 1], index: [0, 0] }).keptRows).toEqual([]);
  });

  it('validates its inputs', () => {
    expect(() => filterGroups({ scores: [1, 0], index: [0] })).toThrowError(/index: has 1 entries for 2 rows/);
    expect(() => filterGroups({ scores: [1, Number.NaN], index: [0, 0] })).toThrowError(/scores: \[1\] is NaN/);
    expect(() => filterGroups({ scores: [1, 0], index: [0, 0], low: 0.5, high: 0.5 })).toThrowError(/low/);
  });
});
