import type { DepthMap, RgbImage } from '@spatial-ssrl/image';
import type { TaskInput, TaskRejection } from '../task.js';
import { reject } from './rejection.js';

/** Checks that a raster is well formed (positive integer size, data length `width·height·3`). */
export function checkRgb(rgb: RgbImage | undefined): TaskRejection | undefined {
  if (rgb === undefined || rgb === null || typeof rgb !== 'object') {
    return reject('invalid-raster', 'the input has no RGB raster');
  }
  const { width, height, data } = rgb;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    return reject('invalid-raster', `the RGB raster size ${String(width)}×${String(height)} is not a positive integer size`);
  }
  if (!(data instanceof Uint8Array) || data.length !== width * height * 3) {
    return reject('invalid-raster', `the RGB raster of ${width}×${height} needs ${width * height * 3} bytes, got ${data?.length ?? 'none'}`);
  }
  return undefined;
}

/** Checks the RGB raster is at least `minWidth × minHeight` pixels. */
export function checkMinSize(rgb: RgbImage, minWidth: number, minHeight: number, what: string): TaskRejection | undefined {
  if (rgb.width < minWidth || rgb.height < minHeight) {
    return reject('image-too-small', `${rgb.width}×${rgb.height} is too small for ${what}: needs at least ${minWidth}×${minHeight}`);
  }
  return undefined;
}

/**
 * Returns the input's depth map when present and shaped like the RGB raster, or a rejection
 * (`depth-required`, `depth-size-mismatch`, `invalid-depth`).
 */
export function requireDepth(input: TaskInput): DepthMap | TaskRejection {
  const depth = input.depth;
  if (depth === undefined || depth === null) {
    return reject('depth-required', `this task needs an RGB-D source; ${input.source.dataset}/${input.source.id} has no depth`);
  }
  if (depth.width !== input.rgb.width || depth.height !== input.rgb.height) {
    return reject('depth-size-mismatch', `depth is ${depth.width}×${depth.height} but the image is ${input.rgb.width}×${input.rgb.height}`);
  }
  const n = depth.width * depth.height;
  if (!(depth.data instanceof Float32Array) || depth.data.length !== n || !(depth.valid instanceof Uint8Array) || depth.valid.length !== n) {
    return reject('invalid-depth', `depth arrays must hold ${n} values (Float32Array data, Uint8Array valid)`);
  }
  return depth;
}
