import type { Rect } from '@spatial-ssrl/image';

/** A grid of equal patches over an image; remainder pixels on the right and bottom are dropped. */
export interface Grid {
  readonly rows: number;
  readonly cols: number;
  /** Patch size, pixels: `floor(width / cols) × floor(height / rows)`. */
  readonly patchWidth: number;
  readonly patchHeight: number;
  /** The patches in raster order (row by row). */
  readonly patches: readonly Rect[];
}

/** Splits `width × height` into `rows × cols` patches of `floor(h/rows) × floor(w/cols)` in raster order. */
export function gridOf(width: number, height: number, rows: number, cols: number): Grid {
  const patchWidth = Math.floor(width / cols);
  const patchHeight = Math.floor(height / rows);
  const patches: Rect[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) patches.push({ x: c * patchWidth, y: r * patchHeight, width: patchWidth, height: patchHeight });
  }
  return { rows, cols, patchWidth, patchHeight, patches };
}

/** Inverse of a permutation: `out[s[k]] = k`. */
export function argsort(s: readonly number[]): number[] {
  const out = new Array<number>(s.length);
  s.forEach((v, k) => {
    out[v] = k;
  });
  return out;
}

/** Every permutation of `0..n−1`, in lexicographic order. */
export function permutations(n: number): number[][] {
  const out: number[][] = [];
  const walk = (prefix: number[], rest: number[]): void => {
    if (rest.length === 0) {
      out.push(prefix);
      return;
    }
    rest.forEach((v, i) => walk([...prefix, v], [...rest.slice(0, i), ...rest.slice(i + 1)]));
  };
  walk([], Array.from({ length: n }, (_, i) => i));
  return out;
}

/**
 * The answer of a mirrored patch-arrangement sample (`answer[p]` = the slot holding the piece of
 * raster position `p`, `cols` columns). Mirroring maps every raster position (of the pieces and of
 * the slots alike) to the same row's other end, `m(k)`; the piece now at position `p` was at
 * `m(p)` and lies in the slot that now sits at `m(slot)`, so the answer becomes `m(answer[m(p)])`.
 */
export function mirroredArrangement(slots: readonly number[], cols: number): number[] {
  const m = (k: number): number => Math.floor(k / cols) * cols + (cols - 1 - (k % cols));
  return slots.map((_, p) => m(slots[m(p)]));
}

/** `answer` parsed as an arrangement of `pieces` slots (`0..pieces−1` joined by `-`), or null. */
export function parseArrangement(answer: string, pieces: number): number[] | null {
  const slots = answer.split('-').map(Number);
  if (slots.length !== pieces || new Set(slots).size !== pieces || !slots.every((v) => Number.isInteger(v) && v >= 0 && v < pieces)) return null;
  return slots;
}
