import { cloneRgb, fillRect, meanAbsDiff, type Rect } from '@spatial-ssrl/image';
import { z } from 'zod';
import { IMAGE_PLACEHOLDER, promptWords } from '@spatial-ssrl/spec';
import { defineTask, type Task } from '../../task.js';
import { checkMinSize, checkRgb } from '../input-checks.js';
import { minPatchSide } from '../patch-style.js';
import { reject } from '../rejection.js';
import { renderComposite, type CompositeLayout } from './crop-composite.js';
import { DISTRACTOR_TRANSFORMS, renderOption, type CropTransform } from './crop-options.js';

/**
 * Parameters of the crop task. `layout`: `separate` (5 images: masked image, then options A-D,
 * the reference format) or `composite` (one image tiling all five); `minSide`: smallest hole
 * side in pixels (default 32); `minOptionDiff`: mean absolute difference (0-255) below which a
 * distractor counts as identical to the answer and the sample is rejected (default 1).
 */
export const cropParams = z.strictObject({
  layout: z.enum(['separate', 'composite']).default('separate'),
  minSide: z.number().int().min(minPatchSide()).max(4096).default(32),
  minOptionDiff: z.number().min(0).max(255).default(1),
});

/** Parameters of the crop task, defaults filled. */
export type CropParams = z.infer<typeof cropParams>;

/** Option letters in slot order. */
const CROP_LETTERS: readonly string[] = ['A', 'B', 'C', 'D'];

/** Metadata of a crop sample. */
export interface CropMeta {
  /** The blacked-out square in the source (and masked image) coordinates. */
  readonly hole: Rect;
  readonly answer: string;
  /** The transform behind each option, A-D. */
  readonly options: readonly { readonly letter: string; readonly transform: CropTransform }[];
  /** Composite only: where the masked image and the options are. */
  readonly composite: CompositeLayout | null;
}

/** The reference prompt with its numbered placeholders, verbatim. */
export const CROP_PROMPT =
  "Which image is the missing part in the first image <image1>? Based on visual clues such as alignment, image content, and positional relationship, select one of the four options <image2><image3><image4><image5> as the final answer. The final answer should be chosen from 'A', 'B', 'C', and 'D'.";

/** Prompt of the composite layout (one image holding the masked picture and options A-D). */
export const CROP_COMPOSITE_PROMPT =
  "The image shows a picture with a black square hole on the left and four labeled candidate patches A, B, C, and D on the right. Which candidate is the missing part of the picture? Based on visual clues such as alignment, image content, and positional relationship, select one of the four options as the final answer. The final answer should be chosen from 'A', 'B', 'C', and 'D'.";

/**
 * Cropped patch inpainting: a square of side `floor(min(h, w)/2)` is blacked out and the answer
 * is the letter of the option that holds the raw crop; the three other options are distinct
 * transforms drawn from rotations, a zoomed interior and two wider contexts.
 */
export const cropTask: Task<CropParams> = defineTask<CropParams>({
  id: 'crop',
  description: 'Cropped patch inpainting: pick the option (A-D) that fills the blacked-out square.',
  needs: 'rgb',
  params: cropParams,
  variants: (params) => [params.layout],
  imageCount: (_params, variant) => (variant === 'composite' ? 1 : 5),
  answerSpace: () => CROP_LETTERS,
  // With all five images mirrored the right option is the mirrored crop, still in its slot, and
  // each distractor is again one of the same transforms of it (a mirrored clockwise turn is the
  // counter-clockwise turn of the mirror). The composite prompt says where the hole and the
  // options are, which mirroring would contradict.
  mirrorAnswer: ({ variant, answer }) => (variant === 'separate' && CROP_LETTERS.includes(answer) ? answer : null),
  recognizePrompt: (words) =>
    words === promptWords(CROP_PROMPT) ? 'separate' : words === promptWords(CROP_COMPOSITE_PROMPT) ? 'composite' : null,
  mirrorRate: 0.5,
  difficulty: [
    {
      param: 'minOptionDiff',
      min: 0,
      max: 16,
      harder: 'lower',
      description: 'smallest mean absolute difference (0-255) between the answer and a distractor: lower admits options that look more alike',
    },
  ],
  generate(input, params, rng) {
    const bad = checkRgb(input.rgb) ?? checkMinSize(input.rgb, 2 * params.minSide, 2 * params.minSide, 'a hole of the minimum side');
    if (bad) return bad;
    const { width: w, height: h } = input.rgb;
    const side = Math.floor(Math.min(w, h) / 2);
    const hole: Rect = { x: rng.int(0, w - side), y: rng.int(0, h - side), width: side, height: side };
    const slot = rng.int(0, 3);
    const distractors = rng.shuffle(DISTRACTOR_TRANSFORMS).slice(0, 3);
    const transforms: CropTransform[] = [];
    for (let k = 0, d = 0; k < 4; k++) transforms.push(k === slot ? 'original' : distractors[d++]);

    const options = transforms.map((t) => renderOption(input.rgb, hole, t));
    for (let k = 0; k < 4; k++) {
      if (k === slot) continue;
      const diff = meanAbsDiff(options[k], options[slot]);
      if (diff < params.minOptionDiff) {
        return reject('indistinct-options', `option ${CROP_LETTERS[k]} (${transforms[k]}) differs from the answer by only ${diff.toFixed(2)} levels`);
      }
    }
    const masked = cloneRgb(input.rgb);
    fillRect(masked, hole, [0, 0, 0]);
    const answer = CROP_LETTERS[slot];
    const optionMeta = transforms.map((transform, k) => ({ letter: CROP_LETTERS[k], transform }));

    if (params.layout === 'composite') {
      const { image, layout } = renderComposite(masked, options, CROP_LETTERS);
      const meta: CropMeta = { hole, answer, options: optionMeta, composite: layout };
      return {
        variant: 'composite',
        prompt: IMAGE_PLACEHOLDER + CROP_COMPOSITE_PROMPT,
        answer,
        images: [{ name: 'composite', image }],
        meta: { ...meta },
      };
    }
    const meta: CropMeta = { hole, answer, options: optionMeta, composite: null };
    return {
      variant: 'separate',
      prompt: CROP_PROMPT,
      answer,
      images: [
        { name: 'masked', image: masked },
        ...options.map((image, k) => ({ name: `option-${CROP_LETTERS[k].toLowerCase()}`, image })),
      ],
      meta: { ...meta },
    };
  },
});
