import { hex64, medianBits } from './bits.js';
import { resizeArea, type GrayImage } from './gray.js';

/** Side of the thumbnail a perceptual hash is computed from, pixels. */
const THUMB_SIDE = 32;
/** Low-frequency DCT coefficients per axis used by the hash (8 × 8, the DC term left out: 63 bits). */
const FREQ = 8;

let cosTable: Float64Array | undefined;

// cos(π (2x + 1) u / 64) for u < 8, x < 32: the DCT-II basis of a 32-sample axis.
function basis(): Float64Array {
  if (cosTable) return cosTable;
  const t = new Float64Array(FREQ * THUMB_SIDE);
  for (let u = 0; u < FREQ; u++) {
    for (let x = 0; x < THUMB_SIDE; x++) t[u * THUMB_SIDE + x] = Math.cos((Math.PI * (2 * x + 1) * u) / (2 * THUMB_SIDE));
  }
  cosTable = t;
  return t;
}

/**
 * The 8 × 8 lowest DCT-II coefficients of a 32 × 32 thumbnail, row-major by vertical frequency:
 * `out[v * 8 + u]`, `u` horizontal frequency.
 */
function lowDct(thumb: Float32Array): Float64Array {
  const b = basis();
  const rows = new Float64Array(THUMB_SIDE * FREQ);
  for (let y = 0; y < THUMB_SIDE; y++) {
    for (let u = 0; u < FREQ; u++) {
      let s = 0;
      for (let x = 0; x < THUMB_SIDE; x++) s += thumb[y * THUMB_SIDE + x]! * b[u * THUMB_SIDE + x]!;
      rows[y * FREQ + u] = s;
    }
  }
  const out = new Float64Array(FREQ * FREQ);
  for (let v = 0; v < FREQ; v++) {
    for (let u = 0; u < FREQ; u++) {
      let s = 0;
      for (let y = 0; y < THUMB_SIDE; y++) s += rows[y * FREQ + u]! * b[v * THUMB_SIDE + y]!;
      out[v * FREQ + u] = s;
    }
  }
  return out;
}

/**
 * The eight ways to flip and quarter-turn an image (the dihedral group), as operations on DCT
 * coefficients: a left-right mirror negates odd horizontal frequencies, an upside-down flip odd
 * vertical ones, and a transpose swaps the axes. Named as applied to the image.
 */
export const IMAGE_ORIENTATIONS = ['identity', 'mirror', 'upside-down', 'rotate-180', 'transpose', 'rotate-90-cw', 'rotate-90-ccw', 'transverse'] as const;

/** One of {@link IMAGE_ORIENTATIONS}. */
export type ImageOrientation = (typeof IMAGE_ORIENTATIONS)[number];

/** Each orientation as a transpose followed by a left-right mirror and an upside-down flip. */
export const ORIENTATION_OPS: Readonly<Record<ImageOrientation, { transpose: boolean; mirror: boolean; flip: boolean }>> = {
  identity: { transpose: false, mirror: false, flip: false },
  mirror: { transpose: false, mirror: true, flip: false },
  'upside-down': { transpose: false, mirror: false, flip: true },
  'rotate-180': { transpose: false, mirror: true, flip: true },
  transpose: { transpose: true, mirror: false, flip: false },
  // Turning clockwise is a transpose followed by a mirror; counter-clockwise, by a flip.
  'rotate-90-cw': { transpose: true, mirror: true, flip: false },
  'rotate-90-ccw': { transpose: true, mirror: false, flip: true },
  transverse: { transpose: true, mirror: true, flip: true },
};

/** The DCT coefficients of the image turned by `orientation`. */
export function orientDct(coefs: Float64Array, orientation: ImageOrientation): Float64Array {
  const op = ORIENTATION_OPS[orientation];
  const out = new Float64Array(FREQ * FREQ);
  for (let v = 0; v < FREQ; v++) {
    for (let u = 0; u < FREQ; u++) {
      const c = op.transpose ? coefs[u * FREQ + v]! : coefs[v * FREQ + u]!;
      const sign = (op.mirror && u % 2 === 1 ? -1 : 1) * (op.flip && v % 2 === 1 ? -1 : 1);
      out[v * FREQ + u] = sign * c;
    }
  }
  return out;
}

/** 63 bits from 8 × 8 DCT coefficients: each AC coefficient above the median of all 63. */
export function dctBits(coefs: Float64Array): { lo: number; hi: number } {
  return medianBits(coefs.subarray(1));
}

/** What a perceptual hash is made of: the 32 × 32 thumbnail, its low DCT and the 63-bit code. */
export interface PerceptualHash {
  /** 16 hex digits. */
  readonly hash: string;
  readonly lo: number;
  readonly hi: number;
  /** The 32 × 32 area-averaged gray thumbnail, values 0-1. */
  readonly thumbnail: Float32Array;
  readonly dct: Float64Array;
  /** Standard deviation of the thumbnail, 0-1: below about 0.015 the image is flat and its hash says little. */
  readonly contrast: number;
}

/**
 * A DCT perceptual hash (pHash) of a gray image: area-average it to 32 × 32 (any size and
 * aspect), take the 8 × 8 lowest DCT-II frequencies and set one bit per AC coefficient above
 * their median. Resizing, re-encoding and mild blur change few bits; a crop changes many (the
 * local features handle crops).
 */
export function perceptualHash(gray: GrayImage): PerceptualHash {
  const thumbnail = resizeArea(gray, THUMB_SIDE, THUMB_SIDE).data;
  const dct = lowDct(thumbnail);
  const { lo, hi } = dctBits(dct);
  let mean = 0;
  for (const v of thumbnail) mean += v;
  mean /= thumbnail.length;
  let variance = 0;
  for (const v of thumbnail) variance += (v - mean) ** 2;
  return { hash: hex64(lo, hi), lo, hi, thumbnail, dct, contrast: Math.sqrt(variance / thumbnail.length) };
}
