import { medianBits } from './bits.js';
import { resizeArea, type GrayImage } from './gray.js';

/**
 * Scale-invariant keypoints with binary patch codes, for finding one image inside another:
 * difference-of-Gaussian extrema (as in SIFT: 3 scales per octave, base blur 1.6, low-contrast
 * and edge-like responses dropped) on the image shrunk to at most {@link FEATURE_SIDE} pixels,
 * each described by a 63-bit DCT code of the upright patch around it. No orientation is
 * assigned: crops and resizes keep a patch upright, and the whole-image hash covers turns.
 */

/** Longest side of the image keypoints are found on, pixels; larger images are area-shrunk first. */
const FEATURE_SIDE = 512;
/** Keypoints kept per image, the strongest responses first. */
const MAX_FEATURES = 400;

const SCALES = 3;
const BASE_SIGMA = 1.6;
const INPUT_SIGMA = 0.5;
/** Smallest |DoG| response kept (intensities 0-1). */
const CONTRAST = 0.01;
/** Largest ratio of principal curvatures: more is an edge, poorly localised along it. */
const EDGE_RATIO = 10;
/** The described patch spans ±PATCH_RADIUS·σ around a keypoint. */
const PATCH_RADIUS = 4;
const PATCH_SAMPLES = 16;
const MIN_OCTAVE_SIDE = 24;

/** Keypoints of one image: positions and scales in the image's own pixels, and their codes. */
export interface LocalFeatures {
  /** Size of the image the features were taken from, pixels. */
  readonly width: number;
  readonly height: number;
  /** Keypoint positions (continuous pixel coordinates, pixel centres at +0.5) and scales (σ, pixels). */
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly sigma: Float32Array;
  /** 64-bit patch codes as (low, high) 32-bit halves: `codes[2k]`, `codes[2k + 1]`. */
  readonly codes: Uint32Array;
}

/**
 * Widths of three box filters whose succession approximates a Gaussian of `sigma` (the variance
 * of a box of odd width w is (w² − 1) / 12; widths wl and wl + 2 are mixed to match).
 */
function boxWidths(sigma: number): number[] {
  const ideal = Math.sqrt((12 * sigma * sigma) / 3 + 1);
  let wl = Math.floor(ideal);
  if (wl % 2 === 0) wl--;
  const wu = wl + 2;
  const m = Math.round((12 * sigma * sigma - 3 * wl * wl - 12 * wl - 9) / (-4 * wl - 4));
  return [0, 1, 2].map((i) => (i < m ? wl : wu));
}

/** One horizontal box filter of odd width `bw` over every row, edges clamped. */
function boxRows(src: Float32Array, dst: Float32Array, w: number, h: number, bw: number, line: Float64Array): void {
  const r = (bw - 1) >> 1;
  const inv = 1 / bw;
  for (let y = 0; y < h; y++) {
    const at = y * w;
    // The row padded with r copies of its edge values on each side.
    const first = src[at]!;
    const last = src[at + w - 1]!;
    for (let i = 0; i < r; i++) {
      line[i] = first;
      line[r + w + i] = last;
    }
    for (let i = 0; i < w; i++) line[r + i] = src[at + i]!;
    let sum = 0;
    for (let i = 0; i < bw; i++) sum += line[i]!;
    for (let i = 0; i < w; i++) {
      dst[at + i] = sum * inv;
      sum += line[i + bw]! - line[i]!;
    }
  }
}

/** One vertical box filter of odd width `bw`, edges clamped: running column sums, row by row. */
function boxColumns(src: Float32Array, dst: Float32Array, w: number, h: number, bw: number, sums: Float64Array): void {
  const r = (bw - 1) >> 1;
  const inv = 1 / bw;
  const row = (y: number): number => (y < 0 ? 0 : y >= h ? h - 1 : y) * w;
  sums.fill(0, 0, w);
  for (let i = -r; i <= r; i++) {
    const at = row(i);
    for (let x = 0; x < w; x++) sums[x]! += src[at + x]!;
  }
  for (let y = 0; y < h; y++) {
    const out = y * w;
    for (let x = 0; x < w; x++) dst[out + x] = sums[x]! * inv;
    if (y + 1 === h) break;
    const add = row(y + r + 1);
    const sub = row(y - r);
    for (let x = 0; x < w; x++) sums[x]! += src[add + x]! - src[sub + x]!;
  }
}

