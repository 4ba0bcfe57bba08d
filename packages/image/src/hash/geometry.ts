import type { LocalFeatures } from './local-features.js';

/** A keypoint of the query matched to one of the reference, with the distance of their codes (bits). */
export interface FeatureMatch {
  readonly query: number;
  readonly reference: number;
  readonly distance: number;
}

/**
 * Where the query image lies in the reference: `reference = scale · query + offset` per axis
 * (pixels of each image), how many matches agree, and the query's outline in the reference.
 */
export interface Placement {
  readonly scaleX: number;
  readonly scaleY: number;
  readonly offsetX: number;
  readonly offsetY: number;
  /** Matches that agree with the placement (within 2.5 % of the reference's longer side, and in scale). */
  readonly inliers: number;
  /** Matched query keypoints that agree, as indices into the query's features. */
  readonly inlierQuery: readonly number[];
  /** Area of the query's inlier keypoints' bounding box over the query's area, 0-1: how much of the query the evidence covers. */
  readonly spread: number;
}

/** Matches used to form hypotheses: the best ones by code distance. */
const HYPOTHESIS_MATCHES = 60;
/** Points closer than this on one axis (pixels) fix no scale on it. */
const MIN_BASE = 6;
const MAX_ANISOTROPY = 2.5;
const SCALE_SLACK = Math.log(1.8);

/**
 * Finds the axis-aligned placement (independent scale per axis plus offset: what cropping and
 * resizing, aspect included, do) that the most matches agree with. Every pair of the best
 * matches proposes one; a proposal must keep the keypoints' own scale ratios. Deterministic:
 * pairs are tried in a fixed order and ties keep the first.
 */
export function placeQuery(query: LocalFeatures, reference: LocalFeatures, matches: readonly FeatureMatch[]): Placement | null {
  if (matches.length < 2) return null;
  const best = [...matches].sort((a, b) => a.distance - b.distance || a.query - b.query || a.reference - b.reference).slice(0, HYPOTHESIS_MATCHES);
  const tolerance = 0.025 * Math.max(reference.width, reference.height);
  let top: { sx: number; sy: number; tx: number; ty: number; inliers: FeatureMatch[] } | null = null;
  // Each keypoint of either image counts once.
  const agreeing = (sx: number, sy: number, tx: number, ty: number): FeatureMatch[] => {
    const logScale = Math.log(Math.sqrt(sx * sy));
    const out: FeatureMatch[] = [];
    const used = new Set<number>();
    const usedQuery = new Set<number>();
    for (const m of matches) {
      if (used.has(m.reference) || usedQuery.has(m.query)) continue;
      const px = sx * query.x[m.query]! + tx;
      const py = sy * query.y[m.query]! + ty;
      if (Math.abs(px - reference.x[m.reference]!) > tolerance || Math.abs(py - reference.y[m.reference]!) > tolerance) continue;
      if (Math.abs(Math.log(reference.sigma[m.reference]! / query.sigma[m.query]!) - logScale) > SCALE_SLACK) continue;
      used.add(m.reference);
      usedQuery.add(m.query);
      out.push(m);
    }
    return out;
  };
  for (let i = 0; i < best.length; i++) {
    for (let j = i + 1; j < best.length; j++) {
      const a = best[i]!;
      const b = best[j]!;
      if (a.query === b.query || a.reference === b.reference) continue;
      const dqx = query.x[b.query]! - query.x[a.query]!;
      const dqy = query.y[b.query]! - query.y[a.query]!;
      const drx = reference.x[b.reference]! - reference.x[a.reference]!;
      const dry = reference.y[b.reference]! - reference.y[a.reference]!;
      const okX = Math.abs(dqx) >= MIN_BASE;
      const okY = Math.abs(dqy) >= MIN_BASE;
      if (!okX && !okY) continue;
      let sx = okX ? drx / dqx : dry / dqy;
      let sy = okY ? dry / dqy : sx;
      if (!okX) sx = sy;
      if (!(sx > 0 && sy > 0) || Math.max(sx / sy, sy / sx) > MAX_ANISOTROPY) continue;
      const tx = reference.x[a.reference]! - sx * query.x[a.query]!;
      const ty = reference.y[a.reference]! - sy * query.y[a.query]!;
      const inliers = agreeing(sx, sy, tx, ty);
      if (!top || inliers.length > top.inliers.length) top = { sx, sy, tx, ty, inliers };
    }
  }
  if (!top) return null;
  // Refit each axis by least squares on the agreeing matches, then count again: the pair that
  // proposed the placement carries its two keypoints' position errors, the fit averages them out.
  for (let round = 0; round < 2 && top.inliers.length >= 3; round++) {
    const pairs: (readonly [number, number, number, number])[] = top.inliers.map(
      (m) => [query.x[m.query]!, query.y[m.query]!, reference.x[m.reference]!, reference.y[m.reference]!] as const,
    );
    type Pair = (typeof pairs)[number];
    const fit = (a: (p: Pair) => number, b: (p: Pair) => number): [number, number] | null => {
      const n = pairs.length;
      let sa = 0;
      let sb = 0;
      let saa = 0;
      let sab = 0;
      for (const p of pairs) {
        sa += a(p);
        sb += b(p);
        saa += a(p) * a(p);
        sab += a(p) * b(p);
      }
      const den = n * saa - sa * sa;
      if (!(Math.abs(den) > 1e-9)) return null;
      const scale = (n * sab - sa * sb) / den;
      return [scale, (sb - scale * sa) / n];
    };
    const fx: [number, number] | null = fit((p) => p[0], (p) => p[2]);
    const fy: [number, number] | null = fit((p) => p[1], (p) => p[3]);
    if (!fx || !fy || !(fx[0] > 0 && fy[0] > 0) || Math.max(fx[0] / fy[0], fy[0] / fx[0]) > MAX_ANISOTROPY) break;
    const inliers = agreeing(fx[0], fy[0], fx[1], fy[1]);
    if (inliers.length < top.inliers.length) break;
    top = { sx: fx[0], sy: fy[0], tx: fx[1], ty: fy[1], inliers };
  }
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const { query: q } of top.inliers) {
    x0 = Math.min(x0, query.x[q]!);
    x1 = Math.max(x1, query.x[q]!);
    y0 = Math.min(y0, query.y[q]!);
    y1 = Math.max(y1, query.y[q]!);
  }
  const spread = top.inliers.length > 1 ? ((x1 - x0) * (y1 - y0)) / (query.width * query.height) : 0;
  return { scaleX: top.sx, scaleY: top.sy, offsetX: top.tx, offsetY: top.ty, inliers: top.inliers.length, inlierQuery: top.inliers.map((m) => m.query), spread };
}
