import { IMAGE_PLACEHOLDER, promptWords } from '@spatial-ssrl/spec';
import { z } from 'zod';
import { defineTask, type ClipInput, type Task } from '../../task.js';
import { checkClipFrames, labelledFrame, labelList, ordinalFormat } from '../clip-frames.js';
import { argsort } from '../grid.js';
import { isRejected, reject } from '../rejection.js';

/**
 * Parameters of the frame-order task. `frames`: frames shown, 3-6 (default 4); `gap`: frames of
 * the clip between two shown frames (default 3: at 10 fps, 0.3 s); `minDifference`: mean
 * absolute difference (0-255) two consecutive shown frames must have, else nothing moves and
 * the clip is rejected.
 */
export const frameOrderParams = z.strictObject({
  frames: z.number().int().min(3).max(6).default(4),
  gap: z.number().int().min(1).max(60).default(3),
  minDifference: z.number().min(0).max(255).default(1),
});

/** Parameters of the frame-order task, defaults filled. */
export type FrameOrderParams = z.infer<typeof frameOrderParams>;

/** Metadata of a frame-order sample. */
export interface FrameOrderMeta {
  /** `permutation[k]` = the position in time (0 = earliest) of the frame shown as image `k`. */
  readonly permutation: readonly number[];
  /** Clip frame index and time (seconds) of each shown image, in image order. */
  readonly frameIndices: readonly number[];
  readonly frameTimes: readonly number[];
  /** Gap between consecutive frames in time, clip frames. */
  readonly gap: number | null;
}

/** The prompt for `n` frames, with one placeholder per frame (in the style of the shuffle prompts). */
function frameOrderPrompt(n: number): string {
  return `The following ${n} frames of a video clip are shown in shuffled order and labeled ${labelList(n)}: ${IMAGE_PLACEHOLDER.repeat(n)}. Based on visual clues such as motion, the positions of objects, and changes of viewpoint, answer the chronological order of the frames, where the format is '${ordinalFormat(n)}'.`;
}

/**
 * Frame ordering: `frames` frames of a clip, `gap` clip frames apart, are shown shuffled (never
 * in order) and labelled 0…n−1 in image order; the answer is the labels from the earliest frame
 * to the latest, joined by `-` (the shuffle task's answer style), e.g. `2-0-3-1`.
 */
export const frameOrderTask: Task<FrameOrderParams, ClipInput> = defineTask<FrameOrderParams, ClipInput>({
  id: 'frame-order',
  description: 'Frame ordering: put 3-6 shuffled, labelled frames of a clip back in chronological order.',
  needs: (params) => ({ kind: 'clip', sampling: { rule: 'window', frames: params.frames, gap: params.gap }, depth: false, cameras: false }),
  optIn: true,
  params: frameOrderParams,
  variants: (params) => [`${params.frames}-frames`],
  imageCount: (params) => params.frames,
  answerSpace: (params) => ({ kind: 'permutation', pieces: params.frames, identity: false }),
  // A mirrored frame is the same moment: the order stays.
  mirrorAnswer: ({ answer }) => answer,
  recognizePrompt: (words) => {
    for (let n = 3; n <= 6; n++) if (promptWords(frameOrderPrompt(n)) === words) return `${n}-frames`;
    return null;
  },
  // An ordering: credit per position, as the fraction of frames put at their moment.
  partialCredit: { kind: 'positions', scale: 1, identity: false },
  difficulty: [
    { param: 'gap', min: 1, max: 5, harder: 'lower', description: 'clip frames between shown frames: closer frames differ less' },
    { param: 'frames', min: 3, max: 6, harder: 'higher', description: 'frames to order: more positions to get right' },
  ],
  generate(input, params, rng) {
    const frames = checkClipFrames(input, params.frames, params.minDifference);
    if (isRejected(frames)) return frames;
    const n = frames.length;
    const permutation = rng.shuffle(Array.from({ length: n }, (_, i) => i));
    if (permutation.every((v, i) => v === i)) return reject('identity-permutation', 'the drawn shuffle shows the frames in order, so there is nothing to restore');
    const shown = permutation.map((t) => frames[t]);
    const meta: FrameOrderMeta = { permutation, frameIndices: shown.map((f) => f.index), frameTimes: shown.map((f) => f.time), gap: input.gap };
    return {
      variant: `${n}-frames`,
      prompt: frameOrderPrompt(n),
      answer: argsort(permutation).join('-'),
      images: shown.map((f, k) => ({ name: `frame-${k}`, image: labelledFrame(f.rgb, String(k)) })),
      meta: { ...meta },
    };
  },
});
