import { GLYPH_ADVANCE, GLYPH_HEIGHT, GLYPH_ROWS, GLYPH_WIDTH } from './font-glyphs.js';
import { assertRgb } from './pixel-ops.js';
import type { Rgb, RgbImage } from './raster.js';

/** A rendered text coverage mask: `mask[y * width + x] === 1` where ink is. */
export interface TextMask {
  readonly width: number;
  readonly height: number;
  readonly mask: Uint8Array;
}

/** Options of `drawText`. */
export interface DrawTextOptions {
  /** Requested line height in px (≥ 1); the font is scaled by `max(1, floor(height / 9))`. */
  readonly height: number;
  /** Ink colour, white by default. */
  readonly color?: Rgb;
  /** Outline width in px (integer ≥ 0, default 0), drawn around the ink, also outside the text box. */
  readonly outline?: number;
  /** Outline colour, black by default. */
  readonly outlineColor?: Rgb;
}

let glyphCache: Map<string, Uint8Array> | undefined;

function glyph(ch: string): Uint8Array {
  glyphCache ??= new Map();
  const cached = glyphCache.get(ch);
  if (cached) return cached;
  const rows = GLYPH_ROWS[ch];
  if (rows === undefined) {
    const code = ch.codePointAt(0) ?? 0;
    throw new RangeError(
      `character ${JSON.stringify(ch)} (U+${code.toString(16).toUpperCase().padStart(4, '0')}) is not in the built-in font (printable ASCII 32-126)`,
    );
  }
  const bits = new Uint8Array(GLYPH_WIDTH * GLYPH_HEIGHT);
  const lines = rows === '' ? [] : rows.split(' ');
  lines.forEach((line, y) => {
    for (let x = 0; x < GLYPH_WIDTH; x++) if (line[x] === '#') bits[y * GLYPH_WIDTH + x] = 1;
  });
  glyphCache.set(ch, bits);
  return bits;
}

/** The integer factor the 5×9 font is scaled by for a requested line height in px (≥ 1). */
export function fontScale(height: number): number {
  if (!Number.isFinite(height) || height < 1) {
    throw new RangeError(`text height must be a finite number ≥ 1 px, got ${height}`);
  }
  return Math.max(1, Math.floor(height / GLYPH_HEIGHT));
}

function checkText(text: string): void {
  for (const ch of text) glyph(ch);
}

/**
 * Size in px of `text` drawn at a requested line height: `height` is `9 · scale` and `width` is
 * `(6 · chars − 1) · scale` (0 for an empty string), with `scale = max(1, floor(height / 9))`.
 */
export function measureText(text: string, height: number): { width: number; height: number } {
  const s = fontScale(height);
  checkText(text);
  const n = [...text].length;
  return { width: n === 0 ? 0 : (n * GLYPH_ADVANCE - 1) * s, height: GLYPH_HEIGHT * s };
}

/** Renders `text` into a coverage mask of the size `measureText` reports. */
export function textMask(text: string, height: number): TextMask {
  const s = fontScale(height);
  const size = measureText(text, height);
  const mask = new Uint8Array(size.width * size.height);
  let cx = 0;
  for (const ch of text) {
    const g = glyph(ch);
    for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
      for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
        if (g[gy * GLYPH_WIDTH + gx] === 0) continue;
        for (let dy = 0; dy < s; dy++) {
          const row = (gy * s + dy) * size.width + cx + gx * s;
          mask.fill(1, row, row + s);
        }
      }
    }
    cx += GLYPH_ADVANCE * s;
  }
  return { width: size.width, height: size.height, mask };
}

function paintMask(img: RgbImage, mask: Uint8Array, mw: number, mh: number, x: number, y: number, value: number, color: Rgb): void {
  const x0 = Math.max(0, -x);
  const y0 = Math.max(0, -y);
  const x1 = Math.min(mw, img.width - x);
  const y1 = Math.min(mh, img.height - y);
  const data = img.data;
  for (let my = y0; my < y1; my++) {
    for (let mx = x0; mx < x1; mx++) {
      if (mask[my * mw + mx] !== value) continue;
      const i = ((y + my) * img.width + x + mx) * 3;
      data[i] = color[0];
      data[i + 1] = color[1];
      data[i + 2] = color[2];
    }
  }
}

function assertColor(name: string, color: Rgb): void {
  if (color.length !== 3 || color.some((c) => !Number.isInteger(c) || c < 0 || c > 255)) {
    throw new RangeError(`${name} must be three integers 0-255, got [${color.join(', ')}]`);
  }
}

/**
 * Draws `text` with the built-in font, its text box's top-left at `(x, y)` (integers, px), clipped
 * to the image. An outline of `outline` px is the glyph mask dilated by a disk (offsets with
 * `dx² + dy² ≤ r² + r`) painted in `outlineColor` under the ink. Mutates `img`.
 */
export function drawText(img: RgbImage, text: string, x: number, y: number, options: DrawTextOptions): void {
  assertRgb(img);
  if (!Number.isInteger(x) || !Number.isInteger(y)) {
    throw new RangeError(`text position must be integers, got (${x}, ${y})`);
  }
  const color = options.color ?? [255, 255, 255];
  const outlineColor = options.outlineColor ?? [0, 0, 0];
  const r = options.outline ?? 0;
  assertColor('text colour', color);
  assertColor('outline colour', outlineColor);
  if (!Number.isInteger(r) || r < 0) throw new RangeError(`outline must be an integer ≥ 0 px, got ${r}`);
  const { width: w, height: h, mask } = textMask(text, options.height);
  if (w === 0) return;
  if (r === 0) {
    paintMask(img, mask, w, h, x, y, 1, color);
    return;
  }
  const dw = w + 2 * r;
  const dh = h + 2 * r;
  // 0 = empty, 1 = ink, 2 = outline only.
  const layered = new Uint8Array(dw * dh);
  const offsets: number[] = [];
  for (let dy = -r; dy <= r; dy++) {
    for (let dx = -r; dx <= r; dx++) if (dx * dx + dy * dy <= r * r + r) offsets.push(dy * dw + dx);
  }
  for (let my = 0; my < h; my++) {
    for (let mx = 0; mx < w; mx++) {
      if (mask[my * w + mx] === 0) continue;
      const centre = (my + r) * dw + mx + r;
      for (const o of offsets) if (layered[centre + o] === 0) layered[centre + o] = 2;
      layered[centre] = 1;
    }
  }
  paintMask(img, layered, dw, dh, x - r, y - r, 2, outlineColor);
  paintMask(img, layered, dw, dh, x - r, y - r, 1, color);
}
