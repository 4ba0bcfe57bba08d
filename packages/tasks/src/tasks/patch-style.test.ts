import { measureText } from '@spatial-ssrl/image';
import { describe, expect, it } from 'vitest';
import { argsort, gridOf, permutations } from './grid.js';
import { labelBox, labelHeightFor, MIN_LABEL_HEIGHT, minPatchSide } from './patch-style.js';

describe('labelHeightFor', () => {
  it('is at least 1/8 of the patch height and 18 px, in whole font steps', () => {
    for (const h of [1, 30, 100, 144, 145, 300, 533, 1200]) {
      const label = labelHeightFor(h);
      expect(label % 9).toBe(0);
      expect(label).toBeGreaterThanOrEqual(MIN_LABEL_HEIGHT);
      expect(label).toBeGreaterThanOrEqual(h / 8);
      expect(measureText('0', label).height).toBe(label);
    }
  });

  it('boxes the label with its outline at (10, 10) of the patch, inside patches of the minimum side', () => {
    const side = minPatchSide();
    const box = labelBox({ x: 50, y: 60, width: side, height: side }, '3');
    expect(box.x).toBe(58);
    expect(box.y).toBe(68);
    expect(box.x + box.width).toBeLessThanOrEqual(50 + side);
    expect(box.y + box.height).toBeLessThanOrEqual(60 + side);
  });
});

describe('grid helpers', () => {
  it('splits into floor-sized patches in raster order, dropping the remainder', () => {
    const g = gridOf(101, 51, 2, 3);
    expect([g.patchWidth, g.patchHeight]).toEqual([33, 25]);
    expect(g.patches.map((p) => [p.x, p.y])).toEqual([[0, 0], [33, 0], [66, 0], [0, 25], [33, 25], [66, 25]]);
  });

  it('inverts permutations and lists all of them', () => {
    expect(argsort([2, 0, 3, 1])).toEqual([1, 3, 0, 2]);
    expect(permutations(3).map((p) => p.join(''))).toEqual(['012', '021', '102', '120', '201', '210']);
    expect(permutations(4)).toHaveLength(24);
  });
});
