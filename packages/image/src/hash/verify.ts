import type { RgbImage } from '../raster.js';
import type { Placement } from './geometry.js';
import { resizeArea, type GrayImage } from './gray.js';

/** Longest side of the colour thumbnail kept to check a candidate pixel by pixel, pixels. */
const CHECK_SIDE = 128;
/** Fewest thumbnail pixels across an overlap for a pixel check to count. */
const MIN_CHECK_SIDE = 16;

/** An image as three float planes (red, green, blue), values 0-1. */
export interface ColourPlanes {
  readonly width: number;
  readonly height: number;
  readonly planes: readonly [Float32Array, Float32Array, Float32Array];
}

/** Splits an RGB raster into float planes, 0-1. */
export function colourPlanes(img: RgbImage): ColourPlanes {
  const n = img.width * img.height;
  const planes: [Float32Array, Float32Array, Float32Array] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    planes[0][i] = img.data[j]! / 255;
    planes[1][i] = img.data[j + 1]! / 255;
    planes[2][i] = img.data[j + 2]! / 255;
  }
  return { width: img.width, height: img.height, planes };
}

function mapPlanes(img: ColourPlanes, fn: (plane: GrayImage) => GrayImage): ColourPlanes {
  const out = img.planes.map((data) => fn({ width: img.width, height: img.height, data })) as [GrayImage, GrayImage, GrayImage];
  return { width: out[0].width, height: out[0].height, planes: [out[0].data, out[1].data, out[2].data] };
}

/**
 * The check thumbnail of an image: its colour planes area-shrunk so the longer side is
 * {@link CHECK_SIDE} at most, rounded to 8 bits (the precision it is stored with).
 */
export function checkThumbnail(img: ColourPlanes): ColourPlanes {
  const scale = Math.min(1, CHECK_SIDE / Math.max(img.width, img.height));
  const w = Math.max(1, Math.round(img.width * scale));
  const h = Math.max(1, Math.round(img.height * scale));
  return mapPlanes(img, (plane) => {
    const small = scale === 1 ? plane : resizeArea(plane, w, h);
    const data = new Float32Array(small.data.length);
    for (let i = 0; i < data.length; i++) data[i] = Math.round(Math.min(1, Math.max(0, small.data[i]!)) * 255) / 255;
    return { width: small.width, height: small.height, data };
  });
}

/** Mean of each value's (2r+1)² neighbourhood (clipped at the edges), by running sums along rows then columns. */
function boxMean(v: Float32Array, nx: number, ny: number, r: number, out: Float32Array, rows: Float32Array): void {
  for (let j = 0; j < ny; j++) {
    const at = j * nx;
    let s = 0;
    for (let k = 0; k <= Math.min(r, nx - 1); k++) s += v[at + k]!;
    for (let i = 0; i < nx; i++) {
      const a = Math.max(0, i - r);
      const b = Math.min(nx - 1, i + r);
      rows[at + i] = s / (b - a + 1);
      if (i + r + 1 < nx) s += v[at + i + r + 1]!;
      if (i - r >= 0) s -= v[at + i - r]!;
    }
  }
  for (let i = 0; i < nx; i++) {
    let s = 0;
    for (let k = 0; k <= Math.min(r, ny - 1); k++) s += rows[k * nx + i]!;
    for (let j = 0; j < ny; j++) {
      const a = Math.max(0, j - r);
      const b = Math.min(ny - 1, j + r);
      out[j * nx + i] = s / (b - a + 1);
      if (j + r + 1 < ny) s += rows[(j + r + 1) * nx + i]!;
      if (j - r >= 0) s -= rows[(j - r) * nx + i]!;
    }
  }
}

/**
 * Mid-frequency detail of a grid: its 3 × 3 mean minus its 9 × 9 mean. The broad layout (sky
 * above, ground below) is gone, and so is the pixel-level noise of resampling.
 */
