import { detailWeight, fbm3, filteredPulse, hash2 } from './noise.js';
import type { CompiledObject, EyeLayout } from './scene-compile.js';
import { smoothstep } from './shading.js';

/**
 * Largest distance between neighbouring samples, in cells of a texture's finest noise octave,
 * over which the noise is interpolated linearly instead of evaluated.
 */
const NOISE_SPACING = 0.125;
const MAX_NOISE_STRIDE = 8;

/**
 * Linear albedo of one object over the columns `x0..x1-1` of an image row: column `x` sees the
 * local point `hit[6x..6x+2]` metres with local unit normal `hit[6x+3..6x+5]`, filtered for a
 * footprint of `footprint[x]` metres. Writes `out[3x..3x+2]`.
 */
export function objectAlbedoRow(o: CompiledObject, hit: Float64Array, footprint: Float64Array, x0: number, x1: number, out: Float64Array): void {
  switch (o.texture) {
    case 0:
      stripesRow(o, hit, footprint, x0, x1, out);
      break;
    case 1:
      dotsRow(o, hit, footprint, x0, x1, out);
      break;
    case 2:
      noiseRow(o, hit, footprint, x0, x1, out, 1, 2);
      break;
    case 3:
      noiseRow(o, hit, footprint, x0, x1, out, 3, 1);
      break;
    default:
      checkerRow(o, hit, footprint, x0, x1, out);
  }
  if (o.eyes !== null) eyesRow(o, o.eyes, hit, footprint, x0, x1, out);
}

const EYE_WHITE = 0.85;
const EYE_PUPIL = 0.012;
/** Least forward component of the local normal where eyes are painted: the front half, not the sides. */
const EYE_MIN_FACING = 0.35;

/**
 * Paints the eyes over the texture: seen along the object's +z axis, two white discs with black
 * pupils, on the part of the surface facing forward; edges filtered by the pixel footprint.
 */
function eyesRow(o: CompiledObject, eyes: EyeLayout, hit: Float64Array, footprint: Float64Array, x0: number, x1: number, out: Float64Array): void {
  for (let x = x0; x < x1; x++) {
    const h = x * 6;
    if (hit[h + 5] < EYE_MIN_FACING) continue;
    const dy = hit[h + 1] - eyes.y;
    const dx = Math.abs(hit[h]) - eyes.dx;
    const r = Math.sqrt(dx * dx + dy * dy);
    const soft = Math.max(0.5 * footprint[x], 1e-4);
    const white = 1 - smoothstep(eyes.white - soft, eyes.white + soft, r);
    if (white <= 0) continue;
    const pupil = 1 - smoothstep(eyes.pupil - soft, eyes.pupil + soft, r);
    const v = EYE_WHITE + (EYE_PUPIL - EYE_WHITE) * pupil;
    const at = x * 3;
    for (let c = 0; c < 3; c++) out[at + c] += (v - out[at + c]) * white;
  }
}

/** Darker near the ground: soft contact occlusion and grime, at local height `y` metres. */
function grime(o: CompiledObject, y: number): number {
  return 0.55 + 0.45 * smoothstep(0, Math.min(0.6, o.b * 0.4), y);
}

/** Writes `scale · mix(albedo[0..2], albedo[3..5], k)` at `out[at..at+2]`. */
function mixAt(out: Float64Array, at: number, albedo: Float64Array, k: number, scale: number): void {
  const j = 1 - k;
  out[at] = (albedo[0] * j + albedo[3] * k) * scale;
  out[at + 1] = (albedo[1] * j + albedo[4] * k) * scale;
  out[at + 2] = (albedo[2] * j + albedo[5] * k) * scale;
}

function stripesRow(o: CompiledObject, hit: Float64Array, footprint: Float64Array, x0: number, x1: number, out: Float64Array): void {
  const inv = 1 / o.textureScale;
  const ax = o.axis[0];
  const ay = o.axis[1];
  const az = o.axis[2];
  for (let x = x0; x < x1; x++) {
    const h = x * 6;
    const t = (hit[h] * ax + hit[h + 1] * ay + hit[h + 2] * az) * inv;
    mixAt(out, x * 3, o.albedo, filteredPulse(t, footprint[x] * inv, 0.5), grime(o, hit[h + 1]));
  }
}

