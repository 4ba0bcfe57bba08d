import { cloneRgb, drawMarker, markerRadiusFor } from '@spatial-ssrl/image';
import { z } from 'zod';
import { promptWords } from '@spatial-ssrl/spec';
import { defineTask, type Task } from '../../task.js';
import { checkRgb, requireDepth } from '../input-checks.js';
import { markerStyle, minMarkerDistance } from '../marker-geometry.js';
import { isRejected, reject } from '../rejection.js';
import {
  COMPOUND_DIRECTIONS,
  FACINGS,
  FACING_PHRASES,
  SINGLE_DIRECTIONS,
  positionAnswer,
  usesCompound,
  type Facing,
  type PairKind,
} from './position-answers.js';
import { autoStride, findBlocks, findPair, minMaxNormalise, type Block } from './position-candidates.js';

const nonNegative = z.number().min(0).finite();

/**
 * Parameters of the relative-position task (defaults are the reference's unless noted).
 * `farProbability`: chance of trying a far pair first, the other kind being the fallback
 * (default 0.5); `facingWeights`: left/right/me/away (30/30/30/10); `window`: block side (15 px)
 * with `maxRange` 0.15; `centreFraction` 0.45; `edgeMargin` 7 px; `separation` 0.25;
 * `compoundDx` 150 px; `nearMaxDy` 30 px; `maxCandidates`: blocks kept for the pair search
 * (default 2048, bounding it to ~2 M checks); `stride`: candidate grid step in pixels, or `auto`
 * (about `maxCandidates` grid points in the search area); `markerRadius`: pixels or `auto`;
 * `markerFill`: `white` (the reference's) or `by-label` (a disk colour per label; not the paper's).
 */
export const positionParams = z.strictObject({
  farProbability: z.number().min(0).max(1).default(0.5),
  facingWeights: z
    .strictObject({ left: nonNegative, right: nonNegative, me: nonNegative, away: nonNegative })
    .refine((w) => w.left + w.right + w.me + w.away > 0, { message: 'at least one facing needs a positive weight' })
    .default({ left: 30, right: 30, me: 30, away: 10 }),
  window: z.number().int().min(1).max(255).refine((s) => s % 2 === 1, { message: 'window size must be odd' }).default(15),
  maxRange: z.number().min(0).max(1).default(0.15),
  centreFraction: z.number().positive().max(0.5).default(0.45),
  edgeMargin: z.number().int().min(0).default(7),
  separation: z.number().positive().max(1).default(0.25),
  compoundDx: z.number().min(0).default(150),
  nearMaxDy: z.number().positive().default(30),
  maxCandidates: z.number().int().min(2).max(20000).default(2048),
  stride: z.union([z.literal('auto'), z.number().int().min(1)]).default('auto'),
  markerRadius: z.union([z.literal('auto'), z.number().int().min(3).max(512)]).default('auto'),
  markerFill: z.enum(['white', 'by-label']).default('white'),
});

/** Parameters of the relative-position task, defaults filled. */
export type PositionParams = z.infer<typeof positionParams>;

/** One marked region of a position sample. */
interface PositionMarker {
  readonly label: number;
  readonly x: number;
  readonly y: number;
  /** Largest raw depth in the marker's window, source unit. */
  readonly depth: number;
}

/** Metadata of a position sample. */
export interface PositionMeta {
  readonly pairKind: PairKind;
  readonly markers: readonly PositionMarker[];
  readonly cameraLabel: number;
  readonly targetLabel: number;
  readonly facing: Facing;
  /** Options A-D in order. */
  readonly options: readonly string[];
  readonly compound: boolean;
  /** Δx = x_target − x_camera (pixels) and Δd = depth_target − depth_camera. */
  readonly dx: number;
  readonly dd: number;
  /** The direction the answer letter stands for. */
  readonly direction: string;
  readonly letter: string;
  readonly markerRadius: number;
}

const LETTERS = ['A', 'B', 'C', 'D'] as const;

/** The reference prompt for one question, verbatim (the height clause only for far pairs). */
export function positionPrompt(camera: number, facing: Facing, target: number, options: readonly string[], kind: PairKind): string {
  const listed = options.map((o, k) => ` ${LETTERS[k]}. ${o}`).join('');
  return (
    `<image>I've taken an image and there are two regions marked as 1, and 2 on the image. Assume that there is a camera at position '${camera}' and it's facing ${FACING_PHRASES[facing]}. ` +
    `According to the camera, where is the region marker '${target}'?${listed}. ` +
    `Consider cues such as depth, orientation, and 3D spatial relationship${kind === 'far' ? ' and ignore the height difference between the two regions' : ''}. ` +
    "The final answer should be chosen from 'A', 'B', 'C', and 'D'."
  );
}

const OPTION_SENTINEL = '\u0001';

// The words of every prompt form (each facing, far and near) as a pattern: the camera and
// target labels and the four option names vary, the rest is verbatim.
const PROMPT_FORMS: readonly { readonly kind: PairKind; readonly pattern: RegExp }[] = (['far', 'near'] as const).flatMap((kind) =>
  FACINGS.map((facing) => {
    const words = promptWords(positionPrompt(7, facing, 8, [OPTION_SENTINEL, OPTION_SENTINEL, OPTION_SENTINEL, OPTION_SENTINEL], kind));
    const source = words
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      .replace("'7'", "'[12]'")
      .replace("'8'", "'[12]'")
      .replaceAll(OPTION_SENTINEL, '[A-Za-z-]+');
    return { kind, pattern: new RegExp(`^${source}$`) };
  }),
);

