import type { DepthMap, Rect, Rgb, RgbImage } from './raster.js';

function assertInteger(name: string, value: number): void {
  if (!Number.isInteger(value)) throw new RangeError(`${name} must be an integer, got ${value}`);
}

function assertColor(color: Rgb): void {
  if (color.length !== 3 || color.some((c) => !Number.isInteger(c) || c < 0 || c > 255)) {
    throw new RangeError(`colour must be three integers 0-255, got [${color.join(', ')}]`);
  }
}

function assertRectFields(rect: Rect): void {
  assertInteger('rect.x', rect.x);
  assertInteger('rect.y', rect.y);
  assertInteger('rect.width', rect.width);
  assertInteger('rect.height', rect.height);
  if (rect.width < 0 || rect.height < 0) {
    throw new RangeError(`rect size must be non-negative, got ${rect.width}×${rect.height}`);
  }
}

function assertRectInside(rect: Rect, width: number, height: number): void {
  assertRectFields(rect);
  if (rect.width === 0 || rect.height === 0) {
    throw new RangeError(`rect must not be empty, got ${rect.width}×${rect.height}`);
  }
  if (rect.x < 0 || rect.y < 0 || rect.x + rect.width > width || rect.y + rect.height > height) {
    throw new RangeError(
      `rect (${rect.x},${rect.y}) ${rect.width}×${rect.height} lies outside the ${width}×${height} image`,
    );
  }
}

/** Checks that a raster's size and buffer agree; throws a RangeError naming the mismatch. */
export function assertRgb(img: RgbImage): void {
  if (!Number.isInteger(img.width) || !Number.isInteger(img.height) || img.width <= 0 || img.height <= 0) {
    throw new RangeError(`image size must be positive integers, got ${img.width}×${img.height}`);
  }
  if (img.data.length !== img.width * img.height * 3) {
    throw new RangeError(
      `image data has ${img.data.length} bytes, expected ${img.width * img.height * 3} for ${img.width}×${img.height} RGB`,
    );
  }
}

/** Returns a copy of a raster with its own buffer. */
export function cloneRgb(img: RgbImage): RgbImage {
  assertRgb(img);
  return { width: img.width, height: img.height, data: new Uint8Array(img.data) };
}

/** Copies the pixels inside `rect` (which must lie fully inside the image) into a new raster. */
export function cropRgb(img: RgbImage, rect: Rect): RgbImage {
  assertRgb(img);
  assertRectInside(rect, img.width, img.height);
  const out = new Uint8Array(rect.width * rect.height * 3);
  const rowBytes = rect.width * 3;
  for (let y = 0; y < rect.height; y++) {
    const from = ((rect.y + y) * img.width + rect.x) * 3;
    out.set(img.data.subarray(from, from + rowBytes), y * rowBytes);
  }
  return { width: rect.width, height: rect.height, data: out };
}

/** Copies the depth values and validity inside `rect` (which must lie fully inside the map). */
export function cropDepth(depth: DepthMap, rect: Rect): DepthMap {
  assertRectInside(rect, depth.width, depth.height);
  const data = new Float32Array(rect.width * rect.height);
  const valid = new Uint8Array(rect.width * rect.height);
  for (let y = 0; y < rect.height; y++) {
    const from = (rect.y + y) * depth.width + rect.x;
    data.set(depth.data.subarray(from, from + rect.width), y * rect.width);
    valid.set(depth.valid.subarray(from, from + rect.width), y * rect.width);
  }
  return { width: rect.width, height: rect.height, data, valid };
}

/** Mirrors a raster: `vertical` turns it upside-down (rows reversed), `horizontal` mirrors left-right. */
export function flipRgb(img: RgbImage, direction: 'vertical' | 'horizontal'): RgbImage {
  assertRgb(img);
  const { width, height, data } = img;
  const out = new Uint8Array(data.length);
  const rowBytes = width * 3;
  if (direction === 'vertical') {
    for (let y = 0; y < height; y++) {
      const from = (height - 1 - y) * rowBytes;
      out.set(data.subarray(from, from + rowBytes), y * rowBytes);
    }
  } else if (direction === 'horizontal') {
    for (let y = 0; y < height; y++) {
      const row = y * rowBytes;
      for (let x = 0; x < width; x++) {
        const s = row + (width - 1 - x) * 3;
        const d = row + x * 3;
        out[d] = data[s];
        out[d + 1] = data[s + 1];
        out[d + 2] = data[s + 2];
      }
    }
  } else {
    throw new RangeError(`flip direction must be 'vertical' or 'horizontal', got ${String(direction)}`);
  }
  return { width, height, data: out };
}

