import { describe, expect, it } from 'vitest';
import {
  cloneRgb,
  cropDepth,
  cropRgb,
  depthValidFraction,
  drawBorder,
  fillRect,
  flipRgb,
  meanAbsDiff,
  pasteRgb,
  rgbEquals,
  rotate90,
  toGray,
} from './pixel-ops.js';
import { createRgb, type DepthMap, type RgbImage } from './raster.js';

// Pixel k of a w×h raster gets the colour (k, 100 + k, 200 + k) so every pixel is distinguishable.
function numbered(w: number, h: number): RgbImage {
  const img = createRgb(w, h);
  for (let k = 0; k < w * h; k++) img.data.set([k, 100 + k, 200 + k], k * 3);
  return img;
}

// The pixel indices (first channel) in raster order.
function ids(img: RgbImage): number[] {
  const out: number[] = [];
  for (let i = 0; i < img.data.length; i += 3) out.push(img.data[i]);
  return out;
}

describe('cropRgb', () => {
  it('copies the rectangle', () => {
    const out = cropRgb(numbered(4, 3), { x: 1, y: 1, width: 2, height: 2 });
    expect(out.width).toBe(2);
    expect(out.height).toBe(2);
    expect(ids(out)).toEqual([5, 6, 9, 10]);
    expect(Array.from(out.data.subarray(0, 3))).toEqual([5, 105, 205]);
  });

  it('rejects rectangles outside the image, empty or fractional', () => {
    const img = numbered(4, 3);
    expect(() => cropRgb(img, { x: 3, y: 0, width: 2, height: 1 })).toThrow(/outside the 4×3 image/);
    expect(() => cropRgb(img, { x: -1, y: 0, width: 1, height: 1 })).toThrow(RangeError);
    expect(() => cropRgb(img, { x: 0, y: 0, width: 0, height: 1 })).toThrow(/must not be empty/);
    expect(() => cropRgb(img, { x: 0.5, y: 0, width: 1, height: 1 })).toThrow(/rect.x must be an integer/);
  });

  it('rejects rasters whose buffer does not match their size', () => {
    expect(() => cropRgb({ width: 2, height: 2, data: new Uint8Array(5) }, { x: 0, y: 0, width: 1, height: 1 })).toThrow(
      /expected 12/,
    );
  });
});

describe('cropDepth', () => {
  it('copies values and validity', () => {
    const depth: DepthMap = {
      width: 3,
      height: 2,
      data: Float32Array.from([1, 2, 3, 4, 5, 6]),
      valid: Uint8Array.from([1, 0, 1, 1, 1, 0]),
    };
    const out = cropDepth(depth, { x: 1, y: 0, width: 2, height: 2 });
    expect(Array.from(out.data)).toEqual([2, 3, 5, 6]);
    expect(Array.from(out.valid)).toEqual([0, 1, 1, 0]);
    expect(() => cropDepth(depth, { x: 2, y: 0, width: 2, height: 1 })).toThrow(RangeError);
  });
});

describe('flipRgb', () => {
  it('turns the image upside-down for vertical', () => {
    expect(ids(flipRgb(numbered(3, 2), 'vertical'))).toEqual([3, 4, 5, 0, 1, 2]);
  });

  it('mirrors left-right for horizontal, keeping channel order', () => {
    const out = flipRgb(numbered(3, 2), 'horizontal');
    expect(ids(out)).toEqual([2, 1, 0, 5, 4, 3]);
    expect(Array.from(out.data.subarray(0, 3))).toEqual([2, 102, 202]);
  });

  it('rejects unknown directions', () => {
    expect(() => flipRgb(numbered(2, 2), 'diagonal' as 'vertical')).toThrow(/'vertical' or 'horizontal'/);
  });
});

describe('rotate90', () => {
  // 0 1 2
  // 3 4 5
  it('rotates clockwise', () => {
    const out = rotate90(numbered(3, 2), 'cw');
    expect([out.width, out.height]).toEqual([2, 3]);
    expect(ids(out)).toEqual([3, 0, 4, 1, 5, 2]);
  });

  it('rotates counter-clockwise', () => {
    const out = rotate90(numbered(3, 2), 'ccw');
    expect([out.width, out.height]).toEqual([2, 3]);
    expect(ids(out)).toEqual([2, 5, 1, 4, 0, 3]);
  });

  it('returns to the original after cw then ccw, and after four cw turns', () => {
    const img = numbered(5, 3);
    expect(rgbEquals(rotate90(rotate90(img, 'cw'), 'ccw'), img)).toBe(true);
    let r = img;
    for (let i = 0; i < 4; i++) r = rotate90(r, 'cw');
    expect(rgbEquals(r, img)).toBe(true);
  });
});

