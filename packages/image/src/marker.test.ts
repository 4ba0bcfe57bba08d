import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { drawMarker, LABEL_MARKER_FILLS, labelColouredFill, markerOutlineFor, markerRadiusFor } from './marker.js';
import { createRgb, type RgbImage } from './raster.js';

function px(img: RgbImage, x: number, y: number): number[] {
  const i = (y * img.width + x) * 3;
  return Array.from(img.data.subarray(i, i + 3));
}

describe('markerRadiusFor', () => {
  it('is 2.5 % of the shorter side, at least 10 px, at most a quarter of it', () => {
    expect(markerRadiusFor(640, 480)).toBe(12);
    expect(markerRadiusFor(1600, 1064)).toBe(27);
    expect(markerRadiusFor(1024, 768)).toBe(19);
    expect(markerRadiusFor(200, 100)).toBe(10);
    expect(markerRadiusFor(30, 30)).toBe(7);
    expect(markerRadiusFor(8, 8)).toBe(3);
    expect(() => markerRadiusFor(0, 10)).toThrow(RangeError);
  });

  it('has an outline of at least 2 px growing with the radius', () => {
    expect(markerOutlineFor(10)).toBe(2);
    expect(markerOutlineFor(27)).toBe(3);
    expect(markerOutlineFor(40)).toBe(5);
  });
});

describe('drawMarker', () => {
  it('draws a white disk, a black ring and a black centred label', () => {
    const bg = [40, 120, 200];
    const img = createRgb(61, 61, bg as [number, number, number]);
    drawMarker(img, 30, 30, 20, '1');
    // Far outside: untouched.
    expect(px(img, 0, 0)).toEqual(bg);
    expect(px(img, 30, 8)).toEqual(bg);
    // On the ring (outline 3 px, radius 20): black.
    expect(px(img, 30, 11)).toEqual([0, 0, 0]);
    expect(px(img, 49, 30)).toEqual([0, 0, 0]);
    // Inside the disk, away from the label: white.
    expect(px(img, 30, 16)).toEqual([255, 255, 255]);
    expect(px(img, 16, 30)).toEqual([255, 255, 255]);
    // The label's ink is black and centred: its bounding box centre is the marker centre.
    let x0 = 61;
    let x1 = -1;
    let y0 = 61;
    let y1 = -1;
    for (let y = 16; y <= 44; y++) {
      for (let x = 16; x <= 44; x++) {
        if (px(img, x, y)[0] !== 0) continue;
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
    expect(x1).toBeGreaterThan(x0);
    expect(Math.abs((x0 + x1) / 2 - 30)).toBeLessThanOrEqual(0.5);
    expect(Math.abs((y0 + y1) / 2 - 30)).toBeLessThanOrEqual(0.5);
  });

  it('is symmetric without a label and anti-aliases the edge with intermediate values', () => {
    const img = createRgb(41, 41, [0, 0, 255]);
    drawMarker(img, 20, 20, 12, '');
    for (let y = 0; y < 41; y++) {
      for (let x = 0; x < 41; x++) {
        expect(px(img, x, y)).toEqual(px(img, 40 - x, y));
        expect(px(img, x, y)).toEqual(px(img, y, x));
      }
    }
    const edge = px(img, 20, 8);
    expect(edge[2]).toBeGreaterThan(0);
    expect(edge[2]).toBeLessThan(255);
  });

  it('clips at the image bounds and is deterministic', () => {
    const a = createRgb(30, 20, [10, 20, 30]);
    drawMarker(a, 2, 3, 10, '3');
    drawMarker(a, 29, 19, 10, '2');
    const b = createRgb(30, 20, [10, 20, 30]);
    drawMarker(b, 2, 3, 10, '3');
    drawMarker(b, 29, 19, 10, '2');
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
  });

  it('renders byte-identically (golden hash)', () => {
    const img = createRgb(120, 60, [128, 128, 128]);
    drawMarker(img, 20, 30, 12, '1');
    drawMarker(img, 60, 30, 19, '2');
    drawMarker(img, 100, 30, 10, '3');
    // Changes only when the marker or font drawing changes on purpose.
    expect(createHash('sha256').update(img.data).digest('hex')).toBe('a190f55d26716f8c7bb31ad74087fc2a6961bb73df4b7224a62545da2d3393d7');
  });

  it('fills the disk with the given colour and leaves ring, label and surroundings as the white marker has them', () => {
    const white = createRgb(61, 61, [40, 120, 200]);
    const red = createRgb(61, 61, [40, 120, 200]);
    drawMarker(white, 30, 30, 20, '2');
    drawMarker(red, 30, 30, 20, '2', { fill: [255, 96, 96] });
    expect(px(red, 30, 16)).toEqual([255, 96, 96]);
    expect(px(red, 30, 11)).toEqual([0, 0, 0]);
    expect(px(red, 0, 0)).toEqual([40, 120, 200]);
    // Only pixels covered by the disk's interior change, and every black label pixel stays black.
    for (let i = 0; i < white.data.length; i += 3) {
      const w = Array.from(white.data.subarray(i, i + 3));
      const r = Array.from(red.data.subarray(i, i + 3));
      if (w[0] === 0 && w[1] === 0 && w[2] === 0) expect(r).toEqual([0, 0, 0]);
      if (w[0] === 255 && w[1] === 255 && w[2] === 255) expect(r).toEqual([255, 96, 96]);
    }
    // The default fill is white: passing it explicitly changes nothing.
    const explicit = createRgb(61, 61, [40, 120, 200]);
    drawMarker(explicit, 30, 30, 20, '2', { fill: [255, 255, 255] });
    expect(explicit.data).toEqual(white.data);
  });

  it('colours labels 1, 2, 3, … by a fixed palette', () => {
    expect(labelColouredFill(1)).toEqual(LABEL_MARKER_FILLS[0]);
    expect(labelColouredFill(3)).toEqual(LABEL_MARKER_FILLS[2]);
    expect(labelColouredFill(LABEL_MARKER_FILLS.length + 1)).toEqual(LABEL_MARKER_FILLS[0]);
    expect(new Set(LABEL_MARKER_FILLS.map((c) => c.join())).size).toBe(LABEL_MARKER_FILLS.length);
    expect(() => labelColouredFill(0)).toThrow(/≥ 1/);
  });

  it('validates its arguments', () => {
    const img = createRgb(10, 10);
    expect(() => drawMarker(img, 5, 5, 4, '1', { fill: [256, 0, 0] })).toThrow(/0-255/);
    expect(() => drawMarker(img, 1.5, 2, 5, '1')).toThrow(/integers/);
    expect(() => drawMarker(img, 1, 2, 2, '1')).toThrow(/≥ 3/);
    expect(() => drawMarker(img, 1, 2, 5, 'ü')).toThrow(/not in the built-in font/);
  });
});
