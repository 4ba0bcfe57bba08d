import { describe, expect, it } from 'vitest';
import { createRgb, type RgbImage } from './raster.js';
import { resizeBilinear } from './resize.js';

function gray(w: number, h: number, values: number[]): RgbImage {
  const img = createRgb(w, h);
  values.forEach((v, i) => img.data.set([v, v, v], i * 3));
  return img;
}

function channel0(img: RgbImage): number[] {
  const out: number[] = [];
  for (let i = 0; i < img.data.length; i += 3) out.push(img.data[i]);
  return out;
}

describe('resizeBilinear', () => {
  it('upscales with half-pixel centres and clamped edges (OpenCV INTER_LINEAR values)', () => {
    expect(channel0(resizeBilinear(gray(2, 1, [0, 100]), 4, 1))).toEqual([0, 25, 75, 100]);
  });

  it('downscales by sampling between source pixels', () => {
    expect(channel0(resizeBilinear(gray(4, 1, [0, 10, 20, 30]), 2, 1))).toEqual([5, 25]);
  });

  it('interpolates in both axes', () => {
    // 2×2 → 4×4: weights 0, .25, .75, 1 on each axis.
    const out = channel0(resizeBilinear(gray(2, 2, [0, 100, 100, 200]), 4, 4));
    expect(out).toEqual([0, 25, 75, 100, 25, 50, 100, 125, 75, 100, 150, 175, 100, 125, 175, 200]);
  });

  it('rounds halves up deterministically', () => {
    expect(channel0(resizeBilinear(gray(2, 1, [0, 2]), 4, 1))).toEqual([0, 1, 2, 2]);
    expect(channel0(resizeBilinear(gray(2, 1, [0, 1]), 4, 1))).toEqual([0, 0, 1, 1]);
  });

  it('keeps the channels apart', () => {
    const img = createRgb(2, 1);
    img.data.set([0, 200, 40, 100, 0, 40]);
    const out = resizeBilinear(img, 4, 1);
    expect(Array.from(out.data)).toEqual([0, 200, 40, 25, 150, 40, 75, 50, 40, 100, 0, 40]);
  });

  it('keeps a constant image constant and copies at the same size', () => {
    const img = createRgb(7, 5, [13, 200, 255]);
    const out = resizeBilinear(img, 3, 11);
    expect(out.data.every((v, i) => v === [13, 200, 255][i % 3])).toBe(true);
    const same = resizeBilinear(img, 7, 5);
    expect(same.data).not.toBe(img.data);
    expect(Array.from(same.data)).toEqual(Array.from(img.data));
  });

  it('rejects bad target sizes', () => {
    expect(() => resizeBilinear(createRgb(2, 2), 0, 2)).toThrow(/positive integers/);
    expect(() => resizeBilinear(createRgb(2, 2), 2.5, 2)).toThrow(RangeError);
  });
});
