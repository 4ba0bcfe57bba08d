/** An 8-bit RGB raster, rows top to bottom, pixels interleaved `r,g,b`; `data.length === width * height * 3`. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/**
 * A depth map in the source's own unit (metres, or an arbitrary relative scale), row-major,
 * `data.length === width * height`. `valid[i] === 1` where `data[i]` is a usable depth.
 */
export interface DepthMap {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
  readonly valid: Uint8Array;
}

/** An axis-aligned pixel rectangle: top-left corner `(x, y)`, size `width × height`. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** An RGB colour, each channel 0-255. */
export type Rgb = readonly [number, number, number];

/** Allocates a raster filled with one colour (black by default). */
export function createRgb(width: number, height: number, fill: Rgb = [0, 0, 0]): RgbImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`image size must be positive integers, got ${width}×${height}`);
  }
  const data = new Uint8Array(width * height * 3);
  if (fill[0] !== 0 || fill[1] !== 0 || fill[2] !== 0) {
    for (let i = 0; i < data.length; i += 3) {
      data[i] = fill[0];
      data[i + 1] = fill[1];
      data[i + 2] = fill[2];
    }
  }
  return { width, height, data };
}
