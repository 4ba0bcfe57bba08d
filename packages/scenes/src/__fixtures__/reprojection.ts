import { reprojectPixel } from '@spatial-ssrl/image';
import type { RenderedView } from '../scene-render.js';

/** How the pixels of one view land in another, by depth and cameras. */
export interface ReprojectionReport {
  /** Valid pixels of `from` whose point projects inside `to` (in front of it). */
  readonly inside: number;
  /**
   * Of those, the points `to` sees at their depth: it lies within 1 % of the depth range of the
   * four pixels around the landing position. Visible in both views.
   */
  readonly agree: number;
  /** Of those, the ones whose segment label (sky, hills, ground, object i) is the same in `to`, at the pixel of nearest depth. */
  readonly sameSurface: number;
  /**
   * Points inside a surface of `from` (the 3×3 pixels around them show the same segment) that
   * `to` sees *behind*: every pixel around the landing position is more than 0.5 % farther than
   * the point. Impossible when depths and poses agree: the point would hide what is behind it.
   * (At a silhouette a sliver of a surface can fall between pixel centres, so edges are left out.)
   */
  readonly seeThrough: number;
  /** Valid pixels of `from`. */
  readonly valid: number;
  /**
   * Mean absolute RGB difference (0-255) between interior points seen in both views and the
   * pixel of nearest depth in `to`: small when textures stay fixed to the world.
   */
  readonly colourDiff: number;
}

/**
 * Reprojects every valid pixel centre of `from` into `to` with its depth and both cameras and
 * compares with `to`'s depth: the check that a pixel lands on the same surface.
 */
export function reprojectionReport(from: RenderedView, to: RenderedView): ReprojectionReport {
  const { width, height } = to.depth;
  const depthAt = (x: number, y: number): number => {
    const k = y * width + x;
    return to.depth.valid[k] ? to.depth.data[k]! : Infinity;
  };
  let valid = 0;
  let inside = 0;
  let agree = 0;
  let sameSurface = 0;
  let seeThrough = 0;
  let diffSum = 0;
  let diffCount = 0;
  for (let j = 0; j < from.depth.height; j++) {
    for (let i = 0; i < from.depth.width; i++) {
      const k = j * from.depth.width + i;
      if (!from.depth.valid[k]) continue;
      valid++;
      const q = reprojectPixel(from.camera, to.camera, i, j, from.depth.data[k]!);
      // Pixel centres sit at +0.5: the four pixels around the landing point.
      const fx = q.x - 0.5;
      const fy = q.y - 0.5;
      if (!(q.depth > 0) || fx < 0 || fy < 0 || fx >= width - 1 || fy >= height - 1) continue;
      inside++;
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const around = [x0 + y0 * width, x0 + 1 + y0 * width, x0 + (y0 + 1) * width, x0 + 1 + (y0 + 1) * width];
      const depths = around.map((n) => depthAt(n % width, Math.floor(n / width)));
      const near = Math.min(...depths);
      const far = Math.max(...depths.filter(Number.isFinite), near);
      if (near > q.depth * 1.005 && interior(from, i, j)) seeThrough++;
      if (q.depth >= near * 0.99 && q.depth <= far * 1.01) {
        agree++;
        let best = 0;
        depths.forEach((d, n) => {
          if (Math.abs(d - q.depth) < Math.abs(depths[best]! - q.depth)) best = n;
        });
        if (to.segments.data[around[best]!] === from.segments.data[k]) sameSurface++;
        if (interior(from, i, j)) {
          for (let c = 0; c < 3; c++) diffSum += Math.abs(to.rgb.data[around[best]! * 3 + c]! - from.rgb.data[k * 3 + c]!);
          diffCount += 3;
        }
      }
    }
  }
  return { valid, inside, agree, sameSurface, seeThrough, colourDiff: diffCount > 0 ? diffSum / diffCount : 0 };
}

function interior(view: RenderedView, i: number, j: number): boolean {
  const { width, height } = view.segments;
  const seg = view.segments.data[j * width + i];
  for (let y = Math.max(0, j - 1); y <= Math.min(height - 1, j + 1); y++) {
    for (let x = Math.max(0, i - 1); x <= Math.min(width - 1, i + 1); x++) {
      if (view.segments.data[y * width + x] !== seg) return false;
    }
  }
  return true;
}
