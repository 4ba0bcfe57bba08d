import { hamming64 } from './bits.js';
import { analyseImage, type AnalysedImage, type ImageFingerprint } from './fingerprint.js';
import { placeQuery, type FeatureMatch } from './geometry.js';
import { dctBits, IMAGE_ORIENTATIONS, ORIENTATION_OPS, orientDct, type ImageOrientation } from './phash.js';
import { checkPlacement, type ColourPlanes, type PixelCheck } from './verify.js';
import type { RgbImage } from '../raster.js';

/**
 * Rules of the near-duplicate decision. A candidate is only ever accepted after a pixel check:
 * where the found placement puts the query on the reference, the two must agree in their
 * mid-frequency detail and in their gray levels.
 */
export const NEAR_DUPLICATE_RULES = {
  /** Largest whole-image hash distance (bits of 63) at which a copy is checked, any of the 8 orientations. */
  hashDistance: 12,
  /** Hash thumbnails flatter than this (standard deviation, 0-1) are not compared as wholes. */
  minContrast: 0.02,
  /** Largest code distance (bits of 63) between two keypoints that may be the same patch. */
  codeDistance: 16,
  /** Fewest keypoints agreeing on one placement before it is checked. */
  minInliers: 3,
  /** Smallest correlation of mid-frequency colour detail in the overlap. */
  minDetail: 0.6,
  /** Largest mean colour difference in the overlap, 0-1. */
  maxDifference: 0.06,
  /** Smallest overlap, as a fraction of the image it covers more of (a query inside a reference covers all of the query). */
  minCoverage: 0.25,
  /** Candidate references checked per query, most keypoint matches first. */
  maxChecks: 8,
} as const;

/** How a near-duplicate relates to the reference it matches. */
export type NearDuplicateKind = 'copy' | 'turned-copy' | 'part-of-reference' | 'contains-reference' | 'overlap';

/** One reference a query is a near-duplicate of, with the evidence. */
export interface NearDuplicateMatch {
  /** Index and id of the reference in the index. */
  readonly reference: number;
  readonly id: string;
  /**
   * `copy`: the same framing (resized or re-encoded); `turned-copy`: the same framing flipped or
   * turned a quarter; `part-of-reference`: the query shows part of the reference (a crop);
   * `contains-reference`: the reference shows part of the query; `overlap`: they share a region.
   */
  readonly kind: NearDuplicateKind;
  readonly orientation: ImageOrientation;
  /** Whole-image hash distance (bits), for `copy` and `turned-copy`. */
  readonly hashDistance: number | null;
  /** Keypoints agreeing on the placement (0 for a whole-image match). */
  readonly inliers: number;
  readonly check: PixelCheck;
}

/** Options of {@link NearDuplicateIndex.query}. */
export interface NearDuplicateQueryOptions {
  /** Skip references for which this returns false (e.g. the query itself). */
  readonly filter?: (reference: number) => boolean;
}

const CHUNKS = 4;
const BUCKETS = 1 << 16;

function chunkOf(lo: number, hi: number, c: number): number {
  return c === 0 ? lo & 0xffff : c === 1 ? lo >>> 16 : c === 2 ? hi & 0xffff : hi >>> 16;
}

/**
 * A multi-index hash table over 64-bit codes (Norouzi et al.): four tables keyed by the codes'
 * four 16-bit chunks. Two codes within distance `4r + 3` share a chunk within distance `r`, so
 * probing every value within `r` of each chunk finds them all.
 */
class MultiIndex {
  private readonly offsets: Int32Array[] = [];
  private readonly entries: Int32Array[] = [];
  private stamp: Int32Array;
  private round = 0;

  constructor(private readonly lo: Uint32Array, private readonly hi: Uint32Array) {
    const n = lo.length;
    this.stamp = new Int32Array(n);
    for (let c = 0; c < CHUNKS; c++) {
      const counts = new Int32Array(BUCKETS + 1);
      for (let e = 0; e < n; e++) counts[chunkOf(lo[e]!, hi[e]!, c) + 1]!++;
      for (let b = 0; b < BUCKETS; b++) counts[b + 1]! += counts[b]!;
      const fill = counts.slice(0, BUCKETS);
      const entries = new Int32Array(n);
      for (let e = 0; e < n; e++) entries[fill[chunkOf(lo[e]!, hi[e]!, c)]!++] = e;
      this.offsets.push(counts);
      this.entries.push(entries);
    }
  }