describe('pasteRgb', () => {
  it('copies a raster into place', () => {
    const dst = createRgb(4, 3);
    pasteRgb(dst, numbered(2, 2), 1, 1);
    expect(ids(dst)).toEqual([0, 0, 0, 0, 0, 0, 1, 0, 0, 2, 3, 0]);
  });

  it('clips at every edge', () => {
    const dst = createRgb(3, 3, [9, 9, 9]);
    pasteRgb(dst, numbered(2, 2), -1, -1);
    expect(ids(dst)).toEqual([3, 9, 9, 9, 9, 9, 9, 9, 9]);
    const dst2 = createRgb(3, 3, [9, 9, 9]);
    pasteRgb(dst2, numbered(2, 2), 2, 2);
    expect(ids(dst2)).toEqual([9, 9, 9, 9, 9, 9, 9, 9, 0]);
    const dst3 = createRgb(2, 2, [9, 9, 9]);
    pasteRgb(dst3, numbered(2, 2), 5, 0);
    expect(ids(dst3)).toEqual([9, 9, 9, 9]);
  });

  it('rejects fractional positions', () => {
    expect(() => pasteRgb(createRgb(2, 2), createRgb(1, 1), 0.5, 0)).toThrow(/x must be an integer/);
  });
});

describe('fillRect and drawBorder', () => {
  it('fills a rectangle clipped to the image', () => {
    const img = createRgb(3, 2);
    fillRect(img, { x: 1, y: -1, width: 5, height: 2 }, [7, 8, 9]);
    expect(ids(img)).toEqual([0, 7, 7, 0, 0, 0]);
    expect(Array.from(img.data.subarray(3, 6))).toEqual([7, 8, 9]);
  });

  it('draws the border inside the rectangle', () => {
    const img = createRgb(6, 6);
    drawBorder(img, { x: 0, y: 0, width: 6, height: 5 }, 2, [1, 1, 1]);
    const rows = [];
    for (let y = 0; y < 6; y++) rows.push(ids(img).slice(y * 6, y * 6 + 6).join(''));
    expect(rows).toEqual(['111111', '111111', '110011', '111111', '111111', '000000']);
  });

  it('fills the rect when the thickness reaches the middle', () => {
    const img = createRgb(3, 3);
    drawBorder(img, { x: 0, y: 0, width: 3, height: 3 }, 2, [5, 5, 5]);
    expect(ids(img)).toEqual([5, 5, 5, 5, 5, 5, 5, 5, 5]);
  });

  it('validates thickness and colour', () => {
    const img = createRgb(3, 3);
    expect(() => drawBorder(img, { x: 0, y: 0, width: 3, height: 3 }, 0, [0, 0, 0])).toThrow(/at least 1/);
    expect(() => fillRect(img, { x: 0, y: 0, width: 3, height: 3 }, [0, 0, 256])).toThrow(/0-255/);
    expect(() => fillRect(img, { x: 0, y: 0, width: -1, height: 3 }, [0, 0, 0])).toThrow(/non-negative/);
  });
});

describe('comparisons', () => {
  it('rgbEquals compares size and pixels', () => {
    const a = numbered(2, 2);
    const b = cloneRgb(a);
    expect(rgbEquals(a, b)).toBe(true);
    b.data[5] ^= 1;
    expect(rgbEquals(a, b)).toBe(false);
    expect(rgbEquals(a, numbered(4, 1))).toBe(false);
  });

  it('cloneRgb copies the buffer, also when it is a Node Buffer', () => {
    const a = numbered(2, 1);
    const b = cloneRgb(a);
    b.data[0] = 77;
    expect(a.data[0]).toBe(0);
    const fromBuffer = { width: 2, height: 1, data: Buffer.from(a.data) };
    const c = cloneRgb(fromBuffer);
    c.data[0] = 55;
    expect(fromBuffer.data[0]).toBe(0);
  });

  it('meanAbsDiff averages over every channel', () => {
    const a = createRgb(2, 1, [10, 10, 10]);
    const b = createRgb(2, 1, [10, 10, 10]);
    b.data.set([16, 4, 10], 0);
    expect(meanAbsDiff(a, b)).toBe(2);
    expect(meanAbsDiff(a, a)).toBe(0);
    expect(() => meanAbsDiff(a, createRgb(1, 2))).toThrow(/differ in size/);
  });

  it('toGray uses the Rec.601 weights', () => {
    const img = createRgb(3, 1);
    img.data.set([255, 0, 0, 0, 255, 0, 100, 100, 100]);
    const g = toGray(img);
    expect(g[0]).toBeCloseTo(76.245, 3);
    expect(g[1]).toBeCloseTo(149.685, 3);
    expect(g[2]).toBeCloseTo(100, 4);
  });

  it('depthValidFraction counts valid pixels', () => {
    const depth: DepthMap = { width: 2, height: 2, data: new Float32Array(4), valid: Uint8Array.from([1, 0, 0, 1]) };
    expect(depthValidFraction(depth)).toBe(0.5);
  });
});