/** A Gaussian blur of `sigma` pixels approximated by three box filters per axis (cost independent of sigma), edges clamped. */
function blur(img: GrayImage, sigma: number): GrayImage {
  const { width: w, height: h } = img;
  const widths = boxWidths(sigma).filter((bw) => bw > 1);
  const scratch = new Float64Array(Math.max(w, h) + Math.max(0, ...widths));
  let a = Float32Array.from(img.data);
  let b = new Float32Array(w * h);
  for (const bw of widths) {
    boxRows(a, b, w, h, bw, scratch);
    [a, b] = [b, a];
  }
  for (const bw of widths) {
    boxColumns(a, b, w, h, bw, scratch);
    [a, b] = [b, a];
  }
  return { width: w, height: h, data: a };
}

function halve(img: GrayImage): GrayImage {
  const w = img.width >> 1;
  const h = img.height >> 1;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = img.data[2 * y * img.width + 2 * x]!;
  return { width: w, height: h, data: out };
}

interface Candidate {
  /** Position in the octave's pixels (continuous, centres at +0.5). */
  readonly ox: number;
  readonly oy: number;
  /** Position and scale in working-image pixels. */
  readonly x: number;
  readonly y: number;
  readonly sigma: number;
  readonly response: number;
  /** The octave's Gaussian image at the keypoint's scale, and the octave's pixel size in image pixels. */
  readonly level: GrayImage;
  readonly step: number;
  readonly octaveSigma: number;
}

function bilinear(img: GrayImage, x: number, y: number): number {
  const fx = x - 0.5;
  const fy = y - 0.5;
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const ax = fx - x0;
  const ay = fy - y0;
  const at = (xx: number, yy: number): number => {
    const cx = xx < 0 ? 0 : xx >= img.width ? img.width - 1 : xx;
    const cy = yy < 0 ? 0 : yy >= img.height ? img.height - 1 : yy;
    return img.data[cy * img.width + cx]!;
  };
  const top = at(x0, y0) + (at(x0 + 1, y0) - at(x0, y0)) * ax;
  const bottom = at(x0, y0 + 1) + (at(x0 + 1, y0 + 1) - at(x0, y0 + 1)) * ax;
  return top + (bottom - top) * ay;
}

let patchBasis: Float64Array | undefined;

// cos(π (2i + 1) u / 32) for u < 8, i < 16: the DCT-II basis along one patch axis.
function patchCosines(): Float64Array {
  if (patchBasis) return patchBasis;
  const t = new Float64Array(8 * PATCH_SAMPLES);
  for (let u = 0; u < 8; u++) for (let i = 0; i < PATCH_SAMPLES; i++) t[u * PATCH_SAMPLES + i] = Math.cos((Math.PI * (2 * i + 1) * u) / (2 * PATCH_SAMPLES));
  patchBasis = t;
  return t;
}

/** The 63-bit DCT code of the upright patch of side 2·PATCH_RADIUS·σ around an octave point. */
function describe(c: Candidate, samples: Float32Array, rows: Float64Array, coefs: Float64Array): { lo: number; hi: number } {
  const half = PATCH_RADIUS * c.octaveSigma;
  const spacing = (2 * half) / PATCH_SAMPLES;
  const { ox, oy } = c;
  for (let j = 0; j < PATCH_SAMPLES; j++) {
    for (let i = 0; i < PATCH_SAMPLES; i++) samples[j * PATCH_SAMPLES + i] = bilinear(c.level, ox - half + (i + 0.5) * spacing, oy - half + (j + 0.5) * spacing);
  }
  const b = patchCosines();
  for (let j = 0; j < PATCH_SAMPLES; j++) {
    for (let u = 0; u < 8; u++) {
      let s = 0;
      for (let i = 0; i < PATCH_SAMPLES; i++) s += samples[j * PATCH_SAMPLES + i]! * b[u * PATCH_SAMPLES + i]!;
      rows[j * 8 + u] = s;
    }
  }
  for (let v = 0; v < 8; v++) {
    for (let u = 0; u < 8; u++) {
      let s = 0;
      for (let j = 0; j < PATCH_SAMPLES; j++) s += rows[j * 8 + u]! * b[v * PATCH_SAMPLES + j]!;
      coefs[v * 8 + u] = s;
    }
  }
  return medianBits(coefs.subarray(1));
}

/**
 * Finds up to `maxFeatures` keypoints of a gray image and describes them. Positions and scales
 * are returned in the input image's pixels. Deterministic: the same pixels give the same bytes.
 */
