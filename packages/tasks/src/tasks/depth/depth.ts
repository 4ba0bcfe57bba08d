import { cloneRgb, drawMarker, markerRadiusFor } from '@spatial-ssrl/image';
import { z } from 'zod';
import { IMAGE_PLACEHOLDER, promptWords } from '@spatial-ssrl/spec';
import { defineTask, type Task } from '../../task.js';
import { checkRgb, requireDepth } from '../input-checks.js';
import { markerStyle } from '../marker-geometry.js';
import { isRejected, reject } from '../rejection.js';
import { percentileNormalise } from './depth-normalise.js';
import { pickRegions } from './depth-regions.js';

const band = z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]);
const windowRule = z.strictObject({
  size: z.number().int().min(1).max(255).refine((s) => s % 2 === 1, { message: 'window size must be odd' }),
  maxRange: z.number().positive().max(1),
});

/**
 * Parameters of the depth-ordering task (defaults are the reference's). `percentiles`: the
 * normalisation percentiles, 0-100 (0.5, 99.5); `bands`: three ascending, disjoint ranges of
 * normalised depth for the regions ([0, 0.3], [0.35, 0.65], [0.7, 1]); `window`: the candidate
 * window (25 px, range < 0.15); `fallbackWindow`: used for a band without candidates (11 px,
 * range < 0.2); `markerRadius`: pixels, or `auto` for the image package's `markerRadiusFor`;
 * `markerFill`: `white` (the reference's markers) or `by-label` (each label its own disk colour,
 * so that a model seeing the image at a few dozen pixels can tell the markers apart; not the paper's).
 */
export const depthParams = z.strictObject({
  percentiles: z
    .tuple([z.number().min(0).max(100), z.number().min(0).max(100)])
    .refine(([lo, hi]) => lo < hi, { message: 'the low percentile must be below the high one' })
    .default([0.5, 99.5]),
  bands: z
    .tuple([band, band, band])
    .refine((bs) => bs.every(([lo, hi], i) => lo <= hi && (i === 0 || lo > bs[i - 1][1])), {
      message: 'bands must be ascending and disjoint',
    })
    .default([
      [0, 0.3],
      [0.35, 0.65],
      [0.7, 1],
    ]),
  window: windowRule.default({ size: 25, maxRange: 0.15 }),
  fallbackWindow: windowRule.default({ size: 11, maxRange: 0.2 }),
  markerRadius: z.union([z.literal('auto'), z.number().int().min(3).max(512)]).default('auto'),
  markerFill: z.enum(['white', 'by-label']).default('white'),
});

/** Parameters of the depth-ordering task, defaults filled. */
export type DepthParams = z.infer<typeof depthParams>;

/** One marked region of a depth sample. */
interface DepthMarker {
  readonly label: number;
  /** Centre pixel. */
  readonly x: number;
  readonly y: number;
  /** Index of the depth band (0 = nearest). */
  readonly band: number;
  /** Depth at the centre in the source unit, and normalised to [0, 1]. */
  readonly depth: number;
  readonly normalised: number;
  /** Side of the window that qualified the centre, pixels. */
  readonly window: number;
}

/** Metadata of a depth sample. */
export interface DepthMeta {
  readonly markers: readonly DepthMarker[];
  readonly bands: readonly (readonly [number, number])[];
  /** Normalisation percentiles in the source unit. */
  readonly pLo: number;
  readonly pHi: number;
  readonly markerRadius: number;
  /** Marker labels from nearest to farthest (the answer as numbers). */
  readonly order: readonly number[];
}

/** The reference prompt, verbatim. */
export const DEPTH_PROMPT =
  "The original image has three regions marked as 1, 2, and 3. Consider the content, positional relationships, depths of the three regions and other cues, and sort the depths of the three regions from smallest to largest from the camera, where the format of the answer is 'Smallest-Middle-Largest'.";

const ANSWERS: readonly string[] = ['1-2-3', '1-3-2', '2-1-3', '2-3-1', '3-1-2', '3-2-1'];

/**
 * Regional depth ordering: three flat regions are picked in three depth bands, marked 1-3 in a
 * random order on the image at its own resolution, and the answer lists the labels from nearest
 * to farthest, e.g. `3-1-2`.
 */
export const depthTask: Task<DepthParams> = defineTask<DepthParams>({
  id: 'depth',
  description: 'Regional depth ordering: sort three marked regions from nearest to farthest.',
  needs: 'rgbd',
  params: depthParams,
  variants: () => ['3-regions'],
  imageCount: () => 1,
  answerSpace: () => ANSWERS,
  // Mirroring moves the markers, not their depths: the order of the labels stays.
  mirrorAnswer: ({ answer }) => (ANSWERS.includes(answer) ? answer : null),
  recognizePrompt: (words) => (words === promptWords(DEPTH_PROMPT) ? '3-regions' : null),
  // A ranking of the labels 1-3: credit per position; `1-2-3` is a possible answer.
  partialCredit: { kind: 'positions', scale: 1, identity: true },
  difficulty: [
    {
      param: 'window.maxRange',
      min: 0.05,
      max: 0.25,
      harder: 'higher',
      description: 'largest range of normalised depth inside a marked region: higher admits regions whose depth is less uniform',
    },
  ],
  lowResolutionParams: { markerRadius: 16, markerFill: 'by-label' },
  generate(input, params, rng) {
    const bad = checkRgb(input.rgb);
    if (bad) return bad;
    const depth = requireDepth(input);
    if (isRejected(depth)) return depth;
    const { width, height } = input.rgb;
    const radius = params.markerRadius === 'auto' ? markerRadiusFor(width, height) : params.markerRadius;
    const minSide = Math.max(params.fallbackWindow.size, 2 * radius + 1);
    if (width < minSide || height < minSide) {
      return reject('image-too-small', `${width}×${height} cannot hold a ${params.fallbackWindow.size}-px window and a ${radius}-px marker`);
    }
    const normalised = percentileNormalise(depth, params.percentiles[0], params.percentiles[1]);
    if (isRejected(normalised)) return normalised;
    const picks = pickRegions(normalised, width, height, params.bands, [params.window, params.fallbackWindow], radius, rng);
    if (!Array.isArray(picks)) {
      const [lo, hi] = params.bands[picks.band];
      return picks.failure === 'no-region'
        ? reject('no-region', `no flat region with normalised depth in [${lo}, ${hi}]`)
        : reject('markers-overlap', `every region in [${lo}, ${hi}] lies under another marker`);
    }
    const labels = rng.shuffle([1, 2, 3]);
    const image = cloneRgb(input.rgb);
    const markers: DepthMarker[] = picks.map((p, b) => {
      const i = p.y * width + p.x;
      return { label: labels[b], x: p.x, y: p.y, band: b, depth: depth.data[i], normalised: normalised.at(i), window: p.window };
    });
    const byLabel = markers.slice().sort((a, b) => a.label - b.label);
    for (const m of byLabel) drawMarker(image, m.x, m.y, radius, String(m.label), markerStyle(params.markerFill, m.label));
    const meta: DepthMeta = {
      markers: byLabel,
      bands: params.bands,
      pLo: normalised.pLo,
      pHi: normalised.pHi,
      markerRadius: radius,
      order: labels,
    };
    return {
      variant: '3-regions',
      prompt: IMAGE_PLACEHOLDER + DEPTH_PROMPT,
      answer: labels.join('-'),
      images: [{ name: 'marked', image }],
      meta: { ...meta },
    };
  },
});
