import { flipRgb, resizeBilinear, type RgbImage } from '@spatial-ssrl/image';
import { channelCount, patchDim, type ModelConfig } from './config.js';
import { ModelError } from './errors.js';

/** An image already resized to the model's square input size: RGB8, `data.length === size² × 3`. */
export interface PreparedImage {
  readonly size: number;
  readonly data: Uint8Array;
}

interface AxisWeights {
  readonly start: Int32Array;
  readonly count: Int32Array;
  readonly weights: Float64Array;
  readonly stride: number;
}

// Per output coordinate, the source pixels it covers and the covered fraction of each.
function areaAxis(src: number, dst: number): AxisWeights {
  const scale = src / dst;
  const stride = Math.ceil(scale) + 1;
  const start = new Int32Array(dst);
  const count = new Int32Array(dst);
  const weights = new Float64Array(dst * stride);
  for (let d = 0; d < dst; d++) {
    const lo = d * scale;
    const hi = (d + 1) * scale;
    const first = Math.floor(lo);
    const last = Math.min(src - 1, Math.ceil(hi) - 1);
    start[d] = first;
    count[d] = last - first + 1;
    for (let s = first; s <= last; s++) {
      weights[d * stride + (s - first)] = (Math.min(hi, s + 1) - Math.max(lo, s)) / scale;
    }
  }
  return { start, count, weights, stride };
}

/**
 * Resizes to `size × size` RGB (aspect ratio not kept, so grid cells of the source stay grid
 * cells). Shrinking averages every covered source pixel by its covered area, which keeps thin
 * lines and small markers that 2×2 bilinear sampling would skip; an axis that grows uses
 * bilinear sampling.
 */
function resizeArea(img: RgbImage, size: number): Uint8Array {
  if (!Number.isInteger(size) || size <= 0) throw new RangeError(`size must be a positive integer, got ${size}`);
  if (img.width < size || img.height < size) return resizeBilinear(img, size, size).data;
  const xs = areaAxis(img.width, size);
  const ys = areaAxis(img.height, size);
  const src = img.data;
  const out = new Uint8Array(size * size * 3);
  const row = new Float64Array(size * 3);
  for (let y = 0; y < size; y++) {
    row.fill(0);
    for (let j = 0; j < ys.count[y]; j++) {
      const sy = ys.start[y] + j;
      const wy = ys.weights[y * ys.stride + j];
      const base = sy * img.width * 3;
      for (let x = 0; x < size; x++) {
        let r = 0;
        let g = 0;
        let b = 0;
        for (let i = 0; i < xs.count[x]; i++) {
          const w = xs.weights[x * xs.stride + i];
          const p = base + (xs.start[x] + i) * 3;
          r += src[p] * w;
          g += src[p + 1] * w;
          b += src[p + 2] * w;
        }
        row[x * 3] += r * wy;
        row[x * 3 + 1] += g * wy;
        row[x * 3 + 2] += b * wy;
      }
    }
    for (let i = 0; i < size * 3; i++) out[y * size * 3 + i] = Math.min(255, Math.round(row[i]));
  }
  return out;
}

/** The image mirrored left-right (a new buffer). */
export function mirrorPrepared(img: PreparedImage): PreparedImage {
  return { size: img.size, data: flipRgb({ width: img.size, height: img.size, data: img.data }, 'horizontal').data };
}

/** Resizes an image to the model's input size with `resizeArea`. */
export function prepareImage(img: RgbImage, size: number): PreparedImage {
  return { size, data: resizeArea(img, size) };
}

/**
 * Writes the patch vectors of one prepared image into `out` starting at row `row`:
 * `(imageSize/patchSize)²` rows in raster order, each `patchDim(config)` floats ordered
 * (patch row, patch column, channel). Channels: RGB scaled to [-1, 1], then the luminance
 * gradients dx, dy (central differences, edges replicated) divided by 128.
 */
export function writePatches(img: PreparedImage, config: ModelConfig, out: Float32Array, row: number): void {
  const s = config.imageSize;
  if (img.size !== s || img.data.length !== s * s * 3) {
    throw new ModelError('bad-input', `prepared image is ${img.size} px but the model takes ${s} px`);
  }
  const p = config.patchSize;
  const side = s / p;
  const ch = channelCount(config);
  const dim = patchDim(config);
  const { rgb, gradients, edges } = config.features;
  const d = img.data;
  let lum: Float32Array | undefined;
  if (gradients || edges) {
    lum = new Float32Array(s * s);
    for (let i = 0; i < s * s; i++) lum[i] = 0.299 * d[i * 3] + 0.587 * d[i * 3 + 1] + 0.114 * d[i * 3 + 2];
  }
  for (let py = 0; py < side; py++) {
    for (let px = 0; px < side; px++) {
      const base = (row + py * side + px) * dim;
      for (let y = 0; y < p; y++) {
        const iy = py * p + y;
        for (let x = 0; x < p; x++) {
          const ix = px * p + x;
          let o = base + (y * p + x) * ch;
          const pix = iy * s + ix;
          if (rgb) {
            out[o++] = d[pix * 3] / 127.5 - 1;
            out[o++] = d[pix * 3 + 1] / 127.5 - 1;
            out[o++] = d[pix * 3 + 2] / 127.5 - 1;
          }
          if (lum) {
            const l = ix > 0 ? pix - 1 : pix;
            const r = ix < s - 1 ? pix + 1 : pix;
            const u = iy > 0 ? pix - s : pix;
            const dn = iy < s - 1 ? pix + s : pix;
            const gx = (lum[r] - lum[l]) / 256;
            const gy = (lum[dn] - lum[u]) / 256;
            if (gradients) {
              out[o++] = gx;
              out[o++] = gy;
            }
            if (edges) {
              const ax = Math.abs(gx);
              const ay = Math.abs(gy);
              out[o++] = ax;
              out[o++] = ay;
              out[o++] = (gx * gy >= 0 ? 1 : -1) * Math.min(ax, ay);
            }
          }
        }
      }
    }
  }
}
