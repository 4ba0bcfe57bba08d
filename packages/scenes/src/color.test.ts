import { describe, expect, it } from 'vitest';
import { ENCODE_LUT_MAX, ENCODE_LUT_SIZE, createEncodeLut, hsvToRgb, srgbToLinear } from './color.js';

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
