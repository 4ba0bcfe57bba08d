import { assertRgb } from './pixel-ops.js';
import type { RgbImage } from './raster.js';
import { textMask } from './text.js';
import { GLYPH_HEIGHT } from './font-glyphs.js';

const SUB = 4;
const SUB_SAMPLES = SUB * SUB;
const WHITE: MarkerRgb = [255, 255, 255];

/**
 * Default marker radius in px for an image of `width × height` px: 2.5 % of the shorter side
 * rounded, at least 10 px, but never more than a quarter of the shorter side (so a marker fits)
 * and never less than 3 px.
 */
export function markerRadiusFor(width: number, height: number): number {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`image size must be positive integers, got ${width}×${height}`);
  }
  const side = Math.min(width, height);
  return Math.max(3, Math.min(Math.max(10, Math.round(side * 0.025)), Math.floor(side / 4)));
}

/** Outline width in px of a marker of the given radius: `max(2, round(radius / 8))`, at most the radius. */
export function markerOutlineFor(radius: number): number {
  return Math.min(Math.floor(radius), Math.max(2, Math.round(radius / 8)));
}

interface InkBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

function inkBox(mask: Uint8Array, w: number, h: number): InkBox | undefined {
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (mask[y * w + x] === 0) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  return x1 < 0 ? undefined : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** An RGB colour, channels 0-255. */
export type MarkerRgb = readonly [number, number, number];

/** Options of `drawMarker`. */
export interface MarkerStyle {
  /** Colour of the disk inside the outline; default white, as the reference draws it. */
  readonly fill?: MarkerRgb;
}

/**
 * Disk colours by label for `labelColouredFill`: light enough that the black digit stays
 * legible, far apart in hue so that a downscaled marker is told apart by colour alone.
 */
export const LABEL_MARKER_FILLS: readonly MarkerRgb[] = Object.freeze([
  Object.freeze([255, 96, 96]) as MarkerRgb,
  Object.freeze([96, 224, 96]) as MarkerRgb,
  Object.freeze([96, 160, 255]) as MarkerRgb,
  Object.freeze([255, 224, 64]) as MarkerRgb,
]);

/**
 * The disk colour of marker `label` (1, 2, …) in the label-coloured style: the n-th entry of
 * `LABEL_MARKER_FILLS`, cycling past the last.
 */
export function labelColouredFill(label: number): MarkerRgb {
  if (!Number.isInteger(label) || label < 1) throw new RangeError(`marker label must be an integer ≥ 1, got ${label}`);
  return LABEL_MARKER_FILLS[(label - 1) % LABEL_MARKER_FILLS.length];
}

/**
 * Draws a marker centred on pixel `(cx, cy)`: a disk of `radius` px (white unless `style.fill`
 * says otherwise) with a black outline (`markerOutlineFor(radius)` px) and `label` in black, its
 * ink centred on the disk and scaled as large as fits inside the outline. Disk edges are
 * anti-aliased with 4×4 supersampling in exact arithmetic, so output is the same everywhere.
 * Clipped to the image; mutates `img`.
 */
export function drawMarker(img: RgbImage, cx: number, cy: number, radius: number, label: string, style: MarkerStyle = {}): void {
  assertRgb(img);
  const fill = style.fill ?? WHITE;
  if (fill.length !== 3 || fill.some((c) => !Number.isInteger(c) || c < 0 || c > 255)) {
    throw new RangeError(`marker fill must be three integers in 0-255, got [${fill.join(', ')}]`);
  }
  if (!Number.isInteger(cx) || !Number.isInteger(cy)) {
    throw new RangeError(`marker centre must be integers, got (${cx}, ${cy})`);
  }
  if (!Number.isInteger(radius) || radius < 3) {
    throw new RangeError(`marker radius must be an integer ≥ 3 px, got ${radius}`);
  }
  const t = markerOutlineFor(radius);
  const inner = radius - t;
  const outer2 = radius * radius;
  const inner2 = inner * inner;
  const ox = cx + 0.5;
  const oy = cy + 0.5;
  const data = img.data;
  const x0 = Math.max(0, cx - radius - 1);
  const x1 = Math.min(img.width - 1, cx + radius + 1);
  const y0 = Math.max(0, cy - radius - 1);
  const y1 = Math.min(img.height - 1, cy + radius + 1);
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      let inOuter = 0;
      let inInner = 0;
      for (let sy = 0; sy < SUB; sy++) {
        const dy = y + (sy + 0.5) / SUB - oy;
        for (let sx = 0; sx < SUB; sx++) {
          const dx = x + (sx + 0.5) / SUB - ox;
          const d2 = dx * dx + dy * dy;
          if (d2 <= outer2) inOuter++;
          if (d2 <= inner2) inInner++;
        }
      }
      if (inOuter === 0) continue;
      const i = (y * img.width + x) * 3;
      const keep = SUB_SAMPLES - inOuter;
      for (let k = 0; k < 3; k++) {
        data[i + k] = Math.floor((data[i + k] * keep + fill[k] * inInner + SUB_SAMPLES / 2) / SUB_SAMPLES);
      }
    }
  }
  if (label === '') return;
  // The largest integer font scale whose ink box fits inside the outline (scale 1 at least).
  const fit = 0.9 * inner;
  const render = (scale: number) => {
    const m = textMask(label, scale * GLYPH_HEIGHT);
    return { mask: m.mask, w: m.width, box: inkBox(m.mask, m.width, m.height) };
  };
  const fits = (box: InkBox) => Math.hypot(box.width, box.height) / 2 <= fit;
  let scale = 1;
  while (true) {
    const larger = render(scale + 1).box;
    if (!larger || !fits(larger)) break;
    scale++;
  }
  const { mask, w, box } = render(scale);
  if (!box) return;
  const left = cx - Math.floor((box.width - 1) / 2);
  const top = cy - Math.floor((box.height - 1) / 2);
  for (let my = 0; my < box.height; my++) {
    const py = top + my;
    if (py < 0 || py >= img.height) continue;
    for (let mx = 0; mx < box.width; mx++) {
      const px = left + mx;
      if (px < 0 || px >= img.width || mask[(box.y + my) * w + box.x + mx] === 0) continue;
      const i = (py * img.width + px) * 3;
      data[i] = 0;
      data[i + 1] = 0;
      data[i + 2] = 0;
    }
  }
}
