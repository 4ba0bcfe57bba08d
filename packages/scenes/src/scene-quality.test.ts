import { describe, expect, it } from 'vitest';
import { renderScene } from './scene-render.js';

const SEEDS = Array.from({ length: 50 }, (_, i) => 1000 + i);
const WIDTH = 640;
const HEIGHT = 480;

/** Mean absolute difference (0-255 scale) between a quadrant and its vertical and horizontal flips. */
function flipDifferences(data: Uint8Array, width: number, x0: number, y0: number, w: number, h: number): [number, number] {
  let vertical = 0;
  let horizontal = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const a = ((y0 + y) * width + x0 + x) * 3;
      const v = ((y0 + h - 1 - y) * width + x0 + x) * 3;
      const m = ((y0 + y) * width + x0 + w - 1 - x) * 3;
      for (let c = 0; c < 3; c++) {
        vertical += Math.abs(data[a + c] - data[v + c]);
        horizontal += Math.abs(data[a + c] - data[m + c]);
      }
    }
  }
  const n = w * h * 3;
  return [vertical / n, horizontal / n];
}

/** Minimum (sign 1) or maximum (sign -1) over each run `a[i .. i+k)`, van Herk / Gil-Werman, O(n). */
function slide(a: Float64Array, k: number, sign: 1 | -1): Float64Array {
  const n = a.length;
  const prefix = new Float64Array(n);
  const suffix = new Float64Array(n);
  for (let i = 0; i < n; i++) prefix[i] = i % k === 0 ? a[i] : sign * Math.min(sign * prefix[i - 1], sign * a[i]);
  for (let i = n - 1; i >= 0; i--) suffix[i] = i % k === k - 1 || i === n - 1 ? a[i] : sign * Math.min(sign * suffix[i + 1], sign * a[i]);
  const out = new Float64Array(Math.max(0, n - k + 1));
  for (let i = 0; i + k <= n; i++) out[i] = sign * Math.min(sign * suffix[i], sign * prefix[i + k - 1]);
  return out;
}

/** Min and max over every `k × k` window (indexed by its top-left pixel) of a row-major grid. */
function windowRange(values: Float64Array, width: number, height: number, k: number): { min: Float64Array; max: Float64Array } {
  const w = width - k + 1;
  const h = height - k + 1;
  const rowMin = new Float64Array(w * height);
  const rowMax = new Float64Array(w * height);
  for (let y = 0; y < height; y++) {
    const row = values.subarray(y * width, (y + 1) * width);
    rowMin.set(slide(row, k, 1), y * w);
    rowMax.set(slide(row, k, -1), y * w);
  }
  const min = new Float64Array(w * h);
  const max = new Float64Array(w * h);
  const column = new Float64Array(height);
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < height; y++) column[y] = rowMin[y * w + x];
    slide(column, k, 1).forEach((v, y) => (min[y * w + x] = v));
    for (let y = 0; y < height; y++) column[y] = rowMax[y * w + x];
    slide(column, k, -1).forEach((v, y) => (max[y * w + x] = v));
  }
  return { min, max };
}

/**
 * Which of the depth bands [0,0.3], [0.35,0.65], [0.7,1] hold a 25×25 window of usable pixels
 * with normalised-depth range < 0.15 whose centre lies in the band, normalising as the depth task
 * does (0.5/99.5 percentiles of valid pixels; pixels outside them unusable).
 */
function flatBands(depth: Float32Array, valid: Uint8Array, width: number, height: number): boolean[] {
  let count = 0;
  for (let i = 0; i < depth.length; i++) count += valid[i];
  const ds = new Float32Array(count);
  for (let i = 0, j = 0; i < depth.length; i++) if (valid[i]) ds[j++] = depth[i];
  ds.sort();
  const lo = ds[Math.floor(0.005 * (ds.length - 1))];
  const hi = ds[Math.floor(0.995 * (ds.length - 1))];
  // Unusable pixels get +∞ for the minimum pass and -∞ for the maximum pass, so any window
  // containing one has an infinite range.
  const low = new Float64Array(depth.length);
  const high = new Float64Array(depth.length);
  const norm = new Float64Array(depth.length);
  for (let i = 0; i < depth.length; i++) {
    const usable = valid[i] === 1 && depth[i] >= lo && depth[i] <= hi;
    norm[i] = usable ? (depth[i] - lo) / (hi - lo) : Number.NaN;
    low[i] = usable ? norm[i] : -Infinity;
    high[i] = usable ? norm[i] : Infinity;
  }
  const k = 25;
  const w = width - k + 1;
  const { min } = windowRange(high, width, height, k);
  const { max } = windowRange(low, width, height, k);
  const bands: Array<[number, number]> = [
    [0, 0.3],
    [0.35, 0.65],
    [0.7, 1],
  ];
  const found = [false, false, false];
  for (let y = 0; y + k <= height; y++) {
    for (let x = 0; x + k <= width; x++) {
      const range = max[y * w + x] - min[y * w + x];
      if (!(range < 0.15)) continue;
      const centre = norm[(y + 12) * width + x + 12];
      for (let band = 0; band < 3; band++) {
        if (centre >= bands[band][0] && centre <= bands[band][1]) found[band] = true;
      }
    }
  }
  return found;
}

describe('scene content for the pretext tasks', () => {
  const scenes = SEEDS.map((seed) => renderScene({ seed, width: WIDTH, height: HEIGHT }));

  it('makes every quadrant clearly different from its vertical and horizontal flips', () => {
    const vertical: number[] = [];
    const horizontal: number[] = [];
    for (const scene of scenes) {
      for (const [qx, qy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ]) {
        const [v, h] = flipDifferences(scene.rgb.data, WIDTH, qx * (WIDTH / 2), qy * (HEIGHT / 2), WIDTH / 2, HEIGHT / 2);
        vertical.push(v);
        horizontal.push(h);
      }
    }
    vertical.sort((a, b) => a - b);
    horizontal.sort((a, b) => a - b);
    expect(vertical[0]).toBeGreaterThan(8);
    expect(horizontal[0]).toBeGreaterThan(8);
    expect(vertical[Math.floor(vertical.length / 2)]).toBeGreaterThan(15);
    expect(horizontal[Math.floor(horizontal.length / 2)]).toBeGreaterThan(15);
  });

  it('offers flat 25×25 windows in the near, middle and far depth bands on most seeds', () => {
    let all = 0;
    const perBand = [0, 0, 0];
    for (const scene of scenes) {
      const found = flatBands(scene.depth.data, scene.depth.valid, WIDTH, HEIGHT);
      found.forEach((f, k) => {
        if (f) perBand[k]++;
      });
      if (found.every(Boolean)) all++;
    }
    expect(all).toBeGreaterThanOrEqual(45);
    for (const count of perBand) expect(count).toBeGreaterThanOrEqual(46);
  });

  it('spreads object depths and horizontal positions for the position task', () => {
    let near = 0;
    let far = 0;
    let left = 0;
    let right = 0;
    for (const { meta } of scenes) {
      for (const o of meta.objects) {
        const [x, , z] = o.position;
        if (z < 8) near++;
        if (z > 15) far++;
        if (x < -1) left++;
        if (x > 1) right++;
      }
    }
    const total = scenes.reduce((n, s) => n + s.meta.objects.length, 0);
    for (const count of [near, far, left, right]) expect(count / total).toBeGreaterThan(0.2);
  });
});
