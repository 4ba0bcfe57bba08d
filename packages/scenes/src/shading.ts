/**
 * The shading buffer shared by the material functions: inputs in the low slots (documented per
 * function), scratch in the middle, the linear colour out at `SHADE_R..SHADE_B`. Numbers travel
 * in this buffer rather than as arguments so the hot loop passes no boxed values.
 */
export const SHADE_R = 12;
export const SHADE_G = 13;
export const SHADE_B = 14;
/** Length of a shading buffer. */
export const SHADE_SIZE = 16;

/** Hermite step from 0 at `e0` to 1 at `e1`. */
export function smoothstep(e0: number, e1: number, x: number): number {
  const t = (x - e0) / (e1 - e0);
  if (t <= 0) return 0;
  if (t >= 1) return 1;
  return t * t * (3 - 2 * t);
}

/** Writes `scale · mix(src[0..2], src[3..5], k)` into the colour slots of `io`. */
export function mixInto(io: Float64Array, src: Float64Array, k: number, scale: number): void {
  const j = 1 - k;
  io[SHADE_R] = (src[0] * j + src[3] * k) * scale;
  io[SHADE_G] = (src[1] * j + src[4] * k) * scale;
  io[SHADE_B] = (src[2] * j + src[5] * k) * scale;
}

const HAZE_TABLE_SIZE = 1024;
const HAZE_TABLE_MAX = 4;
let hazeTable: Float64Array | undefined;

/** Aerial haze `1 - exp(-x)` for `x >= 0` (distance over haze distance), from a table (error below 1e-5). */
export function hazeAmount(x: number): number {
  const table = (hazeTable ??= buildHazeTable());
  const p = x * (HAZE_TABLE_SIZE / HAZE_TABLE_MAX);
  if (p >= HAZE_TABLE_SIZE) return 1 - Math.exp(-x);
  const i = p | 0;
  return table[i] + (table[i + 1] - table[i]) * (p - i);
}

function buildHazeTable(): Float64Array {
  const table = new Float64Array(HAZE_TABLE_SIZE + 1);
  for (let i = 0; i <= HAZE_TABLE_SIZE; i++) table[i] = 1 - Math.exp(-(i * HAZE_TABLE_MAX) / HAZE_TABLE_SIZE);
  return table;
}
