import { IMAGE_PLACEHOLDER, promptWords } from '@spatial-ssrl/spec';
import { z } from 'zod';
import { defineTask, type Task } from '../../task.js';
import { argsort, gridOf, mirroredArrangement, parseArrangement } from '../grid.js';
import { checkMinSize, checkRgb } from '../input-checks.js';
import { minPatchSide, shuffledPatches } from '../patch-style.js';
import { reject } from '../rejection.js';

const side = z.number().int().min(2).max(4);

/**
 * Parameters of the jigsaw task. `rows` × `cols`: the grid, 2-4 each (default 3×3, the Visual
 * Jigsaw default); `minPatchSize`: smallest piece side, pixels (default 32).
 */
export const jigsawParams = z.strictObject({
  rows: side.default(3),
  cols: side.default(3),
  minPatchSize: z.number().int().min(minPatchSide()).max(4096).default(32),
});

/** Parameters of the jigsaw task, defaults filled. */
export type JigsawParams = z.infer<typeof jigsawParams>;

/** Metadata of a jigsaw sample. */
export interface JigsawMeta {
  readonly rows: number;
  readonly cols: number;
  /** `permutation[k]` = the original piece (raster index) shown in slot `k`. */
  readonly permutation: readonly number[];
  readonly maskedSlot: null;
  readonly patchWidth: number;
  readonly patchHeight: number;
}

function labelList(n: number): string {
  const labels = Array.from({ length: n }, (_, i) => String(i));
  return `${labels.slice(0, -1).join(', ')}, and ${labels.at(-1)}`;
}

/** The answer format of an `rows × cols` grid: `R1C1-R1C2-…-RrCc`, positions in raster order. */
function answerFormat(rows: number, cols: number): string {
  const parts: string[] = [];
  for (let r = 1; r <= rows; r++) for (let c = 1; c <= cols; c++) parts.push(`R${r}C${c}`);
  return parts.join('-');
}

/** The prompt after its placeholder for an `rows × cols` grid (in the style of the shuffle prompts). */
function jigsawPromptText(rows: number, cols: number): string {
  const n = rows * cols;
  return `The image has been divided into a ${rows}x${cols} grid of ${n} shuffled patches labeled ${labelList(n)}. Based on visual clues such as continuity, alignment, and context, answer the correct arrangement of the patches to restore the original image: for each position of the grid, from the top-left row by row, the label of the patch that belongs there, where the format is '${answerFormat(rows, cols)}' (RiCj is the patch at row i, column j).`;
}

const VARIANT = /^([2-4])x([2-4])$/;

/**
 * m×n jigsaw: the picture is cut into a `rows × cols` grid, the pieces are shuffled (never left in
 * place) and labelled in raster order, and the answer is the label found at each original
 * position, joined by `-` (the shuffle task's answer style), e.g. `4-0-7-…`.
 */
export const jigsawTask: Task<JigsawParams> = defineTask<JigsawParams>({
  id: 'jigsaw',
  description: 'Jigsaw: restore the arrangement of an m×n grid of shuffled, labelled pieces (2×2 to 4×4).',
  needs: 'rgb',
  optIn: true,
  params: jigsawParams,
  variants: (params) => [`${params.rows}x${params.cols}`],
  imageCount: () => 1,
  answerSpace: (params) => ({ kind: 'permutation', pieces: params.rows * params.cols, identity: false }),
  // One-row and one-column grids too: the arrangement mirrors position by position.
  mirrorAnswer: ({ variant, answer }) => {
    const m = VARIANT.exec(variant);
    if (!m) return null;
    const slots = parseArrangement(answer, Number(m[1]) * Number(m[2]));
    return slots === null ? null : mirroredArrangement(slots, Number(m[2])).join('-');
  },
  mirrorRate: 0.5,
  recognizePrompt: (words) => {
    for (let rows = 2; rows <= 4; rows++) for (let cols = 2; cols <= 4; cols++) if (promptWords(jigsawPromptText(rows, cols)) === words) return `${rows}x${cols}`;
    return null;
  },
  // Visual Jigsaw's graded reward: 1 for the exact arrangement, else 0.2 × the fraction of pieces in place.
  partialCredit: { kind: 'positions', scale: 0.2, identity: false },
  difficulty: [
    { param: 'rows', min: 2, max: 4, harder: 'higher', description: 'rows of the grid: more pieces to place' },
    { param: 'cols', min: 2, max: 4, harder: 'higher', description: 'columns of the grid: more pieces to place' },
    {
      param: 'minPatchSize',
      min: minPatchSide(),
      max: 64,
      harder: 'lower',
      description: 'smallest piece side in pixels: smaller pieces carry less content to match across the seams',
    },
  ],
  generate(input, params, rng) {
    const bad = checkRgb(input.rgb);
    if (bad) return bad;
    const { rows, cols } = params;
    const tooSmall = checkMinSize(input.rgb, cols * params.minPatchSize, rows * params.minPatchSize, `a ${rows}x${cols} jigsaw`);
    if (tooSmall) return tooSmall;
    const grid = gridOf(input.rgb.width, input.rgb.height, rows, cols);
    const pieces = rows * cols;
    const permutation = rng.shuffle(Array.from({ length: pieces }, (_, i) => i));
    if (permutation.every((v, i) => v === i)) {
      return reject('identity-permutation', 'the drawn shuffle leaves every piece in place, so there is nothing to restore');
    }
    const meta: JigsawMeta = { rows, cols, permutation, maskedSlot: null, patchWidth: grid.patchWidth, patchHeight: grid.patchHeight };
    return {
      variant: `${rows}x${cols}`,
      prompt: IMAGE_PLACEHOLDER + jigsawPromptText(rows, cols),
      answer: argsort(permutation).join('-'),
      images: [{ name: 'jigsaw', image: shuffledPatches(input.rgb, grid, permutation, null) }],
      meta: { ...meta },
    };
  },
});
