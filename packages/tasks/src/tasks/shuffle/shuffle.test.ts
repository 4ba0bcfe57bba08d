import { describe, expect, it } from 'vitest';
import { describeTask } from '../../testing/index.js';
import { createRng } from '@spatial-ssrl/spec';
import { isRejection, type TaskSample } from '../../task.js';
import { inputOf, pixel, texturedRgb } from '../__fixtures__/inputs.js';
import { verifyMirroredShuffle, verifyShuffle } from '../__fixtures__/verify.js';
import { labelBox } from '../patch-style.js';
import { SHUFFLE_VARIANTS, type ShuffleVariant } from './shuffle-layouts.js';
import { shuffleParams, shuffleTask, type ShuffleMeta } from './shuffle.js';

describeTask(shuffleTask, { params: { mix: { '2x2': 1 } }, samples: 150, minAcceptRate: 0.8 });

const only = (variant: ShuffleVariant) => shuffleParams.parse({ mix: { [variant]: 1 } });

function firstSample(variant: ShuffleVariant, seed: number, rgb = texturedRgb(203, 161, 5)): TaskSample {
  for (let s = seed; ; s++) {
    const r = shuffleTask.generate(inputOf(rgb), only(variant), createRng(s));
    if (!isRejection(r)) return r;
  }
}

describe('shuffle prompts', () => {
  it('reproduces the reference wording for each layout, after one <image> placeholder', () => {
    expect(firstSample('2x2', 1).prompt).toBe(
      "<image>The image has been divided into 4 shuffled patches labeled 0, 1, 2, and 3. Based on visual clues such as continuity, alignment, and context, answer the correct arrangement of the patches to restore the original image, where the format is 'TopLeft-TopRight-BottomLeft-BottomRight'.",
    );
    expect(firstSample('2x2-masked', 1).prompt).toBe(
      "<image>The image has been divided into 4 shuffled patches labeled 0, 1, 2, and 3. One of the four patches is masked completely by white pixels. Based on visual clues such as continuity, alignment, and context, answer the correct arrangement of the patches to restore the original image, where the format is 'TopLeft-TopRight-BottomLeft-BottomRight'.",
    );
    expect(firstSample('h3', 1).prompt).toBe(
      "<image>The image has been divided into 3 shuffled horizontal strips labeled 0, 1, and 2. Based on visual clues such as continuity, alignment, and context, answer the correct arrangement of the strips to restore the original image, where the format is 'Left-Middle-Right'.",
    );
    expect(firstSample('h4', 1).prompt).toContain("4 shuffled horizontal strips labeled 0, 1, 2, and 3.");
    expect(firstSample('h4', 1).prompt).toContain("'Left-Middle1-Middle2-Right'");
    expect(firstSample('v3', 1).prompt).toContain("3 shuffled vertical strips labeled 0, 1, and 2.");
    expect(firstSample('v3', 1).prompt).toContain("'Top-Middle-Bottom'");
    expect(firstSample('v4', 1).prompt).toContain("'Top-Middle1-Middle2-Bottom'");
  });
});

describe('shuffle faithfulness', () => {
  it.each(SHUFFLE_VARIANTS)('restores the source pixels of every unlabelled patch interior when reassembled by the answer (%s)', (variant) => {
    const rgb = texturedRgb(203, 161, 9);
    for (let seed = 0; seed < 12; seed++) {
      const sample = firstSample(variant, seed * 100, rgb);
      const meta = sample.meta as unknown as ShuffleMeta;
      const out = sample.images[0].image;
      const { rows, cols, patchWidth: pw, patchHeight: ph } = meta;
      expect(out.width).toBe(cols * pw);
      expect(out.height).toBe(rows * ph);
      const answer = sample.answer.split('-').map(Number);
      expect([...answer].sort()).toEqual(Array.from({ length: rows * cols }, (_, i) => i));
      expect(verifyShuffle(sample, rgb)).toEqual([]);
      expect(meta.maskedSlot === null).toBe(variant !== '2x2-masked');
    }
  });

  it('draws a blue frame and a white label with a black outline in every slot', () => {
    const sample = firstSample('2x2', 3);
    const out = sample.images[0].image;
    const meta = sample.meta as unknown as ShuffleMeta;
    for (let k = 0; k < 4; k++) {
      const x = (k % 2) * meta.patchWidth;
      const y = Math.floor(k / 2) * meta.patchHeight;
      expect(pixel(out, x, y + 30)).toEqual([0, 0, 255]);
      expect(pixel(out, x + 1, y + 30)).toEqual([0, 0, 255]);
      const box = labelBox({ x, y, width: meta.patchWidth, height: meta.patchHeight }, String(k));
      let white = 0;
      let black = 0;
      for (let yy = box.y; yy < box.y + box.height; yy++) {
        for (let xx = box.x; xx < box.x + box.width; xx++) {
          const [r, g, b] = pixel(out, xx, yy);
          if (r === 255 && g === 255 && b === 255) white++;
          if (r === 0 && g === 0 && b === 0) black++;
        }
      }
      expect(white).toBeGreaterThan(10);
      expect(black).toBeGreaterThan(10);
    }
  });
});

