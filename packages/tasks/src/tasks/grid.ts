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
