/**
 * Value given to unusable pixels before {@link windowRange}: any window holding one and a usable
 * pixel (values in [0, 1]) then has a range near 1e6, so a range threshold rejects it without a
 * separate usability test. A window made only of unusable pixels has range 0: callers also check
 * that the centre is usable.
 */
export const UNUSABLE_SENTINEL = 1e6;

/**
 * Range (max − min) of `values` over every `size × size` window, stored at the window's centre
 * pixel; `size` is odd. Centres whose window leaves the image hold NaN. The van Herk /
 * Gil-Werman block algorithm runs separably (rows, then columns over blocks of `size` rows): a
 * window starting inside a block is the block's suffix from that point joined with a running
 * prefix of the next block, so the cost is O(1) per pixel whatever the window size. `values`
 * must be finite.
 */
export function windowRange(values: Float32Array, width: number, height: number, size: number): Float32Array {
  if (!Number.isInteger(size) || size < 1 || size % 2 === 0) throw new RangeError(`window size must be a positive odd integer, got ${size}`);
  if (values.length !== width * height) throw new RangeError(`expected ${width * height} values, got ${values.length}`);
  const out = new Float32Array(width * height).fill(Number.NaN);
  if (width < size || height < size) return out;
  const half = (size - 1) / 2;
  const rowMin = new Float32Array(width * height);
  const rowMax = new Float32Array(width * height);
  rowPass(values, width, height, size, rowMin, rowMax);

  const x0 = half;
  const x1 = width - half;
  const sMin = new Float32Array(size * width);
  const sMax = new Float32Array(size * width);
  const pMin = new Float32Array(width);
  const pMax = new Float32Array(width);
  for (let b0 = 0; b0 + size - 1 < height; b0 += size) {
    for (let r = size - 1; r >= 0; r--) {
      const src = (b0 + r) * width;
      const dst = r * width;
      if (r === size - 1) {
        sMin.set(rowMin.subarray(src + x0, src + x1), dst + x0);
        sMax.set(rowMax.subarray(src + x0, src + x1), dst + x0);
        continue;
      }
      const next = dst + width;
      for (let x = x0; x < x1; x++) {
        const a = rowMin[src + x];
        const p = sMin[next + x];
        sMin[dst + x] = a < p ? a : p;
        const b = rowMax[src + x];
        const q = sMax[next + x];
        sMax[dst + x] = b > q ? b : q;
      }
    }
    const first = (b0 + half) * width;
    for (let x = x0; x < x1; x++) out[first + x] = sMax[x] - sMin[x];
    const n0 = b0 + size;
    const nextRows = Math.min(size - 1, height - n0);
    if (nextRows > 0) {
      pMin.set(rowMin.subarray(n0 * width + x0, n0 * width + x1), x0);
      pMax.set(rowMax.subarray(n0 * width + x0, n0 * width + x1), x0);
    }
    for (let r = 1; r <= nextRows; r++) {
      const src = (n0 + r - 1) * width;
      const s = r * width;
      const o = (b0 + r + half) * width;
      for (let x = x0; x < x1; x++) {
        let lo = pMin[x];
        let hi = pMax[x];
        if (r > 1) {
          const a = rowMin[src + x];
          const b = rowMax[src + x];
          if (a < lo) pMin[x] = lo = a;
          if (b > hi) pMax[x] = hi = b;
        }
        const sl = sMin[s + x];
        const sh = sMax[s + x];
        out[o + x] = (sh > hi ? sh : hi) - (sl < lo ? sl : lo);
      }
    }
  }
  return out;
}

function rowPass(values: Float32Array, width: number, height: number, size: number, rowMin: Float32Array, rowMax: Float32Array): void {
  const half = (size - 1) / 2;
  const hMin = new Float32Array(size);
  const hMax = new Float32Array(size);
  for (let y = 0; y < height; y++) {
    const base = y * width;
    for (let b = 0; b + size - 1 < width; b += size) {
      let lo = values[base + b + size - 1];
      let hi = lo;
      hMin[size - 1] = lo;
      hMax[size - 1] = hi;
      for (let r = size - 2; r >= 0; r--) {
        const v = values[base + b + r];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        hMin[r] = lo;
        hMax[r] = hi;
      }
      rowMin[base + b + half] = lo;
      rowMax[base + b + half] = hi;
      const n0 = base + b + size;
      const nextCols = Math.min(size - 1, width - (b + size));
      lo = Infinity;
      hi = -Infinity;
      for (let r = 1; r <= nextCols; r++) {
        const v = values[n0 + r - 1];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        const c = base + b + r + half;
        rowMin[c] = hMin[r] < lo ? hMin[r] : lo;
        rowMax[c] = hMax[r] > hi ? hMax[r] : hi;
      }
    }
  }
}

/**
 * Whether the `size × size` window with top-left `(x0, y0)` of the values `at(i)` (row-major,
 * `width` per row) has range (max − min, rounded to float32 as {@link windowRange} stores it)
 * below `limit`, or at most `limit` when `inclusive`. Stops at the first row past the limit; the
 * caller keeps the window inside the image.
 */
export function windowWithin(at: (i: number) => number, width: number, x0: number, y0: number, size: number, limit: number, inclusive: boolean): boolean {
  let lo = Infinity;
  let hi = -Infinity;
  for (let y = y0; y < y0 + size; y++) {
    const row = y * width + x0;
    for (let i = row; i < row + size; i++) {
      const v = at(i);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const range = Math.fround(hi - lo);
    if (inclusive ? range > limit : range >= limit) return false;
  }
  return true;
}
