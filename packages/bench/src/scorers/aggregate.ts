/** Mean of `values` as a percentage (0 for an empty list). */
export function percentMean(values: readonly number[]): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (const v of values) sum += v;
  return (sum / values.length) * 100;
}

/** Per-key percentage means of `values` grouped by `keys` (same length), keys sorted. */
export function percentByKey(keys: readonly string[], values: readonly number[]): Record<string, number> {
  const groups = new Map<string, number[]>();
  keys.forEach((k, i) => {
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(values[i]!);
  });
  const out: Record<string, number> = {};
  for (const k of [...groups.keys()].sort()) out[k] = percentMean(groups.get(k)!);
  return out;
}

/** Checks that items and texts line up before scoring. */
export function assertAligned(benchmark: string, items: readonly unknown[], texts: readonly unknown[]): void {
  if (items.length !== texts.length) {
    throw new RangeError(`${benchmark}: ${items.length} items but ${texts.length} responses; give one response (or null) per item`);
  }
}

/** Counts failed generations (`null` responses). */
export function countErrors(texts: readonly (string | null)[]): number {
  let n = 0;
  for (const t of texts) if (t === null) n++;
  return n;
}
