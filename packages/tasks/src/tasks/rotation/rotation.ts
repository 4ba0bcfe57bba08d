import { cropRgb, meanAbsDiff, rotate90 } from '@spatial-ssrl/image';
import { IMAGE_PLACEHOLDER } from '@spatial-ssrl/spec';
import { z } from 'zod';
import { defineTask, type Task } from '../../task.js';
import { checkMinSize, checkRgb } from '../input-checks.js';
import { reject } from '../rejection.js';

/** Every clockwise rotation the task can apply, degrees. */
export const ROTATION_ANGLES = ['0', '90', '180', '270'] as const;

/**
 * Parameters of the rotation task. `layout`: `square` (default) rotates the centred square crop,
 * so a quarter turn does not give itself away by the picture's aspect ratio; `full` rotates the
 * whole picture (the aspect tells 0/180 from 90/270: half the answer). `angles`: the rotations
 * drawn from, uniformly (default all four). `minDifference`: mean absolute difference (0-255)
 * between the picture and each of its drawable rotations below which the sample is rejected:
 * a near-symmetric picture has no visible answer. `minSide`: smallest side of the rotated
 * picture, pixels.
 */
export const rotationParams = z.strictObject({
  layout: z.enum(['square', 'full']).default('square'),
  angles: z
    .array(z.enum(ROTATION_ANGLES))
    .min(2)
    .refine((a) => new Set(a).size === a.length, { message: 'angles must be distinct' })
    .default([...ROTATION_ANGLES]),
  minDifference: z.number().min(0).max(255).default(4),
  minSide: z.number().int().min(8).max(8192).default(32),
});

/** Parameters of the rotation task, defaults filled. */
export type RotationParams = z.infer<typeof rotationParams>;

/** Metadata of a rotation sample. */
export interface RotationMeta {
  /** Clockwise rotation applied, degrees. */
  readonly angle: number;
  /** The part of the source that was rotated, source pixels. */
  readonly crop: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  /** Smallest mean absolute difference (0-255) between the picture and another drawable rotation of it. */
  readonly difference: number;
}

function quoted(list: readonly string[]): string {
  const q = list.map((a) => `'${a}'`);
  return q.length === 2 ? `${q[0]} and ${q[1]}` : `${q.slice(0, -1).join(', ')}, and ${q.at(-1)}`;
}

/** The prompt after its placeholder, for the angles drawn from (in the style of the paper's prompts). */
function rotationPromptText(angles: readonly string[]): string {
  const sorted = [...angles].sort((a, b) => Number(a) - Number(b));
  return `The image may have been rotated clockwise by ${sorted.length === 4 ? '0, 90, 180, or 270' : sorted.join(' or ')} degrees. Based on visual clues such as gravity, the horizon, the orientation of objects and text, and other context, answer the angle by which the image has been rotated clockwise. The final answer should be chosen from ${quoted(sorted)}.`;
}

function sortedAngles(params: RotationParams): string[] {
  return [...params.angles].sort((a, b) => Number(a) - Number(b));
}

/**
 * Rotation prediction: the picture (by default its centred square crop) is rotated clockwise by
 * one of the declared angles, drawn uniformly; the answer is that angle in degrees, e.g. `270`.
 */
export const rotationTask: Task<RotationParams> = defineTask<RotationParams>({
  id: 'rotation',
  description: 'Rotation prediction: tell by how many degrees (0/90/180/270) a picture was rotated clockwise.',
  needs: 'rgb',
  optIn: true,
  params: rotationParams,
  variants: (params) => [params.layout],
  imageCount: () => 1,
  answerSpace: (params) => sortedAngles(params),
  // A mirrored clockwise turn is the mirrored picture turned counter-clockwise: 90 ↔ 270.
  mirrorAnswer: ({ answer }) => ((ROTATION_ANGLES as readonly string[]).includes(answer) ? String((360 - Number(answer)) % 360) : null),
  difficulty: [
    {
      param: 'minDifference',
      min: 0,
      max: 16,
      harder: 'lower',
      description: 'mean absolute difference (0-255 levels) a rotation must make: lower admits near-symmetric pictures whose rotation is barely visible',
    },
  ],
  generate(input, params, rng) {
    const bad = checkRgb(input.rgb);
    if (bad) return bad;
    const { rgb } = input;
    const side = Math.min(rgb.width, rgb.height);
    const small = checkMinSize(rgb, params.minSide, params.minSide, 'the rotated picture');
    if (small) return small;
    const crop =
      params.layout === 'square'
        ? { x: (rgb.width - side) >> 1, y: (rgb.height - side) >> 1, width: side, height: side }
        : { x: 0, y: 0, width: rgb.width, height: rgb.height };
    const base = params.layout === 'square' ? cropRgb(rgb, crop) : rgb;
    const angles = sortedAngles(params);
    const angle = Number(angles[rng.int(0, angles.length - 1)]);
    // Every other drawable angle must look different from this one, else the answer is not
    // visible. Turning both pictures alike keeps their difference, so a 90° and a 270° step
    // differ alike and only two comparisons are ever needed.
    const steps = new Set(angles.map(Number).filter((a) => a !== angle).map((a) => (a - angle + 360) % 360));
    const half = steps.has(180) ? rotate90(rotate90(base, 'cw'), 'cw') : undefined;
    const quarter = params.layout === 'square' && (steps.has(90) || steps.has(270)) ? rotate90(base, 'cw') : undefined;
    let difference = Infinity;
    if (half) difference = meanAbsDiff(base, half);
    if (quarter) difference = Math.min(difference, meanAbsDiff(base, quarter));
    if (difference < params.minDifference) {
      return reject('rotation-ambiguous', `a rotated copy differs by only ${difference.toFixed(2)} (< ${params.minDifference}) on average: the picture is nearly symmetric`);
    }
    const turned = angle === 0 ? base : angle === 90 ? (quarter ?? rotate90(base, 'cw')) : angle === 180 ? (half ?? rotate90(rotate90(base, 'cw'), 'cw')) : rotate90(base, 'ccw');
    const meta: RotationMeta = { angle, crop, difference: Number.isFinite(difference) ? Number(difference.toFixed(3)) : 255 };
    return {
      variant: params.layout,
      prompt: IMAGE_PLACEHOLDER + rotationPromptText(angles),
      answer: String(angle),
      images: [{ name: 'rotated', image: turned }],
      meta: { ...meta },
    };
  },
});
