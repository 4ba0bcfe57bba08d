import { encodeChannel, encodeLut } from './color.js';
import { fbm2, valueNoise2 } from './noise.js';
import type { CompiledScene } from './scene-compile.js';
import { smoothstep } from './shading.js';

/** Strength of the brightening of sky and haze towards the sun's azimuth. */
export const SIDE_GLOW = 0.25;

/**
 * How much a view direction with horizontal components `(dx, dz)` in the camera's axes (right,
 * forward) faces the sun's azimuth: the square of `(1 + cos Δazimuth) / 2`, from 0 (sun behind)
 * to 1 (towards the sun).
 */
export function sunSide(s: CompiledScene, dx: number, dz: number): number {
  const h = Math.sqrt(dx * dx + dz * dz);
  if (h === 0) return 0.25;
  const half = 0.5 + (0.5 * (dx * s.viewSunHx + dz * s.viewSunHz)) / h;
  return half * half;
}

/** Per-column scratch rows of {@link skyRow}: the ray's elevation sine and its cosine to the sun. */
export interface SkyScratch {
  readonly elevation: Float64Array;
  readonly cosSun: Float64Array;
}

/** Scratch rows for {@link skyRow} on an image `width` pixels wide. */
export function createSkyScratch(width: number): SkyScratch {
  return { elevation: new Float64Array(width), cosSun: new Float64Array(width) };
}

/** Columns between exact sky evaluations; the sky between them is interpolated linearly. */
const SKY_STRIDE = 4;
/**
 * Cosine to the sun above which every column is evaluated: about 24 pixels around the sun at
 * 640 pixels wide, wider than the sun disc plus one stride.
 */
const SUN_NEAR = 0.999;

/**
 * Linear sky radiance with the sun glow and clouds for the columns `x0..x1-1` of one image row,
 * whose rays are `(rowU[x], dy, dz)` (not unit); `side[x]` is the column's `sunSide` and
 * `clouds[x]` its cloud density from {@link cloudDensity} (negative: none; `null`: no clouds).
 * The clear sky is smooth away from the sun, so it is evaluated every few columns there and
 * interpolated. Writes 8-bit sRGB to `bytes[bytesAt + 3x ..]` or, with `bytes` null, linear light
 * to `out[3x..3x+2]`; `out` also serves as scratch.
 */
export function skyRow(
  s: CompiledScene,
  rowU: Float64Array,
  x0: number,
  x1: number,
  dy: number,
  dz: number,
  side: Float64Array,
  clouds: Float64Array | null,
  scratch: SkyScratch,
  out: Float64Array,
  bytes: Uint8Array | null,
  bytesAt: number,
): void {
  const { elevation, cosSun } = scratch;
  let a = x0;
  clearSkyAt(s, rowU, a, dy, dz, side, scratch, out);
  while (a < x1 - 1) {
    const b = a + SKY_STRIDE < x1 - 1 ? a + SKY_STRIDE : x1 - 1;
    clearSkyAt(s, rowU, b, dy, dz, side, scratch, out);
    if (cosSun[a] > SUN_NEAR || cosSun[b] > SUN_NEAR) {
      for (let x = a + 1; x < b; x++) clearSkyAt(s, rowU, x, dy, dz, side, scratch, out);
    } else {
      const inv = 1 / (b - a);
      for (let x = a + 1; x < b; x++) {
        const f = (x - a) * inv;
        const at = x * 3;
        const pa = a * 3;
        const pb = b * 3;
        out[at] = out[pa] + (out[pb] - out[pa]) * f;
        out[at + 1] = out[pa + 1] + (out[pb + 1] - out[pa + 1]) * f;
        out[at + 2] = out[pa + 2] + (out[pb + 2] - out[pa + 2]) * f;
        elevation[x] = elevation[a] + (elevation[b] - elevation[a]) * f;
        cosSun[x] = cosSun[a] + (cosSun[b] - cosSun[a]) * f;
      }
    }
    a = b;
  }
  const lut = bytes === null ? null : encodeLut();
  const hasClouds = clouds !== null && s.cloudCover > 0;
  // fbm values cluster around 0.5, so this threshold leaves roughly `cover` of the sky clouded.
  const threshold = 0.62 - 0.35 * s.cloudCover;
  const cr = 0.9 + 0.1 * s.sun[0];
  const cg = 0.9 + 0.1 * s.sun[1];
  const cb = 0.9 + 0.1 * s.sun[2];
  for (let x = x0; x < x1; x++) {
    const at = x * 3;
    let r = out[at];
    let g = out[at + 1];
    let b = out[at + 2];
    const ey = elevation[x];
    const n = hasClouds ? clouds[x] : -1;
    if (ey > CLOUD_MIN_ELEVATION && n >= 0) {
      const a = smoothstep(threshold, threshold + 0.08, n) * smoothstep(CLOUD_MIN_ELEVATION, 0.2, ey) * 0.92;
      if (a > 0) {
        const c = cosSun[x] > 0 ? cosSun[x] : 0;
        const lit = 0.78 + 0.22 * c + 0.25 * (n - 0.5);
        r += (lit * cr - r) * a;
        g += (lit * cg - g) * a;
        b += (lit * cb - b) * a;
      }
    }
    if (lut === null || bytes === null) {
      out[at] = r;
      out[at + 1] = g;
      out[at + 2] = b;
    } else {
      bytes[bytesAt + at] = encodeChannel(lut, r);
      bytes[bytesAt + at + 1] = encodeChannel(lut, g);
      bytes[bytesAt + at + 2] = encodeChannel(lut, b);
    }
  }
}

