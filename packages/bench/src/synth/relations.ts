import type { ObjectView, SceneContext } from './observe.js';

/**
 * Margins below which a relation counts as too close to call. Image-space sides need the centres
 * 5 % of the image width apart (3 % for the visible centroids); depth and distance need 0.5 m and
 * 10 %; sizes need a 2:1 volume ratio; nearest needs the runner-up 4/3 as far.
 */
export const MARGINS = {
  sideProjected: 0.05,
  sideVisible: 0.03,
  depthMetres: 0.5,
  depthRatio: 0.1,
  volumeRatio: 2,
  nearestRatio: 0.75,
  /** Degrees a direction must keep from the diagonals between front, right, back and left. */
  bearingDeg: 15,
  /** Most degrees between an object's facing and the direction to the camera for its eyes to be read. */
  facingDeg: 70,
} as const;

/** A relation's verdict: which way it goes, or `null` when it is within the margin. */
export type Verdict<T extends string> = { readonly value: T; readonly margin: number } | { readonly value: null; readonly margin: number };

/**
 * Whether `a` is left or right of `b` in the image: by the projected 3-D centres, confirmed by the
 * visible pixels' centroids in the segment map; `margin` is the centre gap in image widths.
 */
export function sideOf(ctx: SceneContext, a: ObjectView, b: ObjectView): Verdict<'left' | 'right'> {
  const gap = (a.projected.x - b.projected.x) / ctx.width;
  const seen = (a.imageX - b.imageX) / ctx.width;
  if (Math.abs(gap) < MARGINS.sideProjected || !(Math.abs(seen) >= MARGINS.sideVisible) || Math.sign(gap) !== Math.sign(seen)) return { value: null, margin: gap };
  return { value: gap < 0 ? 'left' : 'right', margin: gap };
}

function depthVerdict(da: number, db: number, seenA: number, seenB: number): Verdict<'nearer' | 'farther'> {
  const diff = da - db;
  const needed = Math.max(MARGINS.depthMetres, MARGINS.depthRatio * Math.min(da, db));
  if (Math.abs(diff) < needed || !(Math.sign(seenA - seenB) === Math.sign(diff))) return { value: null, margin: diff };
  return { value: diff < 0 ? 'nearer' : 'farther', margin: diff };
}

/**
 * Whether `a` is in front of (nearer) or behind (farther than) `b` along the camera's axis: by the
 * camera-space depth of the 3-D centres, confirmed by the median depth-map values of their pixels.
 */
export function depthOrder(a: ObjectView, b: ObjectView): Verdict<'nearer' | 'farther'> {
  return depthVerdict(a.projected.depth, b.projected.depth, a.depth, b.depth);
}

/**
 * Whether `a` is closer to or farther from the camera than `b`: by the Euclidean distance of the
 * 3-D centres, confirmed by the median depth-map values of their pixels.
 */
export function distanceOrder(a: ObjectView, b: ObjectView): Verdict<'nearer' | 'farther'> {
  return depthVerdict(a.distance, b.distance, a.depth, b.depth);
}

/** Whether `a` is larger or smaller than `b` in 3-D: volume ratio of at least 2, and the larger also not shorter in its largest extent. */
export function sizeOrder(a: ObjectView, b: ObjectView): Verdict<'larger' | 'smaller'> {
  const ratio = a.volume / b.volume;
  const log = Math.log(ratio);
  if (Math.abs(log) < Math.log(MARGINS.volumeRatio)) return { value: null, margin: ratio };
  const larger = ratio > 1;
  if (larger ? a.extent < b.extent : a.extent > b.extent) return { value: null, margin: ratio };
  return { value: larger ? 'larger' : 'smaller', margin: ratio };
}

/** 3-D distance between two objects' centres, metres. */
export function between(a: ObjectView, b: ObjectView): number {
  return Math.hypot(a.centre[0] - b.centre[0], a.centre[1] - b.centre[1], a.centre[2] - b.centre[2]);
}

/**
 * Direction of `target` as seen from `from`'s position, facing where `from`'s eyes look: the
 * bearing in degrees (0 ahead, 90 right, ±180 behind, -90 left) on the ground plane, and the
 * quadrant when it keeps `MARGINS.bearingDeg` from the diagonals.
 */
export function bearingFrom(from: ObjectView, target: ObjectView): { bearing: number; value: 'front' | 'right' | 'behind' | 'left' | null } {
  const [fx, fz] = from.facing!;
  const dx = target.centre[0] - from.centre[0];
  const dz = target.centre[2] - from.centre[2];
  // Right-hand side of a facing (fx, 0, fz) with y up is (fz, 0, -fx).
  const ahead = dx * fx + dz * fz;
  const right = dx * fz - dz * fx;
  const bearing = (Math.atan2(right, ahead) * 180) / Math.PI;
  const off = Math.abs((((Math.abs(bearing) % 90) + 90) % 90) - 45);
  if (off < MARGINS.bearingDeg || Math.hypot(dx, dz) < 1e-6) return { bearing, value: null };
  const a = Math.abs(bearing);
  const value = a < 45 ? 'front' : a > 135 ? 'behind' : bearing > 0 ? 'right' : 'left';
  return { bearing, value };
}

/** Angle between where an object faces and the direction from it to the camera, degrees. */
export function facingAwayDeg(ctx: SceneContext, v: ObjectView): number {
  const [fx, fz] = v.facing!;
  const cx = ctx.camera.position[0] - v.centre[0];
  const cz = ctx.camera.position[2] - v.centre[2];
  const cos = (fx * cx + fz * cz) / Math.hypot(cx, cz);
  return (Math.acos(Math.max(-1, Math.min(1, cos))) * 180) / Math.PI;
}
