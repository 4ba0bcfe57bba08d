import { cropRgb, rgbEquals } from '@spatial-ssrl/image';
import { describe, expect, it } from 'vitest';
import { createRng } from '@spatial-ssrl/spec';
import { isRejection, type TaskSample } from '../../task.js';
import { inputOf, texturedRgb } from '../__fixtures__/inputs.js';
import { verifyFlip, verifyMirroredFlip } from '../__fixtures__/verify.js';
import { FLIP_PROMPT, flipParams, flipTask, type FlipMeta } from './flip.js';


const params = flipParams.parse({});

function sampleOf(seed: number, rgb = texturedRgb(181, 143, 4)): TaskSample {
  const r = flipTask.generate(inputOf(rgb), params, createRng(seed));
  if (isRejection(r)) throw new Error(`unexpected rejection ${r.code}`);
  return r;
}

describe('flip prompt', () => {
  it('is the reference wording, typos included, after one <image> placeholder', () => {
    expect(sampleOf(1).prompt).toBe(`<image>${FLIP_PROMPT}`);
    expect(FLIP_PROMPT).toBe(
      "The image has been divided into 4 labeled 0, 1, 2, and 3. One of the four patches is flipped either horizontally or vertically. Based on visual clues such as continuity, alignment, and context, answer the correct patch that is flipped and the direction the flip, where the format is 'Label-Direction'. The direction can only be 0(flipped vertically) or 1(flipped horizontally).",
    );
  });
});

describe('flip faithfulness', () => {
  it('flips exactly the named patch: un-flipping it restores the source, the others are untouched', () => {
    const rgb = texturedRgb(181, 143, 4);
    for (let seed = 0; seed < 24; seed++) {
      const sample = sampleOf(seed, rgb);
      const meta = sample.meta as unknown as FlipMeta;
      const [t, d] = sample.answer.split('-').map(Number);
      expect(t).toBe(meta.patch);
      expect(d).toBe(meta.direction);
      expect(verifyFlip(sample, rgb)).toEqual([]);
      const { patchWidth: pw, patchHeight: ph } = meta;
      const rect = { x: (t % 2) * pw, y: Math.floor(t / 2) * ph, width: pw, height: ph };
      expect(rgbEquals(cropRgb(sample.images[0].image, rect), cropRgb(rgb, rect))).toBe(false);
    }
  });

  it('flips vertically and horizontally about equally often', () => {
    let vertical = 0;
    for (let seed = 0; seed < 600; seed++) if ((sampleOf(seed).meta as unknown as FlipMeta).direction === 0) vertical++;
    // Binomial(600, 0.5): 5 standard deviations is ±61.
    expect(Math.abs(vertical - 300)).toBeLessThan(61);
    const always = flipParams.parse({ verticalProbability: 1 });
    const r = flipTask.generate(inputOf(texturedRgb(100, 100)), always, createRng(3));
    expect(!isRejection(r) && r.answer.endsWith('-0')).toBe(true);
  });
});

describe('flip rejections', () => {
  it('rejects a flip that leaves the patch nearly unchanged (flip-invisible)', () => {
    const flat = { width: 120, height: 120, data: new Uint8Array(120 * 120 * 3).fill(90) };
    const r = flipTask.generate(inputOf(flat), params, createRng(1));
    expect(isRejection(r) && r.code).toBe('flip-invisible');
    // Left-right symmetric columns: mirroring is invisible, turning upside-down is not.
    const sym = texturedRgb(120, 120, 2);
    for (let y = 0; y < 120; y++) {
      for (let x = 0; x < 60; x++) {
        for (let c = 0; c < 3; c++) sym.data[(y * 120 + (59 - x)) * 3 + c] = sym.data[(y * 120 + 60 + x) * 3 + c] = (y * 2 + c * 40) % 256;
      }
    }
    const codes = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      const s = flipTask.generate(inputOf(sym), params, createRng(seed));
      codes.add(isRejection(s) ? s.code : `sample-${s.answer.split('-')[1]}`);
    }
    expect(codes).toEqual(new Set(['flip-invisible', 'sample-0']));
  });

  it('rejects images below two minimum patches per side', () => {
    const r = flipTask.generate(inputOf(texturedRgb(63, 200)), params, createRng(1));
    expect(isRejection(r) && r.code).toBe('image-too-small');
  });
});

describe('flip under a left-right mirror', () => {
  it('moves the flipped patch to the other column and keeps the direction', () => {
    const rgb = texturedRgb(181, 143, 4);
    const seen = new Set<string>();
    for (let seed = 0; seed < 24; seed++) {
      const s = sampleOf(seed, rgb);
      const mirrored = flipTask.mirrorAnswer!({ variant: s.variant, answer: s.answer, meta: s.meta })!;
      seen.add(s.answer);
      expect(verifyMirroredFlip(s, rgb, mirrored), `${s.answer} → ${mirrored}`).toEqual([]);
      expect(verifyMirroredFlip(s, rgb, s.answer).length, `the unmapped answer ${s.answer} must not fit`).toBeGreaterThan(0);
    }
    expect(seen.size).toBeGreaterThan(5);
    expect(flipTask.mirrorAnswer!({ variant: '2x2', answer: '2-0', meta: {} })).toBe('3-0');
    expect(flipTask.mirrorAnswer!({ variant: '2x2', answer: '1-1', meta: {} })).toBe('0-1');
    expect(flipTask.mirrorAnswer!({ variant: '2x2', answer: '4-1', meta: {} })).toBeNull();
  });
});
