import { assertRgb } from '../pixel-ops.js';
import type { RgbImage } from '../raster.js';

/** A single-channel float raster, row-major, values 0-1. */
export interface GrayImage {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/** Rec. 601 luma of an RGB raster, scaled to 0-1. */
export function grayOf(img: RgbImage): GrayImage {
  assertRgb(img);
  const n = img.width * img.height;
  const out = new Float32Array(n);
  const d = img.data;
  for (let i = 0, j = 0; i < n; i++, j += 3) out[i] = (0.299 * d[j]! + 0.587 * d[j + 1]! + 0.114 * d[j + 2]!) / 255;
  return { width: img.width, height: img.height, data: out };
}

/**
 * For each output cell of a 1-D resampling from `from` to `to` samples: its first source sample,
 * how many it covers, where its weights start, and the weights (the fraction of the cell each
 * source sample covers; they sum to 1).
 */
function areaWeights(from: number, to: number): { first: Int32Array; count: Int32Array; offset: Int32Array; weights: Float32Array } {
  const scale = from / to;
  const first = new Int32Array(to);
  const count = new Int32Array(to);
  const offset = new Int32Array(to);
  const list: number[] = [];
  for (let o = 0; o < to; o++) {
    const a = o * scale;
    const b = (o + 1) * scale;
    const lo = Math.min(from - 1, Math.floor(a));
    const hi = Math.max(lo, Math.min(from - 1, Math.ceil(b) - 1));
    first[o] = lo;
    count[o] = hi - lo + 1;
    offset[o] = list.length;
    let total = 0;
    const start = list.length;
    for (let i = lo; i <= hi; i++) {
      const cover = Math.max(0, Math.min(b, i + 1) - Math.max(a, i));
      list.push(cover);
      total += cover;
    }
    for (let k = start; k < list.length; k++) list[k] = total > 0 ? list[k]! / total : 1 / (hi - lo + 1);
  }
  return { first, count, offset, weights: Float32Array.from(list) };
}

/**
 * Resamples a gray raster to `width × height` by area averaging: each output pixel is the mean
 * of the input area it covers (fractional pixels weighted), so shrinking never aliases.
 */
export function resizeArea(img: GrayImage, width: number, height: number): GrayImage {
  const wx = areaWeights(img.width, width);
  const wy = areaWeights(img.height, height);
  const tmp = new Float32Array(width * img.height);
  for (let y = 0; y < img.height; y++) {
    const row = y * img.width;
    for (let x = 0; x < width; x++) {
      let sum = 0;
      const first = row + wx.first[x]!;
      const at = wx.offset[x]!;
      for (let k = 0; k < wx.count[x]!; k++) sum += img.data[first + k]! * wx.weights[at + k]!;
      tmp[y * width + x] = sum;
    }
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const first = wy.first[y]!;
    const at = wy.offset[y]!;
    const n = wy.count[y]!;
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += tmp[(first + k) * width + x]! * wy.weights[at + k]!;
      out[y * width + x] = sum;
    }
  }
  return { width, height, data: out };
}
