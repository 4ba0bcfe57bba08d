/** Number of set bits of a 32-bit integer. */
function popcount32(v: number): number {
  let x = v - ((v >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** Hamming distance between two 64-bit codes stored as (low, high) 32-bit halves. */
export function hamming64(aLo: number, aHi: number, bLo: number, bHi: number): number {
  return popcount32((aLo ^ bLo) >>> 0) + popcount32((aHi ^ bHi) >>> 0);
}

/** A 64-bit code as 16 lower-case hex digits, high half first. */
export function hex64(lo: number, hi: number): string {
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}

/** Parses 16 hex digits into (low, high) halves; `null` when the text is not 16 hex digits. */
export function parseHex64(text: string): { lo: number; hi: number } | null {
  if (!/^[0-9a-f]{16}$/i.test(text)) return null;
  return { hi: Number.parseInt(text.slice(0, 8), 16) >>> 0, lo: Number.parseInt(text.slice(8), 16) >>> 0 };
}

/**
 * Turns 63 values into a 64-bit code: bit `i + 1` is set when `values[i]` is above their median
 * (bit 0 stays clear). Returns the (low, high) halves.
 */
export function medianBits(values: Float64Array | Float32Array): { lo: number; hi: number } {
  const sorted = Float64Array.from(values).sort();
  const median = sorted[sorted.length >> 1]!;
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < values.length; i++) {
    if (!(values[i]! > median)) continue;
    const bit = i + 1;
    if (bit < 32) lo |= 1 << bit;
    else hi |= 1 << (bit - 32);
  }
  return { lo: lo >>> 0, hi: hi >>> 0 };
}
