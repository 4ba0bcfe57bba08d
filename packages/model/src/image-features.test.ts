import { describe, expect, it } from 'vitest';
import { modelConfig, modelPresets, patchDim, type ModelConfig } from './config.js';
import { ModelError } from './errors.js';
import { mirrorPrepared, prepareImage, writePatches } from './image-features.js';

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
    const rgbOnly: ModelConfig = { ...config, features: { rgb: true, gradients: false, edges: false } };
    expect(patchDim(rgbOnly)).toBe(12);
    const out = new Float32Array(4 * 12);
    writePatches(prepareImage(raster(4, 4, () => [255, 0, 255]), 4), rgbOnly, out, 0);
    expect(Array.from(out.subarray(0, 3))).toEqual([1, -1, 1]);
  });

  it('adds the edge channels |dx|, |dy| and the signed diagonal slant after the gradients', () => {
    const withEdges: ModelConfig = { ...config, features: { rgb: true, gradients: true, edges: true } };
    expect(patchDim(withEdges)).toBe(2 * 2 * 8);
    // A luminance ramp rising to the right and downwards: dx, dy > 0, so the slant is positive.
    const ramp = prepareImage(raster(4, 4, (x, y) => [x * 40 + y * 20, x * 40 + y * 20, x * 40 + y * 20]), 4);
    const out = new Float32Array(4 * 32);
    writePatches(ramp, withEdges, out, 0);
    // Patch 3 (bottom right), pixel (0,0) = image (2,2): central differences 80 and 40 levels.
    const p = out.subarray(3 * 32, 3 * 32 + 8);
    expect(p[3]).toBeCloseTo(80 / 256, 5);
    expect(p[4]).toBeCloseTo(40 / 256, 5);
    expect(Array.from(p.subarray(5, 8)).map((v) => Number(v.toFixed(5)))).toEqual([80 / 256, 40 / 256, 40 / 256].map((v) => Number(v.toFixed(5))));
    // Mirrored, dx changes sign: |dx| stays, the slant turns negative.
    writePatches(mirrorPrepared(ramp), withEdges, out, 0);
    const q = out.subarray(2 * 32, 2 * 32 + 16);
    // Patch 2 (bottom left), pixel (1,0) = image (1,2) of the mirror = image (2,2) of the ramp.
    const pixel = q.subarray(8, 16);
    expect(pixel[3]).toBeCloseTo(-80 / 256, 5);
    expect(pixel[5]).toBeCloseTo(80 / 256, 5);
    expect(pixel[7]).toBeCloseTo(-40 / 256, 5);
    // Edges alone are a valid input; configurations written before the option read as without it.
    const edgesOnly: ModelConfig = { ...config, features: { rgb: false, gradients: false, edges: true } };
    expect(patchDim(edgesOnly)).toBe(12);
    const { edges: _dropped, ...oldFeatures } = modelPresets.small.features;
    expect(modelConfig.parse({ ...modelPresets.small, features: oldFeatures }).features.edges).toBe(false);
    expect(() => modelConfig.parse({ ...config, features: { rgb: false, gradients: false, edges: false } })).toThrow(/at least one input feature/);
  });
});

describe('mirrorPrepared', () => {
  it('mirrors every row left-right and leaves the source untouched', () => {
    const img = prepareImage(raster(3, 3, (x, y) => [x, y, 10 * x + y]), 3);
    const before = Uint8Array.from(img.data);
    const m = mirrorPrepared(img);
    for (let y = 0; y < 3; y++) for (let x = 0; x < 3; x++) expect(Array.from(m.data.subarray((y * 3 + x) * 3, (y * 3 + x) * 3 + 3))).toEqual([2 - x, y, 10 * (2 - x) + y]);
    expect(img.data).toEqual(before);
    expect(mirrorPrepared(m).data).toEqual(img.data);
  });
});
