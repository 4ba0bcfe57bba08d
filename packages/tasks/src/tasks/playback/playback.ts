import { IMAGE_PLACEHOLDER } from '@spatial-ssrl/spec';
import { z } from 'zod';
import { defineTask, type ClipInput, type Task } from '../../task.js';
import { checkClipFrames, labelledFrame, labelList } from '../clip-frames.js';
import { isRejected } from '../rejection.js';

/** The two answers of the playback task. */
export const PLAYBACK_ANSWERS = ['forward', 'backward'] as const;

/**
 * Parameters of the playback task. `frames`: frames shown, 3-6 (default 4); `gap`: clip frames
 * between two shown frames (default 3); `backwardProbability`: chance of showing the frames in
 * reverse (default 0.5); `minDifference`: as in frame ordering, the smallest mean absolute
 * difference (0-255) between consecutive frames.
 */
export const playbackParams = z.strictObject({
  frames: z.number().int().min(3).max(6).default(4),
  gap: z.number().int().min(1).max(60).default(3),
  backwardProbability: z.number().min(0).max(1).default(0.5),
  minDifference: z.number().min(0).max(255).default(1),
});

/** Parameters of the playback task, defaults filled. */
export type PlaybackParams = z.infer<typeof playbackParams>;

/** Metadata of a playback sample. */
export interface PlaybackMeta {
  /** Clip frame index and time (seconds) of each shown image, in image order. */
  readonly frameIndices: readonly number[];
  readonly frameTimes: readonly number[];
  readonly gap: number | null;
}

/** The prompt for `n` frames, with one placeholder per frame. */
function playbackPrompt(n: number): string {
  return `The following ${n} frames of a video clip are shown in playback order and labeled ${labelList(n)}: ${IMAGE_PLACEHOLDER.repeat(n)}. Based on visual clues such as motion, the positions of objects, and changes of viewpoint, answer whether the clip is played forward or backward in time. The final answer should be chosen from 'forward' and 'backward'.`;
}

/**
 * Playback direction: `frames` frames of a clip, `gap` clip frames apart, are shown in time order
 * or reversed (labelled 0…n−1 in image order); the answer is `forward` or `backward`.
 */
export const playbackTask: Task<PlaybackParams, ClipInput> = defineTask<PlaybackParams, ClipInput>({
  id: 'playback',
  description: 'Playback direction: tell whether the frames of a clip are shown forward or backward in time.',
  needs: (params) => ({ kind: 'clip', sampling: { rule: 'window', frames: params.frames, gap: params.gap }, depth: false, cameras: false }),
  optIn: true,
  params: playbackParams,
  variants: (params) => [`${params.frames}-frames`],
  imageCount: (params) => params.frames,
  answerSpace: () => PLAYBACK_ANSWERS,
  // A mirrored frame is the same moment: the direction stays.
  mirrorAnswer: ({ answer }) => answer,
  difficulty: [
    { param: 'gap', min: 1, max: 5, harder: 'lower', description: 'clip frames between shown frames: closer frames show less motion' },
    { param: 'frames', min: 3, max: 6, harder: 'lower', description: 'frames shown: fewer frames carry less evidence of the direction' },
  ],
  generate(input, params, rng) {
    const frames = checkClipFrames(input, params.frames, params.minDifference);
    if (isRejected(frames)) return frames;
    const backward = rng.next() < params.backwardProbability;
    const shown = backward ? [...frames].reverse() : [...frames];
    const meta: PlaybackMeta = { frameIndices: shown.map((f) => f.index), frameTimes: shown.map((f) => f.time), gap: input.gap };
    return {
      variant: `${frames.length}-frames`,
      prompt: playbackPrompt(frames.length),
      answer: backward ? 'backward' : 'forward',
      images: shown.map((f, k) => ({ name: `frame-${k}`, image: labelledFrame(f.rgb, String(k)) })),
      meta: { ...meta },
    };
  },
});
