import type { Rng } from '@spatial-ssrl/spec';
import { minMarkerDistance } from '../marker-geometry.js';
import { windowRange, windowWithin } from '../window-stats.js';
import type { PercentileDepth } from './depth-normalise.js';

/** A window test: side (odd, pixels) and the exclusive bound on the normalised range inside it. */
export interface WindowRule {
  readonly size: number;
  readonly maxRange: number;
}

/** A chosen region centre for one depth band. */
export interface RegionPick {
  readonly band: number;
  readonly x: number;
  readonly y: number;
  /** Side of the window that qualified the centre, pixels. */
  readonly window: number;
}

/**
 * Candidate centres per band for one window rule: the centre's normalised depth lies in the
 * band (inclusive), its window lies inside the image, is fully usable (unusable pixels carry the
 * range sentinel, so a window holding one fails the range test) and has range `< maxRange`, and
 * a marker of `radius` centred there stays inside the image (`margin ≥ radius` on every side).
 * Lists are row-major pixel indices in ascending order.
 */
function bandCandidates(
  depth: PercentileDepth,
  width: number,
  height: number,
  bands: readonly (readonly [number, number])[],
  rule: WindowRule,
  radius: number,
): Int32Array[] {
  const range = windowRange(depth.norm, width, height, rule.size);
  const half = (rule.size - 1) / 2;
  const margin = Math.max(half, radius);
  const norm = depth.norm;
  // Band of each qualifying centre (b + 1, 0 = none), counted first so the lists are exact.
  const code = new Uint8Array(width * height);
  const counts = bands.map(() => 0);
  for (let y = margin; y < height - margin; y++) {
    for (let i = y * width + margin, end = y * width + width - margin; i < end; i++) {
      if (!(range[i] < rule.maxRange)) continue;
      const v = norm[i];
      for (let b = 0; b < bands.length; b++) {
        if (v >= bands[b][0] && v <= bands[b][1]) {
          code[i] = b + 1;
          counts[b]++;
          break;
        }
      }
    }
  }
  const lists = counts.map((c) => new Int32Array(c));
  const filled = bands.map(() => 0);
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c !== 0) lists[c - 1][filled[c - 1]++] = i;
  }
  return lists;
}

const QUICK_DRAWS = 64;

function pickApart(list: Int32Array, width: number, taken: readonly { x: number; y: number }[], minDist: number, rng: Rng): number {
  if (list.length === 0) return -1;
  const clear = (i: number): boolean => {
    const x = i % width;
    const y = (i - x) / width;
    return taken.every((t) => (t.x - x) ** 2 + (t.y - y) ** 2 >= minDist * minDist);
  };
  if (taken.length === 0) return list[rng.int(0, list.length - 1)];
  // Rejection sampling stays uniform over the clear candidates; the exact pass bounds the work.
  for (let k = 0; k < QUICK_DRAWS; k++) {
    const i = list[rng.int(0, list.length - 1)];
    if (clear(i)) return i;
  }
  const ok: number[] = [];
  for (const i of list) if (clear(i)) ok.push(i);
  return ok.length === 0 ? -1 : ok[rng.int(0, ok.length - 1)];
}

/** Why region picking failed: no candidate at all in a band, or only ones under other markers. */
export type RegionFailure = { readonly failure: 'no-region' | 'markers-overlap'; readonly band: number };

// Uniform proposals tried before the exact candidate scan: flat regions usually cover a good share
// of the image, so a few hundred window tests replace a whole-image sliding-window pass.
const PROPOSALS = 2048;

/**
 * Draws up to {@link PROPOSALS} uniform centres from the area where `rule`'s window and a marker of
 * `radius` fit, and returns the first that is a band candidate (as {@link bandCandidates} defines
 * it) and clear of the markers in `taken`, or -1. Conditioned on success the result is uniform over
 * the clear candidates, the same distribution as the exact scan.
 */
function proposeCandidate(
  depth: PercentileDepth,
  width: number,
  height: number,
  band: readonly [number, number],
  rule: WindowRule,
  radius: number,
  taken: readonly { x: number; y: number }[],
  minDist: number,
  rng: Rng,
): number {
  const half = (rule.size - 1) / 2;
  const margin = Math.max(half, radius);
  if (width - 2 * margin < 1 || height - 2 * margin < 1) return -1;
  const [lo, hi] = band;
  const size = rule.size;
  const limit = rule.maxRange;
  for (let k = 0; k < PROPOSALS; k++) {
    const x = rng.int(margin, width - margin - 1);
    const y = rng.int(margin, height - margin - 1);
    const v = depth.at(y * width + x);
    if (!(v >= lo && v <= hi)) continue;
    if (!taken.every((t) => (t.x - x) ** 2 + (t.y - y) ** 2 >= minDist * minDist)) continue;
    if (windowWithin(depth.at, width, x - half, y - half, size, limit, false)) return y * width + x;
  }
  return -1;
}

/**
 * Picks one centre per band, uniformly among the band's candidates under the primary window rule,
 * falling back to the secondary rule when the primary gives none (or none clear of the markers
 * already placed); markers of `radius` stay inside the image and apart. Each rule first tries
 * uniform proposals and only scans the whole image when they all miss.
 */
export function pickRegions(
  depth: PercentileDepth,
  width: number,
  height: number,
  bands: readonly (readonly [number, number])[],
  rules: readonly [WindowRule, WindowRule],
  radius: number,
  rng: Rng,
): RegionPick[] | RegionFailure {
  const cache: (Int32Array[] | undefined)[] = [undefined, undefined];
  const candidates = (r: number): Int32Array[] => (cache[r] ??= bandCandidates(depth, width, height, bands, rules[r], radius));
  const minDist = minMarkerDistance(radius);
  const picks: RegionPick[] = [];
  for (let b = 0; b < bands.length; b++) {
    let found = false;
    let any = false;
    for (let r = 0; r < rules.length && !found; r++) {
      let i = proposeCandidate(depth, width, height, bands[b] as [number, number], rules[r], radius, picks, minDist, rng);
      if (i >= 0) any = true;
      else {
        const list = candidates(r)[b];
        if (list.length > 0) any = true;
        i = pickApart(list, width, picks, minDist, rng);
      }
      if (i < 0) continue;
      picks.push({ band: b, x: i % width, y: Math.floor(i / width), window: rules[r].size });
      found = true;
    }
    if (!found) return { failure: any ? 'markers-overlap' : 'no-region', band: b };
  }
  return picks;
}
