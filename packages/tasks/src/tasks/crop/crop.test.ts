import { cropRgb, resizeBilinear, rgbEquals, rotate90 } from '@spatial-ssrl/image';
import { describe, expect, it } from 'vitest';
import { describeTask } from '../../testing/index.js';
import { createRng } from '@spatial-ssrl/spec';
import { isRejection, type TaskSample } from '../../task.js';
import { inRect, inputOf, pixel, texturedRgb } from '../__fixtures__/inputs.js';
import { verifyCrop, verifyMirroredCrop } from '../__fixtures__/verify.js';
import { labelBox, PATCH_BORDER_WIDTH } from '../patch-style.js';
import { CROP_PROMPT, cropParams, cropTask, type CropMeta } from './crop.js';
import { DISTRACTOR_TRANSFORMS, renderOption } from './crop-options.js';

describeTask(cropTask, { params: { layout: 'composite' }, samples: 120 });

const separate = cropParams.parse({});
const composite = cropParams.parse({ layout: 'composite' });

function sampleOf(seed: number, params = separate, rgb = texturedRgb(197, 151, 8)): TaskSample {
  const r = cropTask.generate(inputOf(rgb), params, createRng(seed));
  if (isRejection(r)) throw new Error(`unexpected rejection ${r.code}`);
  return r;
}

describe('crop prompt', () => {
  it('keeps the reference wording with its numbered placeholders for the five images', () => {
    expect(sampleOf(1).prompt).toBe(CROP_PROMPT);
    expect(CROP_PROMPT).toBe(
      "Which image is the missing part in the first image <image1>? Based on visual clues such as alignment, image content, and positional relationship, select one of the four options <image2><image3><image4><image5> as the final answer. The final answer should be chosen from 'A', 'B', 'C', and 'D'.",
    );
    expect(sampleOf(1, composite).prompt.startsWith('<image>')).toBe(true);
  });
});

describe('crop faithfulness (separate images)', () => {
  it('puts the raw crop at the answer letter, black in the hole and the source everywhere else', () => {
    const rgb = texturedRgb(197, 151, 8);
    for (let seed = 0; seed < 30; seed++) {
      const sample = sampleOf(seed, separate, rgb);
      const meta = sample.meta as unknown as CropMeta;
      expect(verifyCrop(sample, rgb)).toEqual([]);
      const side = Math.floor(Math.min(197, 151) / 2);
      expect(meta.hole.width).toBe(side);
      expect(meta.hole.x + side).toBeLessThanOrEqual(197);
      expect(meta.hole.y + side).toBeLessThanOrEqual(151);
      expect(sample.images.map((i) => i.name)).toEqual(['masked', 'option-a', 'option-b', 'option-c', 'option-d']);
      const slot = 'ABCD'.indexOf(sample.answer);
      expect(rgbEquals(sample.images[1 + slot].image, cropRgb(rgb, meta.hole))).toBe(true);
      const masked = sample.images[0].image;
      let bad = 0;
      for (let y = 0; y < 151; y++) {
        for (let x = 0; x < 197; x++) {
          const expected = inRect(meta.hole, x, y) ? '0,0,0' : pixel(rgb, x, y).join();
          if (pixel(masked, x, y).join() !== expected) bad++;
        }
      }
      expect(bad).toBe(0);
      const transforms = meta.options.map((o) => o.transform);
      expect(transforms[slot]).toBe('original');
      expect(transforms.filter((t) => t === 'original')).toHaveLength(1);
      expect(new Set(transforms).size).toBe(4);
      meta.options.forEach((o, k) => {
        expect(o.letter).toBe('ABCD'[k]);
        const img = sample.images[1 + k].image;
        expect([img.width, img.height]).toEqual([side, side]);
        expect(rgbEquals(img, renderOption(rgb, meta.hole, o.transform))).toBe(true);
      });
    }
  });

  it('uses every distractor transform and every slot', () => {
    const transforms = new Map<string, number>();
    const letters = new Map<string, number>();
    for (let seed = 0; seed < 400; seed++) {
      const meta = sampleOf(seed).meta as unknown as CropMeta;
      letters.set(meta.answer, (letters.get(meta.answer) ?? 0) + 1);
      for (const o of meta.options) transforms.set(o.transform, (transforms.get(o.transform) ?? 0) + 1);
    }
    expect([...letters.keys()].sort()).toEqual(['A', 'B', 'C', 'D']);
    for (const t of DISTRACTOR_TRANSFORMS) {
      // Each distractor appears in 3/5 of samples: 240 of 400 expected.
      expect(transforms.get(t)).toBeGreaterThan(190);
      expect(transforms.get(t)).toBeLessThan(290);
    }
  });
});

