import { cropRgb, flipRgb, meanAbsDiff, pasteRgb } from '@spatial-ssrl/image';
import { z } from 'zod';
import { IMAGE_PLACEHOLDER, promptWords } from '@spatial-ssrl/spec';
import { defineTask, type Task } from '../../task.js';
import { gridOf } from '../grid.js';
import { checkMinSize, checkRgb } from '../input-checks.js';
import { decoratePatch, minPatchSide } from '../patch-style.js';
import { reject } from '../rejection.js';

/**
 * Parameters of the flip task. `verticalProbability`: chance of an upside-down flip rather
 * than a mirror (default 0.5, the paper's 50/50); `minDiff`: mean absolute difference, in
 * 0-255 levels over all channels, below which a flipped patch counts as indistinguishable from
 * the original and the sample is rejected (default 4, about 1.6 %); `minPatchSize`: smallest
 * patch side in pixels (default 32).
 */
export const flipParams = z.strictObject({
  verticalProbability: z.number().min(0).max(1).default(0.5),
  minDiff: z.number().min(0).max(255).default(4),
  minPatchSize: z.number().int().min(minPatchSide()).max(4096).default(32),
});

/** Parameters of the flip task, defaults filled. */
export type FlipParams = z.infer<typeof flipParams>;

/** Flip direction codes of the answer: 0 = vertical (upside-down), 1 = horizontal (mirror). */
type FlipDirection = 0 | 1;

/** Metadata of a flip sample. */
export interface FlipMeta {
  /** The flipped patch, 0-3 in raster order. */
  readonly patch: number;
  readonly direction: FlipDirection;
  /** Mean absolute difference between the flipped and the original patch, 0-255. */
  readonly diff: number;
  readonly patchWidth: number;
  readonly patchHeight: number;
}

/** The reference prompt, verbatim (typos included). */
export const FLIP_PROMPT =
  'The image has been divided into 4 labeled 0, 1, 2, and 3. One of the four patches is flipped either horizontally or vertically. Based on visual clues such as continuity, alignment, and context, answer the correct patch that is flipped and the direction the flip, where the format is \'Label-Direction\'. The direction can only be 0(flipped vertically) or 1(flipped horizontally).';

const ANSWERS: readonly string[] = [0, 1, 2, 3].flatMap((t) => [`${t}-0`, `${t}-1`]);

/**
 * Flipped patch recognition: one patch of a labelled 2×2 grid is flipped upside-down (0) or
 * mirrored (1) before the frames and labels are drawn; the answer is `patch-direction`, e.g. `3-0`.
 */
export const flipTask: Task<FlipParams> = defineTask<FlipParams>({
  id: 'flip',
  description: 'Flipped patch recognition: find the flipped patch of a 2×2 grid and the flip direction.',
  needs: 'rgb',
  params: flipParams,
  variants: () => ['2x2'],
  imageCount: () => 1,
  answerSpace: () => ANSWERS,
  // Mirroring moves the flipped patch to the other column and keeps its direction: a mirrored
  // upside-down patch is still upside down, a mirrored mirror is still a mirror.
  mirrorAnswer: ({ answer }) => {
    const m = /^([0-3])-([01])$/.exec(answer);
    return m ? `${Number(m[1]) ^ 1}-${m[2]}` : null;
  },
  recognizePrompt: (words) => (words === promptWords(FLIP_PROMPT) ? '2x2' : null),
  mirrorRate: 0.5,
  // Two independent parts: the patch and the direction, half the credit each.
  partialCredit: {
    kind: 'parts',
    parts: [
      { name: 'patch', values: ['0', '1', '2', '3'], weight: 0.5 },
      { name: 'direction', values: ['0', '1'], weight: 0.5 },
    ],
  },
  difficulty: [
    {
      param: 'minDiff',
      min: 0,
      max: 32,
      harder: 'lower',
      description: 'smallest mean absolute difference (0-255) between the flipped patch and the original: lower admits flips that are harder to see',
    },
  ],
  generate(input, params, rng) {
    const bad = checkRgb(input.rgb) ?? checkMinSize(input.rgb, 2 * params.minPatchSize, 2 * params.minPatchSize, 'a 2×2 grid');
    if (bad) return bad;
    const grid = gridOf(input.rgb.width, input.rgb.height, 2, 2);
    const patch = rng.int(0, 3);
    const direction: FlipDirection = rng.next() < params.verticalProbability ? 0 : 1;

    const out = cropRgb(input.rgb, { x: 0, y: 0, width: 2 * grid.patchWidth, height: 2 * grid.patchHeight });
    const rect = grid.patches[patch];
    const original = cropRgb(out, rect);
    const flipped = flipRgb(original, direction === 0 ? 'vertical' : 'horizontal');
    const diff = meanAbsDiff(original, flipped);
    if (diff < params.minDiff) {
      return reject('flip-invisible', `flipping patch ${patch} changes it by ${diff.toFixed(2)} levels on average, below ${params.minDiff}`);
    }
    pasteRgb(out, flipped, rect.x, rect.y);
    grid.patches.forEach((r, k) => decoratePatch(out, r, String(k)));

    const meta: FlipMeta = { patch, direction, diff, patchWidth: grid.patchWidth, patchHeight: grid.patchHeight };
    return {
      variant: '2x2',
      prompt: IMAGE_PLACEHOLDER + FLIP_PROMPT,
      answer: `${patch}-${direction}`,
      images: [{ name: 'flipped', image: out }],
      meta: { ...meta },
    };
  },
});