  /** Calls `visit(entry, distance)` once for each code within `radius` chunk bits (see the class note) and `maxDistance` bits of the query. */
  search(qlo: number, qhi: number, radius: 1 | 2, maxDistance: number, visit: (entry: number, distance: number) => void): void {
    this.round++;
    if (this.round === 0x7fffffff) {
      this.stamp.fill(0);
      this.round = 1;
    }
    for (let c = 0; c < CHUNKS; c++) {
      const v = chunkOf(qlo, qhi, c);
      const offsets = this.offsets[c]!;
      const entries = this.entries[c]!;
      const probe = (key: number): void => {
        for (let k = offsets[key]!; k < offsets[key + 1]!; k++) {
          const e = entries[k]!;
          if (this.stamp[e] === this.round) continue;
          this.stamp[e] = this.round;
          const d = hamming64(qlo, qhi, this.lo[e]!, this.hi[e]!);
          if (d <= maxDistance) visit(e, d);
        }
      };
      probe(v);
      for (let a = 0; a < 16; a++) {
        probe(v ^ (1 << a));
        if (radius === 2) for (let b = a + 1; b < 16; b++) probe(v ^ (1 << a) ^ (1 << b));
      }
    }
  }
}

/** Turns colour planes by an orientation (see `IMAGE_ORIENTATIONS`). */
function orientPlanes(img: ColourPlanes, orientation: ImageOrientation): ColourPlanes {
  if (orientation === 'identity') return img;
  const { transpose, mirror, flip } = ORIENTATION_OPS[orientation];
  const w = transpose ? img.height : img.width;
  const h = transpose ? img.width : img.height;
  const planes = img.planes.map((plane) => {
    const out = new Float32Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const sx = mirror ? w - 1 - x : x;
        const sy = flip ? h - 1 - y : y;
        out[y * w + x] = transpose ? plane[sx * img.width + sy]! : plane[sy * img.width + sx]!;
      }
    }
    return out;
  }) as [Float32Array, Float32Array, Float32Array];
  return { width: w, height: h, planes };
}

/** The thresholds of the near-duplicate decision; see {@link NEAR_DUPLICATE_RULES}. */
export type NearDuplicateRules = { readonly [K in keyof typeof NEAR_DUPLICATE_RULES]: number };

/** Whether a pixel check is strong enough to call two images near-duplicates under `rules`. */
function passesCheck(check: PixelCheck | null, r: NearDuplicateRules = NEAR_DUPLICATE_RULES): check is PixelCheck {
  if (!check) return false;
  return (
    check.detailCorrelation >= r.minDetail &&
    check.meanDifference <= r.maxDifference &&
    Math.max(check.queryCoverage, check.referenceCoverage) >= r.minCoverage
  );
}

function kindOf(check: PixelCheck): NearDuplicateKind {
  const full = 0.9;
  if (check.queryCoverage >= full && check.referenceCoverage >= full) return 'copy';
  if (check.queryCoverage >= full) return 'part-of-reference';
  if (check.referenceCoverage >= full) return 'contains-reference';
  return 'overlap';
}

/**
 * Reference images indexed for near-duplicate search: whole-image hashes (all eight flips and
 * quarter turns are tried) in one multi-index table, keypoint codes in another. A query finds
 * candidates through both and accepts one only after a pixel check of the placement found.
 * Deterministic: results depend only on the references and the query, not on timing.
 */
export class NearDuplicateIndex {
  private readonly ids: string[] = [];
  private readonly prints: ImageFingerprint[] = [];
  private hashes: MultiIndex | null = null;
  private codes: MultiIndex | null = null;
  private codeRef = new Int32Array(0);
  private codeKp = new Int32Array(0);
  private readonly rules: NearDuplicateRules;

  /** An empty index; `rules` overrides decision thresholds (for measuring them; the defaults are the tested ones). */
  constructor(options: { readonly rules?: Partial<NearDuplicateRules> } = {}) {
    this.rules = { ...NEAR_DUPLICATE_RULES, ...options.rules };
  }

  /** Number of references. */
  get size(): number {
    return this.ids.length;
  }

  /** Adds a reference (before the first query). */
  add(id: string, fingerprint: ImageFingerprint): number {
    if (this.hashes) throw new Error('references must be added before the first query');
    this.ids.push(id);
    this.prints.push(fingerprint);
    return this.ids.length - 1;
  }

  /** The id and fingerprint of reference `i`. */
  reference(i: number): { id: string; fingerprint: ImageFingerprint } {
    return { id: this.ids[i]!, fingerprint: this.prints[i]! };
  }

