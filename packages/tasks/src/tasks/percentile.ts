/**
 * Percentiles of `values` with numpy's default `linear` method: the virtual index is
 * `q/100·(n−1)` and the result interpolates the two neighbouring order statistics the way
 * numpy's `_lerp` does (in float64). `qs` are in [0, 100]; NaN must not occur in `values`.
 * Float32 input is ranked exactly by a two-pass radix select on its bit patterns (O(n), input
 * untouched); Float64 input is ranked by quickselect and reordered in place. Returns NaN for
 * each q when `values` is empty.
 */
export function percentilesLinear(values: Float32Array | Float64Array, qs: readonly number[]): number[] {
  if (values instanceof Float32Array) return maskedPercentilesLinear(values, undefined, qs);
  return percentilesOf(values.length, qs, (ranks) => quickRanks(values, ranks));
}

/**
 * {@link percentilesLinear} over the float32 `values` whose `mask` entry is nonzero and which are
 * finite (all finite values when `mask` is undefined), without copying them.
 */
export function maskedPercentilesLinear(values: Float32Array, mask: Uint8Array | undefined, qs: readonly number[]): number[] {
  if (mask !== undefined && mask.length !== values.length) throw new RangeError(`mask has ${mask.length} entries for ${values.length} values`);
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const high = new Uint32Array(65536);
  let n = 0;
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i];
    if ((mask !== undefined && mask[i] === 0) || (b & 0x7f800000) === 0x7f800000) continue;
    high[sortableKey(b) >>> 16]++;
    n++;
  }
  return percentilesOf(n, qs, (ranks) => radixRanks(bits, mask, high, ranks));
}

function percentilesOf(n: number, qs: readonly number[], rank: (ranks: readonly number[]) => number[]): number[] {
  for (const q of qs) {
    if (!(q >= 0 && q <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${q}`);
  }
  if (n === 0) return qs.map(() => Number.NaN);
  const plan = qs.map((q) => {
    const index = (q / 100) * (n - 1);
    const lo = Math.floor(index);
    return { lo, t: index - lo };
  });
  const ranks = new Set<number>();
  for (const { lo, t } of plan) {
    ranks.add(lo);
    if (t > 0 && lo + 1 < n) ranks.add(lo + 1);
  }
  const ordered = [...ranks].sort((a, b) => a - b);
  const stats = rank(ordered);
  const at = new Map<number, number>(ordered.map((r, i) => [r, stats[i]]));
  return plan.map(({ lo, t }) => {
    const a = at.get(lo)!;
    if (t === 0 || lo + 1 >= n) return a;
    return lerp(a, at.get(lo + 1)!, t);
  });
}

function lerp(a: number, b: number, t: number): number {
  const diff = b - a;
  // numpy interpolates from the nearer end for t ≥ 0.5, which keeps the result monotonic.
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

// Float32 bit patterns mapped so that unsigned integer order equals numeric order.
function sortableKey(bits: number): number {
  return (bits & 0x80000000) !== 0 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
}

// Second radix pass: only values in the high-16-bit bins that hold a wanted rank are counted.
function radixRanks(bits: Uint32Array, mask: Uint8Array | undefined, high: Uint32Array, ranks: readonly number[]): number[] {
  const bins: number[] = [];
  const before: number[] = [];
  for (const r of ranks) {
    let acc = 0;
    let bin = 0;
    while (acc + high[bin] <= r) acc += high[bin++];
    bins.push(bin);
    before.push(acc);
  }
  const distinct = [...new Set(bins)];
  const slot = new Int8Array(65536).fill(-1);
  distinct.forEach((b, i) => {
    slot[b] = i;
  });
  const low = new Uint32Array(distinct.length * 65536);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i];
    if ((mask !== undefined && mask[i] === 0) || (b & 0x7f800000) === 0x7f800000) continue;
    const key = sortableKey(b);
    const s = slot[key >>> 16];
    if (s >= 0) low[s * 65536 + (key & 0xffff)]++;
  }
  const out = new Float32Array(1);
  const outBits = new Uint32Array(out.buffer);
  return ranks.map((r, k) => {
    const base = slot[bins[k]] * 65536;
    let acc = before[k];
    let lowBin = 0;
    while (acc + low[base + lowBin] <= r) acc += low[base + lowBin++];
    const key = ((bins[k] << 16) | lowBin) >>> 0;
    outBits[0] = (key & 0x80000000) !== 0 ? (key & 0x7fffffff) >>> 0 : ~key >>> 0;
    return out[0];
  });
}

function quickRanks(values: Float64Array, ranks: readonly number[]): number[] {
  // Ranks ascend, so each selection only reorders the part right of the previous rank.
  let left = 0;
  return ranks.map((r) => {
    select(values, r, left, values.length - 1);
    left = r;
    return values[r];
  });
}

function select(a: Float64Array, k: number, left: number, right: number): void {
  let l = left;
  let r = right;
  while (r > l) {
    const m = (l + r) >>> 1;
    // Median of three as pivot, then a Hoare partition that splits runs of equal values evenly.
    if (a[m] < a[l]) swap(a, m, l);
    if (a[r] < a[l]) swap(a, r, l);
    if (a[r] < a[m]) swap(a, r, m);
    const pivot = a[m];
    let i = l;
    let j = r;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) r = j;
    else if (k >= i) l = i;
    else return;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