/** The clear sky with sun glow of column `x` into `out[3x..3x+2]`, its elevation sine and cosine to the sun into `scratch`. */
function clearSkyAt(s: CompiledScene, rowU: Float64Array, x: number, dy: number, dz: number, side: Float64Array, scratch: SkyScratch, out: Float64Array): void {
  const table = (luminanceTable ??= buildLuminanceTable());
  const u = rowU[x];
  const inv = 1 / Math.sqrt(u * u + (dy * dy + dz * dz));
  const ey = dy * inv;
  const k = ey > 0 ? Math.sqrt(ey) : 0;
  const cosSun = (u * s.viewLx + dy * s.ly + dz * s.viewLz) * inv;
  const c = cosSun > 0 ? cosSun : 0;
  const c2 = c * c;
  const c4 = c2 * c2;
  const c16 = c4 * c4 * c4 * c4;
  const c64 = c16 * c16 * c16 * c16;
  // The sky brightens towards the sun's azimuth, most near the horizon.
  const glow = 0.2 * c4 + 0.45 * c64 + (cosSun > 0.99965 ? 3 : 0) + SIDE_GLOW * side[x] * (1 - k);
  const p = (cosSun + 1) * 0.5 * (LUMINANCE_TABLE_SIZE - 1);
  const i = p <= 0 ? 0 : p >= LUMINANCE_TABLE_SIZE - 2 ? LUMINANCE_TABLE_SIZE - 2 : p | 0;
  const lum = table[i] + (table[i + 1] - table[i]) * (p - i);
  const h = s.horizon;
  const z = s.zenith;
  const at = x * 3;
  out[at] = (h[0] + (z[0] - h[0]) * k) * lum + s.sun[0] * glow;
  out[at + 1] = (h[1] + (z[1] - h[1]) * k) * lum + s.sun[1] * glow;
  out[at + 2] = (h[2] + (z[2] - h[2]) * k) * lum + s.sun[2] * glow;
  scratch.elevation[x] = ey;
  scratch.cosSun[x] = cosSun;
}

const CLOUD_MIN_ELEVATION = 0.015;
const LUMINANCE_TABLE_SIZE = 512;
let luminanceTable: Float64Array | undefined;

/**
 * Relative sky brightness at angle γ from the sun, after the scattering indicatrix of the CIE
 * clear-sky model, `f(γ) = 0.91 + 10·exp(-3γ) + 0.45·cos²γ`: `0.88 + 0.12·f(γ)/f(90°)`, darkest
 * about 90° from the sun; looked up by `cos γ`.
 */
function skyLuminance(cosSun: number): number {
  const table = (luminanceTable ??= buildLuminanceTable());
  const x = (cosSun + 1) * 0.5 * (LUMINANCE_TABLE_SIZE - 1);
  const i = x <= 0 ? 0 : x >= LUMINANCE_TABLE_SIZE - 2 ? LUMINANCE_TABLE_SIZE - 2 : x | 0;
  return table[i] + (table[i + 1] - table[i]) * (x - i);
}

function buildLuminanceTable(): Float64Array {
  const indicatrix = (gamma: number): number => 0.91 + 10 * Math.exp(-3 * gamma) + 0.45 * Math.cos(gamma) ** 2;
  const atRightAngle = indicatrix(Math.PI / 2);
  const table = new Float64Array(LUMINANCE_TABLE_SIZE);
  for (let i = 0; i < LUMINANCE_TABLE_SIZE; i++) {
    const cos = (2 * i) / (LUMINANCE_TABLE_SIZE - 1) - 1;
    table[i] = 0.88 + 0.12 * (indicatrix(Math.acos(cos)) / atRightAngle);
  }
  return table;
}

/**
 * Cloud density (fbm value, 0-1) seen along unit direction `(dx, dy, dz)` in world axes, filtered for a
 * footprint of `pixelAngle` radians; -1 below the cloud layer's horizon or in a clear sky. The
 * clouds are a noise field on a plane high above the scene, so they shrink towards the horizon.
 */
export function cloudDensity(s: CompiledScene, dx: number, dy: number, dz: number, pixelAngle: number): number {
  if (s.cloudCover <= 0 || dy <= CLOUD_MIN_ELEVATION) return -1;
  const invY = 1 / dy;
  return fbm2(dx * invY * 1.6, dz * invY * 1.6, s.salt + 97, 3, (pixelAngle * 1.6) / (dy * dy));
}

/**
 * Hill-top height of the backdrop, metres, at horizontal bearing `sinBearing` (the sine of the
 * angle from the view direction, -1 to 1): rolling hills with a bumpy tree line on top.
 */
export function backdropHeight(s: CompiledScene, sinBearing: number): number {
  const hills = valueNoise2(sinBearing * 1.6 + 3.1, 0.61, s.salt + 127);
  const crowns = fbm2(sinBearing * 9 + 11.7, 0.37, s.salt + 113, 4, 0);
  return s.backdropMin + (s.backdropMax - s.backdropMin) * (0.6 * hills + 0.4 * crowns);
}