describe('crop options', () => {
  const rgb = texturedRgb(160, 120, 3);
  const hole = { x: 10, y: 20, width: 60, height: 60 };
  const crop = cropRgb(rgb, hole);

  it('renders rotations and the zoomed central half of the crop', () => {
    expect(rgbEquals(renderOption(rgb, hole, 'rotate-ccw'), rotate90(crop, 'ccw'))).toBe(true);
    expect(rgbEquals(renderOption(rgb, hole, 'rotate-cw'), rotate90(crop, 'cw'))).toBe(true);
    const interior = resizeBilinear(cropRgb(crop, { x: 15, y: 15, width: 30, height: 30 }), 60, 60);
    expect(rgbEquals(renderOption(rgb, hole, 'interior'), interior)).toBe(true);
  });

  it('grows the context by side/4 and side/2, clamped to the image', () => {
    const c1 = resizeBilinear(cropRgb(rgb, { x: 0, y: 5, width: 85, height: 90 }), 60, 60);
    expect(rgbEquals(renderOption(rgb, hole, 'context-1'), c1)).toBe(true);
    const c2 = resizeBilinear(cropRgb(rgb, { x: 0, y: 0, width: 100, height: 110 }), 60, 60);
    expect(rgbEquals(renderOption(rgb, hole, 'context-2'), c2)).toBe(true);
  });
});

describe('crop composite layout', () => {
  it('tiles the masked image and labelled options into one image, the answer tile holding the raw crop', () => {
    const rgb = texturedRgb(197, 151, 8);
    for (let seed = 0; seed < 10; seed++) {
      const sample = sampleOf(seed, composite, rgb);
      const meta = sample.meta as unknown as CropMeta;
      expect(sample.images).toHaveLength(1);
      expect(verifyCrop(sample, rgb)).toEqual([]);
      const img = sample.images[0].image;
      const layout = meta.composite!;
      expect([img.width, img.height]).toEqual([layout.width, layout.height]);
      const slot = 'ABCD'.indexOf(sample.answer);
      const tile = layout.options[slot];
      const raw = cropRgb(rgb, meta.hole);
      const label = labelBox(tile, sample.answer);
      let bad = 0;
      let compared = 0;
      for (let y = PATCH_BORDER_WIDTH; y < tile.height - PATCH_BORDER_WIDTH; y++) {
        for (let x = PATCH_BORDER_WIDTH; x < tile.width - PATCH_BORDER_WIDTH; x++) {
          if (inRect(label, tile.x + x, tile.y + y)) continue;
          compared++;
          if (pixel(img, tile.x + x, tile.y + y).join() !== pixel(raw, x, y).join()) bad++;
        }
      }
      expect(bad).toBe(0);
      expect(compared).toBeGreaterThan(4000);
      expect(pixel(img, meta.hole.x + 5, meta.hole.y + 5)).toEqual([0, 0, 0]);
      expect(pixel(img, meta.hole.x + meta.hole.width - 1, meta.hole.y + meta.hole.height - 1)).toEqual([0, 0, 0]);
    }
  });
});

describe('crop rejections', () => {
  it('rejects images too small for the minimum hole', () => {
    const r = cropTask.generate(inputOf(texturedRgb(63, 300)), separate, createRng(1));
    expect(isRejection(r) && r.code).toBe('image-too-small');
  });

  it('rejects a flat image whose options are all the same (indistinct-options)', () => {
    const flat = { width: 100, height: 100, data: new Uint8Array(100 * 100 * 3).fill(200) };
    const r = cropTask.generate(inputOf(flat), separate, createRng(1));
    expect(isRejection(r) && r.code).toBe('indistinct-options');
  });
});

describe('crop under a left-right mirror', () => {
  it('keeps the letter: the mirrored crop is the right option of the mirrored images', () => {
    const rgb = texturedRgb(197, 151, 8);
    for (let seed = 0; seed < 12; seed++) {
      const s = sampleOf(seed, separate, rgb);
      const mirrored = cropTask.mirrorAnswer!({ variant: s.variant, answer: s.answer, meta: s.meta });
      expect(mirrored).toBe(s.answer);
      expect(verifyMirroredCrop(s, rgb, s.answer)).toEqual([]);
      const wrong = 'ABCD'.split('').find((l) => l !== s.answer)!;
      expect(verifyMirroredCrop(s, rgb, wrong).length).toBeGreaterThan(0);
    }
  });

  it('does not mirror the composite layout, whose prompt says the hole is on the left', () => {
    const s = sampleOf(1, composite);
    expect(cropTask.mirrorAnswer!({ variant: s.variant, answer: s.answer, meta: s.meta })).toBeNull();
  });
});
