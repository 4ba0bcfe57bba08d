import { describe, expect, it } from 'vitest';
import { modelPresets, patchDim, type ModelConfig } from './config.js';
import { ModelError } from './errors.js';
import { prepareImage, writePatches } from './image-features.js';

function raster(width: number, height: number, f: (x: number, y: number) => [number, number, number]) {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(f(x, y), (y * width + x) * 3);
  return { width, height, data };
}

describe('prepareImage', () => {
  it('averages covered source pixels by area when shrinking', () => {
    const img = raster(4, 4, (x, y) => [x * 10 + y, 100, x < 2 ? 0 : 255]);
    const out = prepareImage(img, 2);
    // Top-left output pixel covers x,y in {0,1}: mean of x*10+y is 5.5 → 6 (rounded).
    expect(Array.from(out.data.subarray(0, 3))).toEqual([6, 100, 0]);
    expect(Array.from(out.data.subarray(3, 6))).toEqual([26, 100, 255]);
  });

  it('keeps a one-pixel line that 2×2 bilinear sampling would skip', () => {
    const img = raster(40, 40, (x) => (x === 13 ? [255, 255, 255] : [0, 0, 0]));
    const out = prepareImage(img, 4);
    // Column 13 falls in output column 1 (source 10-19): a tenth of its area is white.
    expect(out.data[3]).toBe(Math.round(255 / 10));
    expect(out.data[0]).toBe(0);
  });

  it('handles non-integer scale factors and stretches to a square', () => {
    const img = raster(7, 5, () => [200, 10, 30]);
    const out = prepareImage(img, 3);
    expect(out.size).toBe(3);
    expect(Array.from(new Set(out.data))).toEqual([200, 10, 30]);
  });
});

describe('writePatches', () => {
  const config: ModelConfig = { ...modelPresets.tiny, imageSize: 4, patchSize: 2 };

  it('lays patches out in raster order with RGB in [-1, 1] then luminance gradients', () => {
    const img = raster(4, 4, (x, y) => (x >= 2 ? [255, 255, 255] : y >= 2 ? [0, 0, 0] : [255, 0, 0]));
    const prepared = prepareImage(img, 4);
    const dim = patchDim(config);
    expect(dim).toBe(2 * 2 * 5);
    const out = new Float32Array(4 * dim);
    writePatches(prepared, config, out, 0);
    // Patch 1 (top right), pixel (0,0) = image (2,0): white, dx = (255 - 76.245)/256 from the red neighbour.
    const p1 = out.subarray(dim, dim + 5);
    expect(p1[0]).toBeCloseTo(1, 6);
    expect(p1[3]).toBeCloseTo((255 - 0.299 * 255) / 256, 5);
    expect(p1[4]).toBeCloseTo(0, 6);
    // Patch 2 (bottom left), pixel (0,0) = image (0,2): black, dy = (0 - 76.245)/256 from the red pixel above.
    const p2 = out.subarray(2 * dim, 2 * dim + 5);
    expect(Array.from(p2.subarray(0, 3))).toEqual([-1, -1, -1]);
    expect(p2[4]).toBeCloseTo((0 - 0.299 * 255) / 256, 5);
  });

  it('refuses an image prepared for another size', () => {
    const prepared = prepareImage(raster(8, 8, () => [0, 0, 0]), 8);
    expect(() => writePatches(prepared, config, new Float32Array(1000), 0)).toThrow(ModelError);
  });

  it('writes only the enabled features', () => {
    const rgbOnly: ModelConfig = { ...config, features: { rgb: true, gradients: false } };
    expect(patchDim(rgbOnly)).toBe(12);
    const out = new Float32Array(4 * 12);
    writePatches(prepareImage(raster(4, 4, () => [255, 0, 255]), 4), rgbOnly, out, 0);
    expect(Array.from(out.subarray(0, 3))).toEqual([1, -1, 1]);
  });
});