/** Jittered polka dots on the plane facing the normal's dominant axis. */
function dotsRow(o: CompiledObject, hit: Float64Array, footprint: Float64Array, x0: number, x1: number, out: Float64Array): void {
  const inv = 1 / o.textureScale;
  for (let x = x0; x < x1; x++) {
    const h = x * 6;
    const ax = Math.abs(hit[h + 3]);
    const ay = Math.abs(hit[h + 4]);
    const az = Math.abs(hit[h + 5]);
    const alongX = ax >= ay && ax >= az;
    const p = alongX ? hit[h + 1] : hit[h];
    const q = alongX || ay >= az ? hit[h + 2] : hit[h + 1];
    const w = footprint[x] * inv;
    const pu = p * inv + 0.5;
    const qv = q * inv + 0.5;
    const cu = Math.floor(pu);
    const cv = Math.floor(qv);
    const du = pu - cu - 0.5 + (hash2(cu, cv, o.salt) - 0.5) * 0.3;
    const dv = qv - cv - 0.5 + (hash2(cu, cv, o.salt + 1) - 0.5) * 0.3;
    const soft = w > 0.03 ? w : 0.03;
    const dot = 1 - smoothstep(0.28 - soft, 0.28 + soft, Math.sqrt(du * du + dv * dv));
    const fade = detailWeight(1, w);
    mixAt(out, x * 3, o.albedo, dot * fade + 0.25 * (1 - fade), grime(o, hit[h + 1]));
  }
}

/**
 * Noise textures: `octaves` of 3-D fbm at `frequency` cycles per texture period, either mixing
 * the two albedos (noise, 2 octaves) or shading a height gradient (gradient, 1 octave). The fbm
 * is evaluated every few columns where neighbouring points lie close in its finest lattice and
 * interpolated linearly in between.
 */
function noiseRow(o: CompiledObject, hit: Float64Array, footprint: Float64Array, x0: number, x1: number, out: Float64Array, frequency: number, octaves: number): void {
  const perPeriod = 1 / o.textureScale;
  const inv = perPeriod * frequency;
  const finest = inv * (octaves === 2 ? 2 : 1);
  const gradient = octaves === 1;
  let a = x0;
  let na = fbm3(hit[a * 6] * inv, hit[a * 6 + 1] * inv, hit[a * 6 + 2] * inv, o.salt, octaves, footprint[a] * perPeriod * frequency);
  while (a < x1) {
    // Extend the interpolated span while the path along the surface stays short in lattice cells.
    let b = a;
    let path = 0;
    while (b < x1 - 1 && b - a < MAX_NOISE_STRIDE) {
      const h = b * 6;
      path += Math.max(Math.abs(hit[h + 6] - hit[h]), Math.abs(hit[h + 7] - hit[h + 1]), Math.abs(hit[h + 8] - hit[h + 2])) * finest;
      if (path > NOISE_SPACING && b > a) break;
      b++;
    }
    if (b === a) b = a + 1;
    const nb = b < x1 ? fbm3(hit[b * 6] * inv, hit[b * 6 + 1] * inv, hit[b * 6 + 2] * inv, o.salt, octaves, footprint[b] * perPeriod * frequency) : na;
    const slope = (nb - na) / (b - a);
    for (let x = a; x < b; x++) {
      const n = na + slope * (x - a);
      const y = hit[x * 6 + 1];
      if (gradient) mixAt(out, x * 3, o.albedo, smoothstep(0, o.b, y), grime(o, y) * (0.8 + 0.4 * n));
      else mixAt(out, x * 3, o.albedo, smoothstep(0.32, 0.68, n), grime(o, y));
    }
    a = b;
    na = nb;
  }
}

function checkerRow(o: CompiledObject, hit: Float64Array, footprint: Float64Array, x0: number, x1: number, out: Float64Array): void {
  const inv = 1 / o.textureScale;
  for (let x = x0; x < x1; x++) {
    const h = x * 6;
    const w = footprint[x] * inv;
    const fx = filteredPulse(hit[h] * inv + 0.25, w, 0.5);
    const fy = filteredPulse(hit[h + 1] * inv, w, 0.5);
    const fz = filteredPulse(hit[h + 2] * inv + 0.25, w, 0.5);
    const xy = fx * (1 - fy) + fy * (1 - fx);
    mixAt(out, x * 3, o.albedo, xy * (1 - fz) + fz * (1 - xy), grime(o, hit[h + 1]));
  }
}
