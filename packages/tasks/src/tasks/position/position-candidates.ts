import type { DepthMap } from '@spatial-ssrl/image';
import type { TaskRejection } from '../../task.js';
import { markerInside } from '../marker-geometry.js';
import { reject } from '../rejection.js';
import { UNUSABLE_SENTINEL, windowWithin } from '../window-stats.js';
import type { PairKind } from './position-answers.js';

/** A depth map min-max normalised over its valid pixels (`d > 0`, finite, flagged valid). */
export interface MinMaxDepth {
  /** Normalised depth in [0, 1]; {@link UNUSABLE_SENTINEL} where unusable. Built on first access. */
  readonly norm: Float32Array;
  /** 1 where the pixel is unusable. Built on first access. */
  readonly unusable: Uint8Array;
  readonly min: number;
  readonly max: number;
  /** The normalised value of pixel `i` (the same float32 value as `norm[i]`) without building `norm`. */
  at(i: number): number;
}

/** Min-max normalisation over valid pixels; rejects with `no-valid-depth` or `no-depth-range`. */
export function minMaxNormalise(depth: DepthMap): MinMaxDepth | TaskRejection {
  const { data, valid } = depth;
  const n = data.length;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const d = data[i];
    if (valid[i] !== 0 && d > 0 && d < Infinity) {
      if (d < min) min = d;
      if (d > max) max = d;
    }
  }
  if (min === Infinity) return reject('no-valid-depth', 'the depth map has no valid pixel (d > 0)');
  if (!(max > min)) return reject('no-depth-range', `every valid depth equals ${min}, so depth cannot be normalised`);
  const scale = max - min;
  const at = (i: number): number => {
    const d = data[i];
    return valid[i] !== 0 && d > 0 && d < Infinity ? Math.fround((d - min) / scale) : UNUSABLE_SENTINEL;
  };
  let norm: Float32Array | undefined;
  let unusable: Uint8Array | undefined;
  return {
    min,
    max,
    at,
    get norm(): Float32Array {
      if (norm === undefined) {
        norm = new Float32Array(n);
        for (let i = 0; i < n; i++) norm[i] = at(i);
      }
      return norm;
    },
    get unusable(): Uint8Array {
      if (unusable === undefined) {
        unusable = new Uint8Array(n);
        for (let i = 0; i < n; i++) unusable[i] = at(i) > 1 ? 1 : 0;
      }
      return unusable;
    },
  };
}

/** A candidate block: its centre and the normalised depth interval and raw maximum in its window. */
export interface Block {
  readonly x: number;
  readonly y: number;
  readonly lo: number;
  readonly hi: number;
  /** Largest raw depth in the window (the marker's depth). */
  readonly depth: number;
}

/** How candidate blocks are found. */
export interface BlockRule {
  /** Window side, odd, pixels (15). */
  readonly window: number;
  /** Largest normalised range allowed in the window, inclusive (0.15). */
  readonly maxRange: number;
  /** Centres lie within this fraction of the height/width from the image centre (0.45). */
  readonly centreFraction: number;
  /** Smallest distance of a centre from the image edge, pixels (7). */
  readonly edgeMargin: number;
  /** Grid stride of the candidate centres, pixels. */
  readonly stride: number;
  /** At most this many candidates, the ones closest to the centre. */
  readonly maxCandidates: number;
  /** Marker radius; a marker on a candidate stays inside the image. */
  readonly markerRadius: number;
}

/**
 * Grid stride that leaves about `maxCandidates` grid centres in the central search area
 * (`2·fraction·w × 2·fraction·h`), at least 1 pixel.
 */
export function autoStride(width: number, height: number, centreFraction: number, maxCandidates: number): number {
  const area = 4 * centreFraction * centreFraction * width * height;
  return Math.max(1, Math.ceil(Math.sqrt(area / maxCandidates)));
}

/**
 * Candidate blocks on a grid of `rule.stride` px: centres in the central area and away from the
 * edge whose window is fully usable with normalised range `≤ maxRange`, ordered by distance to the
 * image centre (ties: top to bottom, left to right) and capped at `maxCandidates`. Ranges are
 * taken only at the grid centres (the stride keeps them to about `maxCandidates` windows); unusable
 * pixels carry the range sentinel, so a window touching one fails the range test.
 */