describe('shuffle rejections and params', () => {
  it('rejects the identity permutation instead of emitting an unsolvable sample', () => {
    const codes = new Set<string>();
    for (let seed = 0; seed < 60; seed++) {
      const r = shuffleTask.generate(inputOf(texturedRgb(120, 90)), only('h3'), createRng(seed));
      if (isRejection(r)) codes.add(r.code);
      else expect(r.answer).not.toBe('0-1-2');
    }
    expect([...codes]).toEqual(['identity-permutation']);
    expect(shuffleTask.answerSpace(only('h3'), 'h3')).toHaveLength(5);
    expect(shuffleTask.answerSpace(only('2x2'), '2x2')).toHaveLength(23);
  });

  it('rejects images whose patches would be smaller than minPatchSize', () => {
    const r = shuffleTask.generate(inputOf(texturedRgb(100, 300)), only('h4'), createRng(1));
    expect(isRejection(r) && r.code).toBe('image-too-small');
    const ok = shuffleTask.generate(inputOf(texturedRgb(128, 40)), only('h4'), createRng(2));
    expect(isRejection(ok) ? ok.code : 'sample').not.toBe('image-too-small');
  });

  it('rejects a malformed raster with invalid-raster', () => {
    const r = shuffleTask.generate(inputOf({ width: 10, height: 10, data: new Uint8Array(5) }), only('2x2'), createRng(1));
    expect(isRejection(r) && r.code).toBe('invalid-raster');
  });

  it('defaults to the Spatial-SSRL-81k mix and validates weights', () => {
    const p = shuffleParams.parse({});
    expect(p.mix['2x2']).toBe(4000);
    expect(p.mix['2x2-masked']).toBe(4028);
    expect(p.mix.h3 + p.mix.h4).toBe(4991);
    expect(p.mix.v3 + p.mix.v4).toBe(3009);
    expect(shuffleTask.variants(p)).toEqual(SHUFFLE_VARIANTS);
    expect(shuffleTask.variants(only('v3'))).toEqual(['v3']);
    expect(shuffleParams.safeParse({ mix: { h3: 0 } }).success).toBe(false);
    expect(shuffleParams.safeParse({ mix: { h3: -1 } }).success).toBe(false);
    expect(shuffleParams.safeParse({ mix: { h5: 1 } }).success).toBe(false);
    expect(shuffleParams.safeParse({ minPatchSize: 4 }).success).toBe(false);
  });

  it('draws variants in proportion to the mix', () => {
    const p = shuffleParams.parse({});
    const counts = new Map<string, number>();
    const rgb = texturedRgb(160, 160);
    for (let seed = 0; seed < 1500; seed++) {
      const r = shuffleTask.generate(inputOf(rgb), p, createRng(seed));
      const v = isRejection(r) ? 'rejected' : r.variant;
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const share = (v: string): number => (counts.get(v) ?? 0) / 1500;
    // 2×2 plain: weight 4000/16028 ≈ 0.25, minus 1/24 rejected identities.
    expect(share('2x2')).toBeGreaterThan(0.19);
    expect(share('2x2')).toBeLessThan(0.28);
    expect(share('v3') + share('v4')).toBeGreaterThan(0.12);
    expect(share('v3') + share('v4')).toBeLessThan(0.22);
  });
});

describe('shuffle under a left-right mirror', () => {
  it('names the slots that restore the mirrored source, for every layout', () => {
    const rgb = texturedRgb(203, 161, 5);
    for (const variant of SHUFFLE_VARIANTS) {
      for (let seed = 0; seed < 6; seed++) {
        const s = firstSample(variant, seed * 10, rgb);
        const mirrored = shuffleTask.mirrorAnswer!({ variant: s.variant, answer: s.answer, meta: s.meta })!;
        expect(verifyMirroredShuffle(s, rgb, mirrored), `${variant} ${s.answer} → ${mirrored}`).toEqual([]);
        // One column keeps its answer; otherwise an answer the mirror changes no longer fits.
        if (variant.startsWith('v')) expect(mirrored).toBe(s.answer);
        else if (mirrored !== s.answer) expect(verifyMirroredShuffle(s, rgb, s.answer).length).toBeGreaterThan(0);
      }
    }
  });

  it('maps answers by hand-checked examples and refuses malformed ones', () => {
    const meta = {};
    expect(shuffleTask.mirrorAnswer!({ variant: '2x2', answer: '1-2-3-0', meta })).toBe('3-0-1-2');
    expect(shuffleTask.mirrorAnswer!({ variant: 'h3', answer: '2-0-1', meta })).toBe('1-2-0');
    expect(shuffleTask.mirrorAnswer!({ variant: 'h4', answer: '1-3-0-2', meta })).toBe('1-3-0-2'.split('-').map((_, p, a) => 3 - Number(a[3 - p])).join('-'));
    expect(shuffleTask.mirrorAnswer!({ variant: 'v4', answer: '1-3-0-2', meta })).toBe('1-3-0-2');
    expect(shuffleTask.mirrorAnswer!({ variant: 'h4', answer: '1-3-0', meta })).toBeNull();
    expect(shuffleTask.mirrorAnswer!({ variant: 'h3', answer: '1-1-0', meta })).toBeNull();
    expect(shuffleTask.mirrorAnswer!({ variant: '3x3', answer: '0-1-2', meta })).toBeNull();
  });
});
