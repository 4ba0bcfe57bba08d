/**
 * Integer-hashed value noise and box-filtered periodic patterns. Everything here is pure
 * arithmetic on doubles and 32-bit integers, so results are identical on every platform.
 */

/** Hashes two integer lattice coordinates and a salt to a float in [0, 1). */
export function hash2(ix: number, iy: number, salt: number): number {
  let h = (Math.imul(ix, 0x27d4eb2d) + Math.imul(iy, 0x165667b1) + salt) | 0;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

const LATTICE_BITS = 8;
const LATTICE_SIZE = 1 << LATTICE_BITS;
const LATTICE_MASK = LATTICE_SIZE - 1;
const LATTICE_ROWS = LATTICE_MASK << LATTICE_BITS;
let lattice: Float32Array | undefined;

/** The 256×256 table of lattice values behind the value noise, built on first use. */
function latticeTable(): Float32Array {
  if (lattice === undefined) {
    const table = new Float32Array(1 << (2 * LATTICE_BITS));
    for (let iy = 0; iy <= LATTICE_MASK; iy++) {
      for (let ix = 0; ix <= LATTICE_MASK; ix++) table[(iy << LATTICE_BITS) | ix] = hash2(ix, iy, 0x5eed);
    }
    lattice = table;
  }
  return lattice;
}

/**
 * Smooth 2-D value noise in [0, 1) with unit lattice spacing; `salt` shifts the lattice so
 * different salts give unrelated patterns. The lattice repeats every 256 units. Kept small so
 * the engine inlines it into its callers.
 */
export function valueNoise2(x: number, y: number, salt: number): number {
  const table = lattice ?? latticeTable();
  const fx = Math.floor(x);
  const fy = Math.floor(y);
  const tx = x - fx;
  const ty = y - fy;
  const ix = (fx + salt) & LATTICE_MASK;
  const row = ((fy + (salt >> 8)) & LATTICE_MASK) << LATTICE_BITS;
  const next = (row + LATTICE_SIZE) & LATTICE_ROWS;
  const ix1 = (ix + 1) & LATTICE_MASK;
  const top = table[row | ix] + (table[row | ix1] - table[row | ix]) * (tx * tx * (3 - 2 * tx));
  const bottom = table[next | ix] + (table[next | ix1] - table[next | ix]) * (tx * tx * (3 - 2 * tx));
  return top + (bottom - top) * (ty * ty * (3 - 2 * ty));
}

/**
 * Smooth 3-D value noise in [0, 1) with unit lattice spacing: each integer `z` layer reads the
 * 2-D lattice at its own offset.
 */
export function valueNoise3(x: number, y: number, z: number, salt: number): number {
  const fz = Math.floor(z);
  const tz = z - fz;
  const uz = tz * tz * (3 - 2 * tz);
  const iz = fz | 0;
  const s0 = salt + Math.imul(iz, 0x3b9d);
  const a = valueNoise2(x, y, s0);
  const b = valueNoise2(x, y, s0 + 0x3b9d);
  return a + (b - a) * uz;
}

/**
 * How much of a pattern with the given spatial frequency survives a pixel footprint of
 * `footprint` (same length unit): 1 when the pattern is much coarser than a pixel, 0 when a
 * period spans less than about two pixels.
 */
export function detailWeight(frequency: number, footprint: number): number {
  const cycles = frequency * footprint;
  if (cycles <= 0.15) return 1;
  if (cycles >= 0.5) return 0;
  const s = (0.5 - cycles) / 0.35;
  return s * s * (3 - 2 * s);
}

/**
 * One octave of 2-D value noise at unit frequency faded to its mean 0.5 by the footprint, as
 * one layer of {@link fbm2}; skips the lookup when the layer is fully faded.
 */
export function detailNoise2(x: number, y: number, salt: number, footprint: number): number {
  const w = detailWeight(1, footprint);
  return w === 0 ? 0.5 : 0.5 + (valueNoise2(x, y, salt) - 0.5) * w;
}

/**
 * Largest spacing between neighbouring samples, in lattice cells, over which value noise is
 * interpolated linearly instead of evaluated: the smooth noise then deviates from the line by
 * under 1% of its range.
 */
const RUN_SPACING = 1 / 8;
const MAX_RUN_STRIDE = 16;

/**
 * How many points apart to evaluate noise along a run of evenly spaced points whose neighbours
 * are `step` lattice cells apart (1: every point).
 */
function runStride(step: number): number {
  const k = step > 0 ? Math.floor(RUN_SPACING / step) : MAX_RUN_STRIDE;
  return k < 1 ? 1 : k > MAX_RUN_STRIDE ? MAX_RUN_STRIDE : k;
}

/**
 * Adds one faded noise layer to a run of evenly spaced points (such as the ground seen along an
 * image row): for each `i` in `from..to-1`,
 * `out[i] += amp · fadedNoise2(xs[i] · sx, ys[i] · sy, salt, weight)`. Where neighbouring points
 * are much closer than a lattice cell the noise is evaluated every few points and interpolated.
 */
export function addNoiseLayer(
  out: Float64Array,
  xs: Float64Array,
  ys: Float64Array,
  from: number,
  to: number,
  sx: number,
  sy: number,
  salt: number,
  weight: number,
  amp: number,
): void {
  if (weight === 0) {
    const mean = 0.5 * amp;
    for (let i = from; i < to; i++) out[i] += mean;
    return;
  }
  const scale = weight * amp;
  const base = (0.5 - 0.5 * weight) * amp;
  const stride = to - from > 2 ? runStride(Math.max(Math.abs((xs[from + 1] - xs[from]) * sx), Math.abs((ys[from + 1] - ys[from]) * sy))) : 1;
  if (stride === 1) {
    addNoiseEveryPoint(out, xs, ys, from, to, sx, sy, salt, base, scale);
    return;
  }
  let a = from;
  let na = valueNoise2(xs[a] * sx, ys[a] * sy, salt);
  while (a < to - 1) {
    const b = a + stride < to - 1 ? a + stride : to - 1;
    const nb = valueNoise2(xs[b] * sx, ys[b] * sy, salt);
    const slope = (nb - na) / (b - a);
    for (let i = a; i < b; i++) out[i] += base + (na + slope * (i - a)) * scale;
    a = b;
    na = nb;
  }
  out[a] += base + na * scale;
}

/**
 * `out[i] += base + valueNoise2(xs[i] · sx, ys[i] · sy, salt) · scale` for every `i` in
 * `from..to-1`, with the same arithmetic as {@link valueNoise2}; neighbouring points often share
 * a lattice cell, so its four corner values are looked up only when the cell changes.
 */
function addNoiseEveryPoint(
  out: Float64Array,
  xs: Float64Array,
  ys: Float64Array,
  from: number,
  to: number,
  sx: number,
  sy: number,
  salt: number,
  base: number,
  scale: number,
): void {
  const table = lattice ?? latticeTable();
  let cellX = Number.NaN;
  let cellY = Number.NaN;
  let c00 = 0;
  let c10 = 0;
  let c01 = 0;
  let c11 = 0;
  for (let i = from; i < to; i++) {
    const x = xs[i] * sx;
    const y = ys[i] * sy;
    const fx = Math.floor(x);
    const fy = Math.floor(y);
    if (fx !== cellX || fy !== cellY) {
      const ix = (fx + salt) & LATTICE_MASK;
      const row = ((fy + (salt >> 8)) & LATTICE_MASK) << LATTICE_BITS;
      const next = (row + LATTICE_SIZE) & LATTICE_ROWS;
      const ix1 = (ix + 1) & LATTICE_MASK;
      c00 = table[row | ix];
      c10 = table[row | ix1];
      c01 = table[next | ix];
      c11 = table[next | ix1];
      cellX = fx;
      cellY = fy;
    }
    const tx = x - fx;
    const ty = y - fy;
    const wx = tx * tx * (3 - 2 * tx);
    const top = c00 + (c10 - c00) * wx;
    const bottom = c01 + (c11 - c01) * wx;
    out[i] += base + (top + (bottom - top) * (ty * ty * (3 - 2 * ty))) * scale;
  }
}

/**
 * 2-D value noise along a line of evenly spaced points: for each `i` in `from..to-1`,
 * `out[i] = valueNoise2(xs[i] · sx + shiftX, ys[i] · sy + shiftY, salt)`, interpolated between
 * evaluations as in {@link addNoiseLayer}.
 */
export function noiseAlongLine(
  out: Float64Array,
  xs: Float64Array,
  ys: Float64Array,
  from: number,
  to: number,
  sx: number,
  shiftX: number,
  sy: number,
  shiftY: number,
  salt: number,
): void {
  const stride = to - from > 2 ? runStride(Math.max(Math.abs((xs[from + 1] - xs[from]) * sx), Math.abs((ys[from + 1] - ys[from]) * sy))) : 1;
  let a = from;
  let na = valueNoise2(xs[a] * sx + shiftX, ys[a] * sy + shiftY, salt);
  while (a < to - 1) {
    const b = a + stride < to - 1 ? a + stride : to - 1;
    const nb = valueNoise2(xs[b] * sx + shiftX, ys[b] * sy + shiftY, salt);
    const slope = (nb - na) / (b - a);
    for (let i = a; i < b; i++) out[i] = na + slope * (i - a);
    a = b;
    na = nb;
  }
  out[a] = na;
}

/**
 * Fractal 2-D value noise in [0, 1]: `octaves` layers, each twice the frequency and half the
 * amplitude of the previous; layers too fine for `footprint` fade to their mean.
 */
export function fbm2(x: number, y: number, salt: number, octaves: number, footprint: number): number {
  let sum = 0;
  let norm = 0;
  let amp = 1;
  let freq = 1;
  for (let o = 0; o < octaves; o++) {
    const w = detailWeight(freq, footprint);
    if (w === 0) {
      // Finer octaves only fade further; add their mean contribution in one step.
      let rest = 0;
      for (let k = o, a = amp; k < octaves; k++, a *= 0.5) rest += a;
      sum += 0.5 * rest;
      norm += rest;
      break;
    }
    const n = w === 1 ? valueNoise2(x * freq, y * freq, salt + o) : 0.5 + (valueNoise2(x * freq, y * freq, salt + o) - 0.5) * w;
    sum += n * amp;
    norm += amp;
    amp *= 0.5;
    freq *= 2;
  }
  return sum / norm;
}

/** Fractal 3-D value noise in [0, 1], with the same footprint fading as {@link fbm2}. */
export function fbm3(x: number, y: number, z: number, salt: number, octaves: number, footprint: number): number {
  let sum = 0;
  let norm = 0;
  let amp = 1;
  let freq = 1;
  for (let o = 0; o < octaves; o++) {
    const w = detailWeight(freq, footprint);
    if (w === 0) {
      let rest = 0;
      for (let k = o, a = amp; k < octaves; k++, a *= 0.5) rest += a;
      sum += 0.5 * rest;
      norm += rest;
      break;
    }
    const n = valueNoise3(x * freq, y * freq, z * freq, salt + o);
    sum += (0.5 + (n - 0.5) * w) * amp;
    norm += amp;
    amp *= 0.5;
    freq *= 2;
  }
  return sum / norm;
}

function pulseIntegral(x: number, duty: number): number {
  const fx = Math.floor(x);
  const f = x - fx;
  return fx * duty + (f < duty ? f : duty);
}

/**
 * The fraction of `[x - width/2, x + width/2]` covered by a unit-period pulse train that is on
 * for the first `duty` (0-1) of each period: an exact box filter of the pattern.
 */
export function filteredPulse(x: number, width: number, duty: number): number {
  if (width < 1e-4) {
    const f = x - Math.floor(x);
    return f < duty ? 1 : 0;
  }
  if (width > 8) return duty;
  const half = width * 0.5;
  return (pulseIntegral(x + half, duty) - pulseIntegral(x - half, duty)) / width;
}
