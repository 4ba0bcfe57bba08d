import { cropRgb, meanAbsDiff, rotate90, type RgbImage } from '@spatial-ssrl/image';
import { defineTask } from '@spatial-ssrl/tasks';
import { z } from 'zod';

/** Answers of the rotation task: the clockwise rotation in degrees that restores the image. */
export const UPRIGHT_ANSWERS = ['0', '90', '180', '270'] as const;

/** Params of the rotation task. */
export const uprightParams = z.strictObject({
  /**
   * `square`: a centred square crop (the default: rotating a non-square image by 90° changes its
   * aspect ratio, which gives 90/270 away); `full`: the whole image; `mixed`: either, 50/50.
   */
  layout: z.enum(['square', 'full', 'mixed']).default('square'),
  /** Shorter image side below which the input is rejected, px. */
  minSide: z.number().int().min(8).default(32),
  /** Mean absolute difference (0-255) under which a rotated copy counts as identical: such an image has no visible answer. */
  minDifference: z.number().min(0).max(255).default(4),
});
/** Parsed params of the rotation task. */
export type UprightParams = z.infer<typeof uprightParams>;

const PROMPT =
  "<image>This image may have been rotated by a multiple of 90 degrees. Based on visual clues such as gravity, the horizon, text and the orientation of objects, by how many degrees must it be rotated clockwise to restore its upright orientation? The final answer should be chosen from '0', '90', '180', and '270'.";

function rotateClockwise(img: RgbImage, quarterTurns: number): RgbImage {
  let out = img;
  for (let i = 0; i < quarterTurns; i++) out = rotate90(out, 'cw');
  return out;
}

/**
 * Rotation-angle prediction: the image (or its centred square crop) is rotated clockwise by
 * 0/90/180/270° drawn uniformly, and the answer is the clockwise rotation that restores it.
 * Inputs that look the same after a half (or, for squares, a quarter) turn are rejected.
 */
export const uprightTask = defineTask<UprightParams>({
  id: 'upright',
  description: 'Predict the clockwise rotation (0/90/180/270°) that restores a rotated image.',
  needs: 'rgb',
  params: uprightParams,
  variants: (params) => (params.layout === 'mixed' ? ['square', 'full'] : [params.layout]),
  imageCount: () => 1,
  answerSpace: () => UPRIGHT_ANSWERS,
  // A mirror turns clockwise rotations into counter-clockwise ones: the mirrored picture is
  // restored by the opposite turn (90 ↔ 270), and its upright version is the mirrored scene.
  mirrorAnswer: ({ answer }) => ((UPRIGHT_ANSWERS as readonly string[]).includes(answer) ? String((360 - Number(answer)) % 360) : null),
  generate(input, params, rng) {
    const { rgb } = input;
    const side = Math.min(rgb.width, rgb.height);
    if (side < params.minSide) {
      return { rejected: true, code: 'too-small', reason: `image is ${rgb.width}×${rgb.height}, shorter side below ${params.minSide} px` };
    }
    const variant = params.layout === 'mixed' ? rng.pick(['square', 'full'] as const) : params.layout;
    const crop =
      variant === 'square'
        ? { x: (rgb.width - side) >> 1, y: (rgb.height - side) >> 1, width: side, height: side }
        : { x: 0, y: 0, width: rgb.width, height: rgb.height };
    const base = variant === 'square' ? cropRgb(rgb, crop) : rgb;
    const half = meanAbsDiff(base, rotateClockwise(base, 2));
    const quarter = variant === 'square' ? meanAbsDiff(base, rotateClockwise(base, 1)) : Infinity;
    if (Math.min(half, quarter) < params.minDifference) {
      return {
        rejected: true,
        code: 'rotation-ambiguous',
        reason: `a rotated copy differs by only ${Math.min(half, quarter).toFixed(2)} (< ${params.minDifference}) on average`,
      };
    }
    const turns = rng.int(0, 3);
    const restore = ((4 - turns) % 4) * 90;
    return {
      variant,
      prompt: PROMPT,
      answer: String(restore),
      images: [{ name: 'rotated', image: rotateClockwise(base, turns) }],
      meta: { rotatedClockwise: turns * 90, crop, halfTurnDifference: Number(half.toFixed(3)) },
    };
  },
});
