import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GLYPH_HEIGHT, GLYPH_ROWS, GLYPH_WIDTH } from './font-glyphs.js';
import { createRgb } from './raster.js';
import { drawText, fontScale, measureText, textMask } from './text.js';

const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('built-in font', () => {
  it('covers exactly printable ASCII with well-formed rows', () => {
    expect(Object.keys(GLYPH_ROWS).sort()).toEqual([...PRINTABLE].sort());
    for (const [ch, rows] of Object.entries(GLYPH_ROWS)) {
      const lines = rows === '' ? [] : rows.split(' ');
      expect(lines.length, ch).toBeLessThanOrEqual(GLYPH_HEIGHT);
      for (const line of lines) expect(line, ch).toMatch(new RegExp(`^[.#]{${GLYPH_WIDTH}}$`));
    }
  });

  it('renders every printable glyph with ink except space', () => {
    for (const ch of PRINTABLE) {
      const ink = textMask(ch, 9).mask.reduce((a, b) => a + b, 0);
      if (ch === ' ') expect(ink).toBe(0);
      else expect(ink, JSON.stringify(ch)).toBeGreaterThan(0);
    }
  });

  it('gives distinct shapes to every glyph', () => {
    const seen = new Map<string, string>();
    for (const ch of PRINTABLE) {
      const key = Array.from(textMask(ch, 9).mask).join('');
      expect(seen.get(key), `${ch} looks like ${seen.get(key)}`).toBeUndefined();
      seen.set(key, ch);
    }
  });

  it('reproduces the glyph rows at scale 1 and scales by nearest neighbour', () => {
    const one = textMask('A', 9);
    expect([one.width, one.height]).toEqual([5, 9]);
    const rows = GLYPH_ROWS.A.split(' ');
    for (let y = 0; y < 7; y++) {
      expect(Array.from(one.mask.subarray(y * 5, y * 5 + 5)).map((v) => (v ? '#' : '.')).join('')).toBe(rows[y]);
    }
    const three = textMask('A', 27);
    expect([three.width, three.height]).toEqual([15, 27]);
    for (let y = 0; y < 27; y++) {
      for (let x = 0; x < 15; x++) {
        expect(three.mask[y * 15 + x]).toBe(one.mask[Math.floor(y / 3) * 5 + Math.floor(x / 3)]);
      }
    }
  });
});

describe('measureText', () => {
  it('reports the scaled box', () => {
    expect(fontScale(8)).toBe(1);
    expect(fontScale(48)).toBe(5);
    expect(measureText('0', 48)).toEqual({ width: 25, height: 45 });
    expect(measureText('12', 18)).toEqual({ width: 22, height: 18 });
    expect(measureText('', 18)).toEqual({ width: 0, height: 18 });
  });

  it('rejects characters outside the font and bad heights', () => {
    expect(() => measureText('é', 12)).toThrow(/U\+00E9.*printable ASCII/);
    expect(() => measureText('a\nb', 12)).toThrow(/not in the built-in font/);
    expect(() => measureText('a', 0)).toThrow(/≥ 1 px/);
    expect(() => measureText('a', Number.NaN)).toThrow(RangeError);
  });
});

describe('drawText', () => {
  it('paints the mask in the ink colour at (x, y)', () => {
    const img = createRgb(12, 11, [9, 9, 9]);
    drawText(img, '1', 2, 1, { height: 9, color: [200, 10, 20] });
    const mask = textMask('1', 9);
    for (let y = 0; y < 11; y++) {
      for (let x = 0; x < 12; x++) {
        const inside = x >= 2 && x < 7 && y >= 1 && y < 10 && mask.mask[(y - 1) * 5 + (x - 2)] === 1;
        const px = Array.from(img.data.subarray((y * 12 + x) * 3, (y * 12 + x) * 3 + 3));
        expect(px).toEqual(inside ? [200, 10, 20] : [9, 9, 9]);
      }
    }
  });

  it('draws the outline as a dilation of the ink by a disk', () => {
    const img = createRgb(20, 20, [100, 100, 100]);
    drawText(img, '.', 5, 5, { height: 9, outline: 2 });
    // '.' ink at glyph rows 5-6, columns 1-2 → image (6..7, 10..11).
    const at = (x: number, y: number) => Array.from(img.data.subarray((y * 20 + x) * 3, (y * 20 + x) * 3 + 3));
    expect(at(6, 10)).toEqual([255, 255, 255]);
    expect(at(7, 11)).toEqual([255, 255, 255]);
    expect(at(4, 10)).toEqual([0, 0, 0]);
    expect(at(9, 11)).toEqual([0, 0, 0]);
    expect(at(6, 8)).toEqual([0, 0, 0]);
    expect(at(5, 9)).toEqual([0, 0, 0]);
    expect(at(4, 9)).toEqual([0, 0, 0]); // dx=2, dy=1: 5 ≤ r² + r
    expect(at(4, 8)).toEqual([100, 100, 100]); // dx=2, dy=2: 8 > 6
    expect(at(3, 10)).toEqual([100, 100, 100]);
    let outline = 0;
    for (let i = 0; i < img.data.length; i += 3) if (img.data[i] === 0) outline++;
    expect(outline).toBe(28);
  });

  it('clips at the image bounds', () => {
    const img = createRgb(4, 4);
    expect(() => drawText(img, 'W', -3, -5, { height: 18, outline: 2 })).not.toThrow();
    expect(() => drawText(img, 'W', 100, 100, { height: 18 })).not.toThrow();
    const full = createRgb(10, 20);
    drawText(full, 'W', 0, 0, { height: 18 });
    const clipped = createRgb(4, 4);
    drawText(clipped, 'W', -3, -5, { height: 18 });
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 4; x++) expect(clipped.data[(y * 4 + x) * 3]).toBe(full.data[((y + 5) * 10 + x + 3) * 3]);
    }
  });

  it('validates its arguments', () => {
    const img = createRgb(4, 4);
    expect(() => drawText(img, 'a', 0.5, 0, { height: 9 })).toThrow(/integers/);
    expect(() => drawText(img, 'a', 0, 0, { height: 9, outline: -1 })).toThrow(/outline/);
    expect(() => drawText(img, 'a', 0, 0, { height: 9, color: [0, 0, 300] })).toThrow(/text colour/);
  });

  it('renders a label byte-identically (golden hash)', () => {
    const img = createRgb(160, 40, [30, 90, 160]);
    drawText(img, 'Label 0-9 ABCD abcdgjpqy', 3, 4, { height: 18, outline: 2 });
    drawText(img, '3', 140, 8, { height: 27, color: [255, 255, 0], outline: 1, outlineColor: [0, 0, 255] });
    // Changes only when the font or the drawing code changes on purpose; outputs depend on it.
    expect(sha256(img.data)).toBe('1be74d35cb741f6b0611b74c4239d2b3a72d348474177f7114524643454f35f4');
  });
});
