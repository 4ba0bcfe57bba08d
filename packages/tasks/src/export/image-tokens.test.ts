import { describe, expect, it } from 'vitest';
import { imagePadTokens, imagePromptTokens, imageTokenSettings, smartResize } from './image-tokens.js';

const q25 = imageTokenSettings('qwen2.5-vl');
const q3 = imageTokenSettings('qwen3-vl');

describe('Qwen image-token counts', () => {
  it('uses patch 14 / 16, merge 2 and the processors’ pixel bounds', () => {
    expect(q25).toEqual({ patchSize: 14, mergeSize: 2, minPixels: 3136, maxPixels: 12845056 });
    expect(q3).toEqual({ patchSize: 16, mergeSize: 2, minPixels: 65536, maxPixels: 16777216 });
  });

  it('rounds each side to the nearest multiple of patch × merge', () => {
    // 640/28 = 22.86 → 23, 480/28 = 17.14 → 17
    expect(smartResize(640, 480, q25)).toEqual({ width: 644, height: 476 });
    expect(imagePadTokens(640, 480, q25)).toBe(23 * 17);
    expect(imagePromptTokens(640, 480, q25)).toBe(23 * 17 + 2);
    // 640/32 = 20, 480/32 = 15
    expect(imagePadTokens(640, 480, q3)).toBe(300);
  });

  it('rounds halves to even, as Python does', () => {
    // 42/28 = 1.5 → 2 (even), 70/28 = 2.5 → 2 (even)
    expect(smartResize(42, 70, q25)).toEqual({ width: 56, height: 56 });
  });

  it('scales down to the largest area and up to the smallest, flooring and ceiling to the factor', () => {
    // Reference values from Python's smart_resize: 4000×3000 fits (rounded only); 8000×6000 is scaled down.
    expect(smartResize(4000, 3000, q25)).toEqual({ width: 4004, height: 2996 });
    const big = smartResize(8000, 6000, q25);
    expect(big.width * big.height).toBeLessThanOrEqual(q25.maxPixels);
    expect(big).toEqual({ width: 4116, height: 3080 });
    // 100×100 is below Qwen3-VL's 65,536 px: scaled by sqrt(6.5536) = 2.56 → 256, ceiled to 256
    expect(smartResize(100, 100, q3)).toEqual({ width: 256, height: 256 });
    const capped = imageTokenSettings('qwen2.5-vl', { maxPixels: 1280 * 28 * 28 });
    expect(imagePadTokens(4000, 3000, capped)).toBeLessThanOrEqual(1280);
  });

  it('never goes below one token per side and refuses aspect ratios above 200', () => {
    expect(smartResize(10, 10, q25)).toEqual({ width: 56, height: 56 });
    expect(() => smartResize(4020, 20, q25)).toThrow(/aspect ratio/);
  });

  it('rejects impossible pixel bounds', () => {
    expect(() => imageTokenSettings('qwen2.5-vl', { minPixels: 10_000, maxPixels: 5_000 })).toThrow(/above maxPixels/);
    expect(() => imageTokenSettings('qwen3-vl', { maxPixels: 100 })).toThrow(/maxPixels/);
  });
});
