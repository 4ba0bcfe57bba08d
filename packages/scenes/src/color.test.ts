import { describe, expect, it } from 'vitest';
import { ENCODE_LUT_MAX, ENCODE_LUT_SIZE, createEncodeLut, encodeChannel, encodeLut, encodeRow, hsvToRgb, srgbToLinear } from './color.js';

describe('colour conversions', () => {
  it('converts sRGB to linear light with the standard curve', () => {
    expect(srgbToLinear(0)).toBe(0);
    expect(srgbToLinear(255)).toBeCloseTo(1, 12);
    expect(srgbToLinear(10)).toBeCloseTo(10 / 255 / 12.92, 12);
    expect(srgbToLinear(128)).toBeCloseTo(0.2158605, 6);
  });

  it('encodes linear light back to sRGB monotonically, inverting srgbToLinear below the shoulder', () => {
    const lut = createEncodeLut();
    expect(lut.length).toBe(ENCODE_LUT_SIZE);
    for (let i = 1; i < lut.length; i++) expect(lut[i]).toBeGreaterThanOrEqual(lut[i - 1]);
    expect(lut[0]).toBe(0);
    expect(lut[lut.length - 1]).toBe(255);
    for (const c of [20, 64, 128, 180]) {
      const index = Math.round((srgbToLinear(c) / ENCODE_LUT_MAX) * (ENCODE_LUT_SIZE - 1));
      expect(Math.abs(lut[index] - c)).toBeLessThanOrEqual(1);
    }
  });

  it('converts HSV to sRGB', () => {
    expect(hsvToRgb(0, 1, 1)).toEqual([255, 0, 0]);
    expect(hsvToRgb(120, 1, 1)).toEqual([0, 255, 0]);
    expect(hsvToRgb(240, 1, 0.5)).toEqual([0, 0, 128]);
    expect(hsvToRgb(-60, 1, 1)).toEqual([255, 0, 255]);
    expect(hsvToRgb(400, 0, 0.2)).toEqual([51, 51, 51]);
  });
});

describe('row encoding', () => {
  it('encodes a span of linear colours through the lookup table, clamping out-of-range values', () => {
    const lut = encodeLut();
    expect(lut).toEqual(createEncodeLut());
    const rgb = Float64Array.from([0.5, 0.5, 0.5, -1, 0, 0.2, 0.04, 7, Number.NaN, 1, 1, 1]);
    const data = new Uint8Array(20).fill(9);
    encodeRow(data, 5, rgb, 1, 3);
    expect([...data.subarray(0, 8)]).toEqual([9, 9, 9, 9, 9, 9, 9, 9]);
    expect(data[8]).toBe(0);
    expect(data[9]).toBe(0);
    expect(data[10]).toBe(encodeChannel(lut, 0.2));
    expect(data[11]).toBe(lut[Math.floor((0.04 * (ENCODE_LUT_SIZE - 1)) / ENCODE_LUT_MAX)]);
    expect(data[12]).toBe(255);
    expect(data[13]).toBe(0);
    expect([...data.subarray(14)]).toEqual([9, 9, 9, 9, 9, 9]);
    expect(encodeChannel(lut, 0.5)).toBeGreaterThan(encodeChannel(lut, 0.2));
  });
});
