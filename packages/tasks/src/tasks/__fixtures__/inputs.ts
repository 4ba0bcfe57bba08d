import type { DepthMap, Rect, RgbImage } from '@spatial-ssrl/image';
import { createRng } from '@spatial-ssrl/spec';
import type { TaskInput } from '../../task.js';

/** A gradient-plus-noise picture: no symmetry, so every flip, rotation or crop is visible. */
export function texturedRgb(width: number, height: number, seed = 1): RgbImage {
  const rng = createRng(seed);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = Math.floor((x * 255) / Math.max(1, width - 1));
      data[i + 1] = Math.floor((y * 255) / Math.max(1, height - 1));
      data[i + 2] = rng.int(0, 255);
    }
  }
  return { width, height, data };
}

/** A depth map from a function of the pixel; NaN or ≤ 0 values are marked invalid. */
export function depthFrom(width: number, height: number, f: (x: number, y: number) => number): DepthMap {
  const data = new Float32Array(width * height);
  const valid = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const d = f(x, y);
      data[y * width + x] = Number.isFinite(d) && d > 0 ? d : 0;
      valid[y * width + x] = Number.isFinite(d) && d > 0 ? 1 : 0;
    }
  }
  return { width, height, data, valid };
}

/** Wraps a raster (and depth) as a task input. */
export function inputOf(rgb: RgbImage, depth?: DepthMap, id = 'fixture'): TaskInput {
  return { rgb, depth, source: { dataset: 'fixture', id } };
}

/** Whether pixel `(x, y)` lies inside `rect`. */
export function inRect(rect: Rect, x: number, y: number): boolean {
  return x >= rect.x && y >= rect.y && x < rect.x + rect.width && y < rect.y + rect.height;
}

/** The RGB triple at `(x, y)`. */
export function pixel(img: RgbImage, x: number, y: number): [number, number, number] {
  const i = (y * img.width + x) * 3;
  return [img.data[i], img.data[i + 1], img.data[i + 2]];
}