function bandPass(v: Float32Array, nx: number, ny: number, out: Float32Array, scratch: Float32Array, rows: Float32Array): void {
  boxMean(v, nx, ny, 1, out, rows);
  boxMean(v, nx, ny, 4, scratch, rows);
  for (let i = 0; i < out.length; i++) out[i]! -= scratch[i]!;
}

function pearson(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let c = 0; c < a.length; c++) {
    const x = a[c]!;
    const y = b[c]!;
    let mx = 0;
    let my = 0;
    for (let i = 0; i < x.length; i++) {
      mx += x[i]!;
      my += y[i]!;
    }
    mx /= x.length;
    my /= y.length;
    for (let i = 0; i < x.length; i++) {
      const dx = x[i]! - mx;
      const dy = y[i]! - my;
      sab += dx * dy;
      saa += dx * dx;
      sbb += dy * dy;
    }
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

function bilinear(plane: Float32Array, w: number, h: number, x: number, y: number): number {
  const fx = Math.min(w - 1, Math.max(0, x - 0.5));
  const fy = Math.min(h - 1, Math.max(0, y - 0.5));
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const x1 = Math.min(w - 1, x0 + 1);
  const y1 = Math.min(h - 1, y0 + 1);
  const ax = fx - x0;
  const ay = fy - y0;
  const top = plane[y0 * w + x0]! + (plane[y0 * w + x1]! - plane[y0 * w + x0]!) * ax;
  const bottom = plane[y1 * w + x0]! + (plane[y1 * w + x1]! - plane[y1 * w + x0]!) * ax;
  return top + (bottom - top) * ay;
}

/** How well two images agree pixel by pixel where a placement puts one on the other. */
export interface PixelCheck {
  /** Pearson correlation of the overlapping colour values (each channel's mean removed), −1 to 1. */
  readonly correlation: number;
  /** Pearson correlation of their mid-frequency detail (3 × 3 mean minus 9 × 9 mean, per channel), −1 to 1. */
  readonly detailCorrelation: number;
  /** Mean absolute colour difference there, 0-1. */
  readonly meanDifference: number;
  /** Overlap as a fraction of the query's and of the reference's area, 0-1. */
  readonly queryCoverage: number;
  readonly referenceCoverage: number;
  /** The overlap in the reference, pixels of the reference: `[x, y, width, height]`. */
  readonly region: readonly [number, number, number, number];
}

/**
 * Compares the query with the reference's check thumbnail where `placement` puts it: the query's
 * part of the overlap, area-shrunk to the thumbnail's resolution, against the thumbnail sampled
 * there. Shifts of up to 1.5 thumbnail pixels and scales within 3 % are searched (coarse, then
 * fine — the fine steps only when the coarse detail correlation reaches `refineAbove`, default
 * 0.3) for the best agreement of detail. `null` when the overlap is under 16 thumbnail pixels
 * across, too small to tell.
 */
export function checkPlacement(
  query: ColourPlanes,
  reference: { readonly width: number; readonly height: number; readonly thumbnail: ColourPlanes },
  placement: Pick<Placement, 'scaleX' | 'scaleY' | 'offsetX' | 'offsetY'>,
  options: { readonly refineAbove?: number } = {},
): PixelCheck | null {
  const { scaleX: sx, scaleY: sy, offsetX: tx, offsetY: ty } = placement;
  const rx0 = Math.max(0, tx);
  const ry0 = Math.max(0, ty);
  const rx1 = Math.min(reference.width, tx + sx * query.width);
  const ry1 = Math.min(reference.height, ty + sy * query.height);
  if (!(rx1 > rx0 && ry1 > ry0)) return null;
  const thumb = reference.thumbnail;
  const kx = thumb.width / reference.width;
  const ky = thumb.height / reference.height;
  const nx = Math.min(CHECK_SIDE, Math.round((rx1 - rx0) * kx));
  const ny = Math.min(CHECK_SIDE, Math.round((ry1 - ry0) * ky));
  if (nx < MIN_CHECK_SIDE || ny < MIN_CHECK_SIDE) return null;
  // The query's part of the overlap, shrunk to nx × ny.
  const qx0 = Math.max(0, Math.floor((rx0 - tx) / sx));
  const qy0 = Math.max(0, Math.floor((ry0 - ty) / sy));
  const qx1 = Math.max(qx0 + 1, Math.min(query.width, Math.ceil((rx1 - tx) / sx)));
  const qy1 = Math.max(qy0 + 1, Math.min(query.height, Math.ceil((ry1 - ty) / sy)));
  const qw = qx1 - qx0;
  const qh = qy1 - qy0;
  const qs = query.planes.map((plane) => {
    const crop = new Float32Array(qw * qh);
    for (let y = qy0; y < qy1; y++) crop.set(plane.subarray(y * query.width + qx0, y * query.width + qx1), (y - qy0) * qw);
    return resizeArea({ width: qw, height: qh, data: crop }, nx, ny).data;
  });
  const n = nx * ny;
  const scratch = new Float32Array(n);
  const rows = new Float32Array(n);
  const qd = qs.map((p) => {
    const d = new Float32Array(n);
    bandPass(p, nx, ny, d, scratch, rows);
    return d;
  });
  // Where the query crop's edges land in the reference, thumbnail pixels.
  const ex0 = (tx + sx * qx0) * kx;
  const ey0 = (ty + sy * qy0) * ky;
  const ew = sx * qw * kx;
  const eh = sy * qh * ky;
  const rs = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  const rd = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  const evaluate = (dx: number, dy: number, scale: number): number => {
    const cx = ex0 + ew / 2 + dx;
    const cy = ey0 + eh / 2 + dy;
    for (let j = 0; j < ny; j++) {
      const y = cy + ((j + 0.5) / ny - 0.5) * eh * scale;
      for (let i = 0; i < nx; i++) {
        const x = cx + ((i + 0.5) / nx - 0.5) * ew * scale;
        for (let c = 0; c < 3; c++) rs[c]![j * nx + i] = bilinear(thumb.planes[c]!, thumb.width, thumb.height, x, y);
      }
    }
    for (let c = 0; c < 3; c++) bandPass(rs[c]!, nx, ny, rd[c]!, scratch, rows);
    return pearson(qd, rd);
  };
  let best = { dx: 0, dy: 0, scale: 1, detail: evaluate(0, 0, 1) };
  const consider = (dx: number, dy: number, scale: number): void => {
    const detail = evaluate(dx, dy, scale);
    if (detail > best.detail) best = { dx, dy, scale, detail };
  };
  for (const dy of [-1, 0, 1]) for (const dx of [-1, 0, 1]) if (dx !== 0 || dy !== 0) consider(dx, dy, 1);
  const coarse = best;
  // Unrelated images stay far below any threshold; refining them is wasted work.
  const refine = coarse.detail >= (options.refineAbove ?? 0.3);
  if (refine) for (const scale of [0.97, 1.03]) consider(coarse.dx, coarse.dy, scale);
  const mid = best;
  if (refine) for (const dy of [-0.5, 0, 0.5]) for (const dx of [-0.5, 0, 0.5]) if (dx !== 0 || dy !== 0) consider(mid.dx + dx, mid.dy + dy, mid.scale);
  // Colour agreement at the chosen alignment.
  evaluate(best.dx, best.dy, best.scale);
  let diff = 0;
  for (let c = 0; c < 3; c++) for (let i = 0; i < n; i++) diff += Math.abs(qs[c]![i]! - rs[c]![i]!);
  const overlap = (rx1 - rx0) * (ry1 - ry0);
  return {
    correlation: pearson(qs, rs),
    detailCorrelation: best.detail,
    meanDifference: diff / (3 * n),
    queryCoverage: Math.min(1, overlap / (sx * sy) / (query.width * query.height)),
    referenceCoverage: overlap / (reference.width * reference.height),
    region: [rx0, ry0, rx1 - rx0, ry1 - ry0],
  };
}
