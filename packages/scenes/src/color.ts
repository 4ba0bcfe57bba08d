import type { Rgb } from '@spatial-ssrl/image';

/** Converts an sRGB channel (0-255) to linear light (0-1) with the standard sRGB curve. */
export function srgbToLinear(channel: number): number {
  const c = channel / 255;
  return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
}

/** Converts an sRGB colour (0-255 per channel) to linear light, written into `out[offset..+2]`. */
export function rgbToLinear(rgb: Rgb, out: Float64Array, offset: number): void {
  out[offset] = srgbToLinear(rgb[0]);
  out[offset + 1] = srgbToLinear(rgb[1]);
  out[offset + 2] = srgbToLinear(rgb[2]);
}

/** Number of entries of the linear-to-sRGB lookup table. */
export const ENCODE_LUT_SIZE = 4096;

/** Largest linear value the lookup table covers; brighter values use the last entry. */
export const ENCODE_LUT_MAX = 1.5;

/**
 * A lookup table from linear light to 8-bit sRGB: entry `i` encodes
 * `i / (ENCODE_LUT_SIZE - 1) * ENCODE_LUT_MAX`, with a soft shoulder above 0.8 so highlights
 * roll off instead of clipping hard.
 */
export function createEncodeLut(): Uint8Array {
  const lut = new Uint8Array(ENCODE_LUT_SIZE);
  for (let i = 0; i < ENCODE_LUT_SIZE; i++) {
    let v = (i / (ENCODE_LUT_SIZE - 1)) * ENCODE_LUT_MAX;
    if (v > 0.8) v = 0.8 + (0.2 * (1 - Math.exp(-(v - 0.8) / 0.2))) / (1 - Math.exp(-(ENCODE_LUT_MAX - 0.8) / 0.2));
    const c = v <= 0.0031308 ? 12.92 * v : 1.055 * Math.pow(v, 1 / 2.4) - 0.055;
    lut[i] = Math.max(0, Math.min(255, Math.round(c * 255)));
  }
  return lut;
}

let sharedLut: Uint8Array | undefined;

/** The shared lookup table of {@link createEncodeLut}, built on first use. */
export function encodeLut(): Uint8Array {
  return (sharedLut ??= createEncodeLut());
}

const TO_LUT_INDEX = (ENCODE_LUT_SIZE - 1) / ENCODE_LUT_MAX;
const LUT_LAST = ENCODE_LUT_SIZE - 1;

/** 8-bit sRGB of linear value `v` through `lut` (from {@link encodeLut}); values out of range clamp. */
export function encodeChannel(lut: Uint8Array, v: number): number {
  const i = (v * TO_LUT_INDEX) | 0;
  return lut[i > LUT_LAST ? LUT_LAST : i < 0 ? 0 : i];
}

/** Encodes the linear colours `rgb[3·from .. 3·to)` as 8-bit sRGB into `data[at + 3·from ..]`. */
export function encodeRow(data: Uint8Array, at: number, rgb: Float64Array, from: number, to: number): void {
  const lut = encodeLut();
  for (let k = from * 3; k < to * 3; k++) data[at + k] = encodeChannel(lut, rgb[k]);
}

/** Converts hue (degrees, any value), saturation and value (0-1) to an sRGB colour, 0-255. */
export function hsvToRgb(hueDeg: number, saturation: number, value: number): Rgb {
  const h = (((hueDeg % 360) + 360) % 360) / 60;
  const i = Math.floor(h);
  const f = h - i;
  const p = value * (1 - saturation);
  const q = value * (1 - saturation * f);
  const t = value * (1 - saturation * (1 - f));
  const table: ReadonlyArray<readonly [number, number, number]> = [
    [value, t, p],
    [q, value, p],
    [p, value, t],
    [p, q, value],
    [t, p, value],
    [value, p, q],
  ];
  const [r, g, b] = table[i % 6];
  return [Math.round(r * 255), Math.round(g * 255), Math.round(b * 255)];
}