/**
 * Relative 3D position prediction: two flat regions are marked 1 and 2; one becomes an imagined
 * camera facing a given way and the answer is the letter of the option naming where the other
 * region lies from that camera (table in `position-answers.ts`).
 */
export const positionTask: Task<PositionParams> = defineTask<PositionParams>({
  id: 'position',
  description: 'Relative 3D position: where a marked region lies as seen from a camera at the other marker.',
  needs: 'rgbd',
  params: positionParams,
  variants: () => ['far', 'near'],
  imageCount: () => 1,
  answerSpace: () => LETTERS,
  recognizePrompt: (words) => PROMPT_FORMS.find((f) => f.pattern.test(words))?.kind ?? null,
  difficulty: [
    {
      param: 'separation',
      min: 0.1,
      max: 0.4,
      harder: 'lower',
      description: 'smallest gap of normalised depth between the two markers of a far pair: lower admits pairs whose order is harder to see',
    },
  ],
  // Naming the direction before the letter lets a small model learn the option lookup.
  rationaleTemplate: '<think>{meta.direction}</think>\\boxed{{answer}}',
  lowResolutionParams: { markerRadius: 16, markerFill: 'by-label' },
  generate(input, params, rng) {
    const bad = checkRgb(input.rgb);
    if (bad) return bad;
    const depth = requireDepth(input);
    if (isRejected(depth)) return depth;
    const { width, height } = input.rgb;
    const radius = params.markerRadius === 'auto' ? markerRadiusFor(width, height) : params.markerRadius;
    const md = Math.floor(Math.min(width, height) / 8);
    const minDistance = Math.max(md, minMarkerDistance(radius));
    const margin = Math.max(params.edgeMargin, (params.window - 1) / 2, radius);
    if (width < 2 * margin + minDistance + 1 || height < 2 * margin + 1) {
      return reject('image-too-small', `${width}×${height} cannot hold two ${radius}-px markers ${minDistance} px apart`);
    }
    const normalised = minMaxNormalise(depth);
    if (isRejected(normalised)) return normalised;
    const stride = params.stride === 'auto' ? autoStride(width, height, params.centreFraction, params.maxCandidates) : params.stride;
    const blocks = findBlocks(depth, normalised, {
      window: params.window,
      maxRange: params.maxRange,
      centreFraction: params.centreFraction,
      edgeMargin: params.edgeMargin,
      stride,
      maxCandidates: params.maxCandidates,
      markerRadius: radius,
    });
    if (blocks.length < 2) return reject('no-region', `only ${blocks.length} flat block(s) with valid depth near the image centre`);

    const first: PairKind = rng.next() < params.farProbability ? 'far' : 'near';
    const second: PairKind = first === 'far' ? 'near' : 'far';
    const rule = { separation: params.separation, minDistance, nearMaxDy: params.nearMaxDy };
    let kind = first;
    let pair = findPair(blocks, first, rule);
    if (pair === null) {
      kind = second;
      pair = findPair(blocks, second, rule);
    }
    if (pair === null) return reject('no-pair', `no far or near pair among ${blocks.length} candidate blocks`);

    const swap = rng.int(0, 1) === 1;
    const [one, two]: [Block, Block] = swap ? [pair[1], pair[0]] : pair;
    const markers: PositionMarker[] = [
      { label: 1, x: one.x, y: one.y, depth: one.depth },
      { label: 2, x: two.x, y: two.y, depth: two.depth },
    ];
    const cameraLabel = rng.int(1, 2);
    const targetLabel = 3 - cameraLabel;
    const camera = markers[cameraLabel - 1];
    const target = markers[targetLabel - 1];
    const facing = FACINGS[rng.weighted(FACINGS.map((f) => params.facingWeights[f]))];
    const geometry = { kind, facing, dx: target.x - camera.x, dd: target.depth - camera.depth, compoundDx: params.compoundDx };
    const compound = usesCompound(geometry);
    const direction = positionAnswer(geometry);
    const options = rng.shuffle(compound ? COMPOUND_DIRECTIONS : SINGLE_DIRECTIONS);
    const letter = LETTERS[options.indexOf(direction)];

    const image = cloneRgb(input.rgb);
    for (const m of markers) drawMarker(image, m.x, m.y, radius, String(m.label), markerStyle(params.markerFill, m.label));
    const meta: PositionMeta = {
      pairKind: kind,
      markers,
      cameraLabel,
      targetLabel,
      facing,
      options,
      compound,
      dx: geometry.dx,
      dd: geometry.dd,
      direction,
      letter,
      markerRadius: radius,
    };
    return {
      variant: kind,
      prompt: positionPrompt(cameraLabel, facing, targetLabel, options, kind),
      answer: letter,
      images: [{ name: 'marked', image }],
      meta: { ...meta },
    };
  },
});