/** Rotates a raster by 90° clockwise (`cw`) or counter-clockwise (`ccw`); width and height swap. */
export function rotate90(img: RgbImage, direction: 'cw' | 'ccw'): RgbImage {
  assertRgb(img);
  if (direction !== 'cw' && direction !== 'ccw') {
    throw new RangeError(`rotation direction must be 'cw' or 'ccw', got ${String(direction)}`);
  }
  const { width: w, height: h, data } = img;
  const out = new Uint8Array(data.length);
  // Output is h wide and w tall; walk the source once and scatter each pixel.
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (y * w + x) * 3;
      const ox = direction === 'cw' ? h - 1 - y : y;
      const oy = direction === 'cw' ? x : w - 1 - x;
      const d = (oy * h + ox) * 3;
      out[d] = data[s];
      out[d + 1] = data[s + 1];
      out[d + 2] = data[s + 2];
    }
  }
  return { width: h, height: w, data: out };
}

/** Copies `src` into `dst` with its top-left at `(x, y)` (integers, may be negative); parts outside `dst` are dropped. Mutates `dst`. */
export function pasteRgb(dst: RgbImage, src: RgbImage, x: number, y: number): void {
  assertRgb(dst);
  assertRgb(src);
  assertInteger('x', x);
  assertInteger('y', y);
  const x0 = Math.max(0, x);
  const y0 = Math.max(0, y);
  const x1 = Math.min(dst.width, x + src.width);
  const y1 = Math.min(dst.height, y + src.height);
  if (x1 <= x0 || y1 <= y0) return;
  const bytes = (x1 - x0) * 3;
  for (let row = y0; row < y1; row++) {
    const from = ((row - y) * src.width + (x0 - x)) * 3;
    dst.data.set(src.data.subarray(from, from + bytes), (row * dst.width + x0) * 3);
  }
}

function fillClipped(img: RgbImage, x0: number, y0: number, x1: number, y1: number, color: Rgb): void {
  const cx0 = Math.max(0, x0);
  const cy0 = Math.max(0, y0);
  const cx1 = Math.min(img.width, x1);
  const cy1 = Math.min(img.height, y1);
  const [r, g, b] = color;
  const data = img.data;
  for (let y = cy0; y < cy1; y++) {
    let i = (y * img.width + cx0) * 3;
    for (let x = cx0; x < cx1; x++, i += 3) {
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
    }
  }
}

/** Paints `rect` with one colour, clipped to the image. Mutates `img`. */
export function fillRect(img: RgbImage, rect: Rect, color: Rgb): void {
  assertRgb(img);
  assertRectFields(rect);
  assertColor(color);
  fillClipped(img, rect.x, rect.y, rect.x + rect.width, rect.y + rect.height, color);
}

/**
 * Draws a frame `thickness` px wide (integer ≥ 1) along the inside of `rect`, clipped to the image;
 * a thickness of half the shorter side or more fills the rect. Mutates `img`.
 */
export function drawBorder(img: RgbImage, rect: Rect, thickness: number, color: Rgb): void {
  assertRgb(img);
  assertRectFields(rect);
  assertColor(color);
  assertInteger('thickness', thickness);
  if (thickness < 1) throw new RangeError(`border thickness must be at least 1, got ${thickness}`);
  const { x, y, width, height } = rect;
  const t = Math.min(thickness, width, height);
  fillClipped(img, x, y, x + width, y + t, color);
  fillClipped(img, x, y + height - t, x + width, y + height, color);
  fillClipped(img, x, y, x + t, y + height, color);
  fillClipped(img, x + width - t, y, x + width, y + height, color);
}

/** Whether two rasters have the same size and identical pixels. */
export function rgbEquals(a: RgbImage, b: RgbImage): boolean {
  if (a.width !== b.width || a.height !== b.height || a.data.length !== b.data.length) return false;
  const da = a.data;
  const db = b.data;
  for (let i = 0; i < da.length; i++) if (da[i] !== db[i]) return false;
  return true;
}

/** Mean absolute difference over every channel of two same-size rasters, 0-255. */
export function meanAbsDiff(a: RgbImage, b: RgbImage): number {
  assertRgb(a);
  assertRgb(b);
  if (a.width !== b.width || a.height !== b.height) {
    throw new RangeError(`images differ in size: ${a.width}×${a.height} vs ${b.width}×${b.height}`);
  }
  let sum = 0;
  const da = a.data;
  const db = b.data;
  for (let i = 0; i < da.length; i++) sum += Math.abs(da[i] - db[i]);
  return sum / da.length;
}

/** Luma per pixel with the Rec.601 weights `0.299 R + 0.587 G + 0.114 B`, 0-255, row-major. */
export function toGray(img: RgbImage): Float32Array {
  assertRgb(img);
  const n = img.width * img.height;
  const out = new Float32Array(n);
  const d = img.data;
  for (let i = 0, j = 0; i < n; i++, j += 3) out[i] = 0.299 * d[j] + 0.587 * d[j + 1] + 0.114 * d[j + 2];
  return out;
}

/** Fraction of depth pixels marked valid, 0-1. */
export function depthValidFraction(depth: DepthMap): number {
  let n = 0;
  const v = depth.valid;
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) n++;
  return v.length === 0 ? 0 : n / v.length;
}
