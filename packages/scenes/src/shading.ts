/** Hermite step from 0 at `e0` to 1 at `e1`. */
export function smoothstep(e0: number, e1: number, x: number): number {
  const t = (x - e0) / (e1 - e0);
  if (t <= 0) return 0;
  if (t >= 1) return 1;
  return t * t * (3 - 2 * t);
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