  private build(): void {
    const n = this.prints.length;
    const hlo = new Uint32Array(n);
    const hhi = new Uint32Array(n);
    this.prints.forEach((p, i) => {
      hlo[i] = p.hashLo;
      hhi[i] = p.hashHi;
    });
    this.hashes = new MultiIndex(hlo, hhi);
    const total = this.prints.reduce((s, p) => s + p.features.x.length, 0);
    const clo = new Uint32Array(total);
    const chi = new Uint32Array(total);
    this.codeRef = new Int32Array(total);
    this.codeKp = new Int32Array(total);
    let e = 0;
    this.prints.forEach((p, r) => {
      for (let k = 0; k < p.features.x.length; k++, e++) {
        clo[e] = p.features.codes[2 * k]!;
        chi[e] = p.features.codes[2 * k + 1]!;
        this.codeRef[e] = r;
        this.codeKp[e] = k;
      }
    });
    this.codes = new MultiIndex(clo, chi);
  }

  /** Analyses an RGB image and queries it; see {@link query}. */
  queryImage(img: RgbImage, options: NearDuplicateQueryOptions = {}): NearDuplicateMatch[] {
    return this.query(analyseImage(img), options);
  }

  /** Every reference the analysed image is a near-duplicate of, best evidence first. */
  query(subject: AnalysedImage, options: NearDuplicateQueryOptions = {}): NearDuplicateMatch[] {
    if (!this.hashes || !this.codes) this.build();
    const rules = this.rules;
    const fp = subject.fingerprint;
    const allowed = options.filter ?? (() => true);
    const found = new Map<number, NearDuplicateMatch>();

    // Whole images, in every orientation: hash candidates, then a full-frame pixel check.
    if (fp.contrast >= rules.minContrast) {
      for (const orientation of IMAGE_ORIENTATIONS) {
        const bits = orientation === 'identity' ? { lo: fp.hashLo, hi: fp.hashHi } : dctBits(orientDct(subject.hash.dct, orientation));
        const candidates: { ref: number; distance: number }[] = [];
        this.hashes!.search(bits.lo, bits.hi, 2, rules.hashDistance, (ref, distance) => candidates.push({ ref, distance }));
        candidates.sort((a, b) => a.distance - b.distance || a.ref - b.ref);
        let turned: ColourPlanes | null = null;
        for (const { ref, distance } of candidates) {
          if (found.has(ref) || !allowed(ref)) continue;
          const target = this.prints[ref]!;
          if (target.contrast < rules.minContrast) continue;
          turned ??= orientPlanes(subject.colour, orientation);
          const check = checkPlacement(turned, target, { scaleX: target.width / turned.width, scaleY: target.height / turned.height, offsetX: 0, offsetY: 0 }, { refineAbove: rules.minDetail - 0.3 });
          if (!passesCheck(check, rules)) continue;
          found.set(ref, {
            reference: ref,
            id: this.ids[ref]!,
            kind: orientation === 'identity' ? 'copy' : 'turned-copy',
            orientation,
            hashDistance: distance,
            inliers: 0,
            check,
          });
        }
      }
    }

    // Parts: keypoint codes vote for references, the best voted are placed and checked.
    const feats = fp.features;
    const perRef = new Map<number, FeatureMatch[]>();
    for (let q = 0; q < feats.x.length; q++) {
      // The best code per reference for this keypoint.
      const best = new Map<number, FeatureMatch>();
      this.codes!.search(feats.codes[2 * q]!, feats.codes[2 * q + 1]!, 1, rules.codeDistance, (e, distance) => {
        const ref = this.codeRef[e]!;
        const current = best.get(ref);
        if (!current || distance < current.distance || (distance === current.distance && this.codeKp[e]! < current.reference)) {
          best.set(ref, { query: q, reference: this.codeKp[e]!, distance });
        }
      });
      for (const [ref, m] of best) {
        let list = perRef.get(ref);
        if (!list) perRef.set(ref, (list = []));
        list.push(m);
      }
    }
    const ranked = [...perRef]
      .filter(([ref, list]) => list.length >= rules.minInliers && !found.has(ref) && allowed(ref))
      .sort((a, b) => b[1].length - a[1].length || a[0] - b[0])
      .slice(0, rules.maxChecks);
    for (const [ref, list] of ranked) {
      const target = this.prints[ref]!;
      const placement = placeQuery(feats, target.features, list);
      if (!placement || placement.inliers < rules.minInliers) continue;
      const check = checkPlacement(subject.colour, target, placement, { refineAbove: rules.minDetail - 0.3 });
      if (!passesCheck(check, rules)) continue;
      found.set(ref, { reference: ref, id: this.ids[ref]!, kind: kindOf(check), orientation: 'identity', hashDistance: null, inliers: placement.inliers, check });
    }
    return [...found.values()].sort(
      (a, b) => b.check.detailCorrelation - a.check.detailCorrelation || a.reference - b.reference,
    );
  }
}
