import { z } from 'zod';
import { defineTask, type Task } from '../../task.js';
import { IMAGE_PLACEHOLDER, promptWords } from '@spatial-ssrl/spec';
import { argsort, gridOf, mirroredArrangement, parseArrangement, permutations } from '../grid.js';
import { checkMinSize, checkRgb } from '../input-checks.js';
import { minPatchSide, shuffledPatches } from '../patch-style.js';
import { reject } from '../rejection.js';
import { SHUFFLE_LAYOUTS, SHUFFLE_VARIANTS, SSRL81K_SHUFFLE_MIX, shufflePromptText, type ShuffleVariant } from './shuffle-layouts.js';

const weight = z.number().min(0).finite().default(0);

/**
 * Parameters of the shuffle task. `mix`: relative weight of each variant (default: the
 * Spatial-SSRL-81k mix); `minPatchSize`: smallest patch side in pixels (default 32, at least
 * what a framed label needs).
 */
export const shuffleParams = z.strictObject({
  mix: z
    .strictObject({ '2x2': weight, '2x2-masked': weight, h3: weight, h4: weight, v3: weight, v4: weight })
    .refine((m) => Object.values(m).some((w) => w > 0), { message: 'at least one shuffle variant needs a positive weight' })
    .default({ ...SSRL81K_SHUFFLE_MIX }),
  minPatchSize: z.number().int().min(minPatchSide()).max(4096).default(32),
});

/** Parameters of the shuffle task, defaults filled. */
export type ShuffleParams = z.infer<typeof shuffleParams>;

/** Metadata of a shuffle sample. */
export interface ShuffleMeta {
  readonly rows: number;
  readonly cols: number;
  /** `permutation[k]` = the original patch (raster index) shown in slot `k`. */
  readonly permutation: readonly number[];
  /** The slot filled with white, or null. */
  readonly maskedSlot: number | null;
  readonly patchWidth: number;
  readonly patchHeight: number;
}

const answerSpaces = new Map<number, readonly string[]>();
function nonIdentityAnswers(pieces: number): readonly string[] {
  let space = answerSpaces.get(pieces);
  if (space === undefined) {
    space = permutations(pieces)
      .filter((p) => p.some((v, i) => v !== i))
      .map((p) => p.join('-'));
    answerSpaces.set(pieces, space);
  }
  return space;
}

function asVariant(variant: string): ShuffleVariant {
  if (!(SHUFFLE_VARIANTS as readonly string[]).includes(variant)) {
    throw new RangeError(`unknown shuffle variant '${variant}'; known: ${SHUFFLE_VARIANTS.join(', ')}`);
  }
  return variant as ShuffleVariant;
}

/**
 * Shuffled patch reordering: the image is cut into a 2×2 grid or 3-4 strips, the pieces are
 * shuffled and labelled in raster order, and the answer is the label found at each original
 * position (`argsort` of the shuffle), e.g. `0-2-3-1`.
 */
export const shuffleTask: Task<ShuffleParams> = defineTask<ShuffleParams>({
  id: 'shuffle',
  description: 'Shuffled patch reordering: restore the order of shuffled, labelled patches or strips.',
  needs: 'rgb',
  params: shuffleParams,
  variants: (params) => SHUFFLE_VARIANTS.filter((v) => params.mix[v] > 0),
  imageCount: () => 1,
  answerSpace: (_params, variant) => {
    const layout = SHUFFLE_LAYOUTS[asVariant(variant)];
    return nonIdentityAnswers(layout.rows * layout.cols);
  },
  mirrorAnswer: ({ variant, answer }) => {
    if (!(SHUFFLE_VARIANTS as readonly string[]).includes(variant)) return null;
    const { rows, cols } = SHUFFLE_LAYOUTS[variant as ShuffleVariant];
    // Vertical strips (one column) keep their answer.
    const slots = parseArrangement(answer, rows * cols);
    return slots === null ? null : mirroredArrangement(slots, cols).join('-');
  },
  recognizePrompt: (words) => SHUFFLE_VARIANTS.find((v) => promptWords(shufflePromptText(v)) === words) ?? null,
  mirrorRate: 0.5,
  // An arrangement: credit per position, as the fraction of pieces put back in place.
  partialCredit: { kind: 'positions', scale: 1, identity: false },
  difficulty: [
    {
      param: 'minPatchSize',
      min: minPatchSide(),
      max: 64,
      harder: 'lower',
      description: 'smallest patch side in pixels: smaller pieces carry less content to match across the seams',
    },
  ],
  generate(input, params, rng) {
    const bad = checkRgb(input.rgb);
    if (bad) return bad;
    const variant = SHUFFLE_VARIANTS[rng.weighted(SHUFFLE_VARIANTS.map((v) => params.mix[v]))];
    const layout = SHUFFLE_LAYOUTS[variant];
    const tooSmall = checkMinSize(input.rgb, layout.cols * params.minPatchSize, layout.rows * params.minPatchSize, `the ${variant} layout`);
    if (tooSmall) return tooSmall;

    const grid = gridOf(input.rgb.width, input.rgb.height, layout.rows, layout.cols);
    const pieces = grid.patches.length;
    const permutation = rng.shuffle(Array.from({ length: pieces }, (_, i) => i));
    if (permutation.every((v, i) => v === i)) {
      return reject('identity-permutation', 'the drawn shuffle leaves every patch in place, so there is nothing to restore');
    }
    const maskedSlot = layout.masked ? rng.int(0, pieces - 1) : null;

    const out = shuffledPatches(input.rgb, grid, permutation, maskedSlot);

    const meta: ShuffleMeta = {
      rows: grid.rows,
      cols: grid.cols,
      permutation,
      maskedSlot,
      patchWidth: grid.patchWidth,
      patchHeight: grid.patchHeight,
    };
    return {
      variant,
      prompt: IMAGE_PLACEHOLDER + shufflePromptText(variant),
      answer: argsort(permutation).join('-'),
      images: [{ name: 'shuffled', image: out }],
      meta: { ...meta },
    };
  },
});
