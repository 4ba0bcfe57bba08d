import { fbm2, valueNoise2 } from './noise.js';
import type { CompiledScene } from './scene-compile.js';
import { smoothstep } from './shading.js';

/** Strength of the brightening of sky and haze towards the sun's azimuth. */
export const SIDE_GLOW = 0.25;

/**
 * How much a view direction with horizontal components `(dx, dz)` faces the sun's azimuth:
 * the square of `(1 + cos Δazimuth) / 2`, from 0 (sun behind) to 1 (towards the sun).
 */
export function sunSide(s: CompiledScene, dx: number, dz: number): number {
  const h = Math.sqrt(dx * dx + dz * dz);
  if (h === 0) return 0.25;
  const half = 0.5 + (0.5 * (dx * s.sunHx + dz * s.sunHz)) / h;
  return half * half;
}

/**
 * Linear sky radiance with the sun glow and clouds for the columns `x0..x1-1` of one image row,
 * whose rays are `(rowU[x], dy, dz)` (not unit); `side[x]` is the column's `sunSide` and
 * `clouds[x]` its cloud density from {@link cloudDensity} (negative: none; `null`: no clouds).
 * Writes `out[3x..3x+2]`.
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
  out: Float64Array,
): void {
  const table = (luminanceTable ??= buildLuminanceTable());
  const dyz2 = dy * dy + dz * dz;
  const { lx, ly, lz } = s;
  const hr = s.horizon[0];
  const hg = s.horizon[1];
  const hb = s.horizon[2];
  const zr = s.zenith[0] - hr;
  const zg = s.zenith[1] - hg;
  const zb = s.zenith[2] - hb;
  const sr = s.sun[0];
  const sg = s.sun[1];
  const sb = s.sun[2];
  // fbm values cluster around 0.5, so this threshold leaves roughly `cover` of the sky clouded.
  const threshold = 0.62 - 0.35 * s.cloudCover;
  const cr = 0.9 + 0.1 * sr;
  const cg = 0.9 + 0.1 * sg;
  const cb = 0.9 + 0.1 * sb;
  for (let x = x0; x < x1; x++) {
    const u = rowU[x];
    const inv = 1 / Math.sqrt(u * u + dyz2);
    const ey = dy * inv;
    const k = ey > 0 ? Math.sqrt(ey) : 0;
    const cosSun = (u * lx + dy * ly + dz * lz) * inv;
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
    let r = (hr + zr * k) * lum + sr * glow;
    let g = (hg + zg * k) * lum + sg * glow;
    let b = (hb + zb * k) * lum + sb * glow;
    if (clouds !== null && ey > CLOUD_MIN_ELEVATION) {
      const n = clouds[x];
      if (n >= 0) {
        const a = smoothstep(threshold, threshold + 0.08, n) * smoothstep(CLOUD_MIN_ELEVATION, 0.2, ey) * 0.92;
        if (a > 0) {
          const lit = 0.78 + 0.22 * c + 0.25 * (n - 0.5);
          r += (lit * cr - r) * a;
          g += (lit * cg - g) * a;
          b += (lit * cb - b) * a;
        }
      }
    }
    const at = x * 3;
    out[at] = r;
    out[at + 1] = g;
    out[at + 2] = b;
  }
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
 * Cloud density (fbm value, 0-1) seen along unit direction `(dx, dy, dz)`, filtered for a
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
