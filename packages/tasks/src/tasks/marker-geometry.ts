import { labelColouredFill, type MarkerStyle } from '@spatial-ssrl/image';

/** Clear pixels kept between two markers' disks. */
const MARKER_GAP = 2;

/**
 * Pixels a marker of `radius` reaches from its centre pixel on each side: `drawMarker` paints a
 * disk centred on the pixel centre, so it covers columns `cx − radius … cx + radius`.
 */
function markerReach(radius: number): number {
  return radius;
}

/** Smallest centre distance (pixels) at which two markers of `radius` neither overlap nor touch. */
export function minMarkerDistance(radius: number): number {
  return 2 * markerReach(radius) + MARKER_GAP;
}

/** Whether a marker centred on `(cx, cy)` lies fully inside a `width × height` image. */
export function markerInside(cx: number, cy: number, radius: number, width: number, height: number): boolean {
  const r = markerReach(radius);
  return cx - r >= 0 && cy - r >= 0 && cx + r <= width - 1 && cy + r <= height - 1;
}

/** How markers are filled: `white` as the reference draws them, `by-label` in a colour per label. */
export type MarkerFill = 'white' | 'by-label';

/** The `drawMarker` style of marker `label` under `fill`. */
export function markerStyle(fill: MarkerFill, label: number): MarkerStyle {
  return fill === 'white' ? {} : { fill: labelColouredFill(label) };
}