export function findBlocks(depth: DepthMap, normalised: MinMaxDepth, rule: BlockRule): Block[] {
  const { width, height } = depth;
  const half = (rule.window - 1) / 2;
  const cx = Math.floor(width / 2);
  const cy = Math.floor(height / 2);
  const ax = rule.centreFraction * width;
  const ay = rule.centreFraction * height;
  const margin = Math.max(rule.edgeMargin, half);
  const x0 = Math.max(margin, Math.ceil(cx - ax));
  const x1 = Math.min(width - 1 - margin, Math.floor(cx + ax));
  const y0 = Math.max(margin, Math.ceil(cy - ay));
  const y1 = Math.min(height - 1 - margin, Math.floor(cy + ay));
  const found: { x: number; y: number; d2: number }[] = [];
  const at = normalised.at;
  // Align the grid on the image centre so the centre block itself is a candidate.
  const gx0 = cx - Math.floor((cx - x0) / rule.stride) * rule.stride;
  const gy0 = cy - Math.floor((cy - y0) / rule.stride) * rule.stride;
  for (let y = gy0; y <= y1; y += rule.stride) {
    for (let x = gx0; x <= x1; x += rule.stride) {
      // A window wholly inside an unusable area has range 0, so the centre is checked too.
      if (at(y * width + x) > 1) continue;
      if (!markerInside(x, y, rule.markerRadius, width, height)) continue;
      if (!windowWithin(at, width, x - half, y - half, rule.window, rule.maxRange, true)) continue;
      found.push({ x, y, d2: (x - cx) ** 2 + (y - cy) ** 2 });
    }
  }
  found.sort((a, b) => a.d2 - b.d2 || a.y - b.y || a.x - b.x);
  const kept = found.slice(0, rule.maxCandidates);
  return kept.map(({ x, y }) => {
    let lo = Infinity;
    let hi = -Infinity;
    let raw = -Infinity;
    for (let yy = y - half; yy <= y + half; yy++) {
      for (let xx = x - half; xx <= x + half; xx++) {
        const i = yy * width + xx;
        const v = at(i);
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        if (depth.data[i] > raw) raw = depth.data[i];
      }
    }
    return { x, y, lo, hi, depth: raw };
  });
}

/** Thresholds of the pair search. */
export interface PairRule {
  /** Far pairs: depth intervals at least this far apart; near pairs: closer than this (0.25). */
  readonly separation: number;
  /** Smallest pixel distance (far) or |Δx| (near): `floor(min(h, w)/8)`, raised to keep markers apart. */
  readonly minDistance: number;
  /** Near pairs: |Δy| below this, pixels (30). */
  readonly nearMaxDy: number;
}

/** Gap between two depth intervals (negative when they overlap). */
function intervalGap(a: Block, b: Block): number {
  return Math.max(a.lo - b.hi, b.lo - a.hi);
}

/**
 * The first pair `(i, j)`, `i < j` in candidate order, of the given kind: far = interval gap
 * `≥ separation` and distance `≥ minDistance`; near = gap `< separation`, `|Δy| < nearMaxDy` and
 * `|Δx| ≥ minDistance`. At most `n²/2` checks for `n` candidates; null when none.
 */
export function findPair(blocks: readonly Block[], kind: PairKind, rule: PairRule): [Block, Block] | null {
  const md2 = rule.minDistance * rule.minDistance;
  for (let i = 0; i < blocks.length; i++) {
    const a = blocks[i];
    for (let j = i + 1; j < blocks.length; j++) {
      const b = blocks[j];
      const gap = intervalGap(a, b);
      if (kind === 'far') {
        if (gap >= rule.separation && (a.x - b.x) ** 2 + (a.y - b.y) ** 2 >= md2) return [a, b];
      } else if (gap < rule.separation && Math.abs(a.y - b.y) < rule.nearMaxDy && Math.abs(a.x - b.x) >= rule.minDistance) {
        return [a, b];
      }
    }
  }
  return null;
}