export function localFeatures(gray: GrayImage, maxFeatures = MAX_FEATURES): LocalFeatures {
  const shrink = Math.max(gray.width, gray.height) > FEATURE_SIDE ? FEATURE_SIDE / Math.max(gray.width, gray.height) : 1;
  const work =
    shrink < 1
      ? resizeArea(gray, Math.max(1, Math.round(gray.width * shrink)), Math.max(1, Math.round(gray.height * shrink)))
      : gray;
  // Scale factors from working pixels back to input pixels, per axis.
  const backX = gray.width / work.width;
  const backY = gray.height / work.height;
  const k = 2 ** (1 / SCALES);
  const candidates: Candidate[] = [];
  let base = blur(work, Math.sqrt(BASE_SIGMA * BASE_SIGMA - INPUT_SIGMA * INPUT_SIGMA));
  for (let octave = 0, step = 1; Math.min(base.width, base.height) >= MIN_OCTAVE_SIDE; octave++, step *= 2) {
    const levels: GrayImage[] = [base];
    for (let i = 1; i < SCALES + 3; i++) {
      const prev = BASE_SIGMA * k ** (i - 1);
      levels.push(blur(levels[i - 1]!, Math.sqrt((prev * k) ** 2 - prev ** 2)));
    }
    const { width: w, height: h } = base;
    const dogs = levels.slice(1).map((l, i) => {
      const d = new Float32Array(w * h);
      for (let p = 0; p < d.length; p++) d[p] = l.data[p]! - levels[i]!.data[p]!;
      return d;
    });
    for (let s = 1; s <= SCALES; s++) {
      const below = dogs[s - 1]!;
      const here = dogs[s]!;
      const above = dogs[s + 1]!;
      const octaveSigma = BASE_SIGMA * k ** s;
      const margin = Math.ceil(PATCH_RADIUS * octaveSigma) + 1;
      for (let y = Math.max(1, margin); y < h - Math.max(1, margin); y++) {
        for (let x = Math.max(1, margin); x < w - Math.max(1, margin); x++) {
          const p = y * w + x;
          const v = here[p]!;
          if (Math.abs(v) < CONTRAST) continue;
          let extreme = true;
          // Strictly above (or below) all 26 neighbours in space and scale.
          for (let dy = -w; dy <= w && extreme; dy += w) {
            for (let dx = -1; dx <= 1; dx++) {
              const q = p + dy + dx;
              const a = below[q]!;
              const c = above[q]!;
              const b = q === p ? (v > 0 ? -Infinity : Infinity) : here[q]!;
              if (v > 0 ? a >= v || b >= v || c >= v : a <= v || b <= v || c <= v) {
                extreme = false;
                break;
              }
            }
          }
          if (!extreme) continue;
          const dxx = here[p + 1]! + here[p - 1]! - 2 * v;
          const dyy = here[p + w]! + here[p - w]! - 2 * v;
          const dxy = (here[p + w + 1]! - here[p + w - 1]! - here[p - w + 1]! + here[p - w - 1]!) / 4;
          const tr = dxx + dyy;
          const det = dxx * dyy - dxy * dxy;
          if (det <= 0 || (tr * tr) / det >= ((EDGE_RATIO + 1) ** 2) / EDGE_RATIO) continue;
          // Octave pixel x is working pixel x·step (every other pixel is kept when halving).
          candidates.push({ ox: x + 0.5, oy: y + 0.5, x: x * step + 0.5, y: y * step + 0.5, sigma: octaveSigma * step, response: Math.abs(v), level: levels[s]!, step, octaveSigma });
        }
      }
    }
    base = halve(levels[SCALES]!);
  }
  // Strongest first; ties broken by position and scale so the order never depends on the sort.
  candidates.sort((a, b) => b.response - a.response || a.y - b.y || a.x - b.x || a.sigma - b.sigma);
  const kept = candidates.slice(0, maxFeatures);
  const n = kept.length;
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  const sigma = new Float32Array(n);
  const codes = new Uint32Array(2 * n);
  const samples = new Float32Array(PATCH_SAMPLES * PATCH_SAMPLES);
  const rows = new Float64Array(PATCH_SAMPLES * 8);
  const coefs = new Float64Array(64);
  kept.forEach((c, i) => {
    x[i] = c.x * backX;
    y[i] = c.y * backY;
    sigma[i] = c.sigma * Math.sqrt(backX * backY);
    const code = describe(c, samples, rows, coefs);
    codes[2 * i] = code.lo;
    codes[2 * i + 1] = code.hi;
  });
  return { width: gray.width, height: gray.height, x, y, sigma, codes };
}
