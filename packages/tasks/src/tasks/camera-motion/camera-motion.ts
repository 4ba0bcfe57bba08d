import { relativePose, type CameraView } from '@spatial-ssrl/image';
import { IMAGE_PLACEHOLDER, promptWords } from '@spatial-ssrl/spec';
import { z } from 'zod';
import { defineTask, type ClipInput, type Task, type TaskRejection } from '../../task.js';
import { checkClipFrames, labelledFrame } from '../clip-frames.js';
import { isRejected, reject } from '../rejection.js';

const DEG = 180 / Math.PI;

/** Every answer of the camera-motion task, in prompt order. */
export const CAMERA_MOTION_ANSWERS = ['move left', 'move right', 'move forward', 'move backward', 'turn left', 'turn right'] as const;

/** One answer of the camera-motion task. */
export type CameraMotionAnswer = (typeof CAMERA_MOTION_ANSWERS)[number];

/**
 * Parameters of the camera-motion task. `gap`: clip frames between the two shown frames
 * (default 3: at 10 fps, 0.3 s); `minTranslation`: metres the camera must move for a `move`
 * answer (default 0.3); `minTurn`: degrees it must turn for a `turn` answer (default 3);
 * `dominance`: how many times the named motion must exceed every other one (the other
 * horizontal axis, the vertical axis, and the other kind of motion measured against its own
 * threshold), so the answer is unambiguous (default 3); `minDifference`: mean absolute
 * difference (0-255) the two frames must have.
 */
export const cameraMotionParams = z.strictObject({
  gap: z.number().int().min(1).max(60).default(3),
  minTranslation: z.number().positive().max(100).default(0.3),
  minTurn: z.number().positive().max(90).default(3),
  dominance: z.number().min(1).max(100).default(3),
  minDifference: z.number().min(0).max(255).default(1),
});

/** Parameters of the camera-motion task, defaults filled. */
export type CameraMotionParams = z.infer<typeof cameraMotionParams>;

/**
 * How camera 2 sits relative to camera 1, in camera 1's frame (OpenCV axes: x right, y down,
 * z forward): the translation in metres and the turn about the vertical axis in degrees
 * (positive to the right), and the tilt of its optical axis in degrees (positive up).
 */
export interface RelativeMotion {
  readonly right: number;
  readonly down: number;
  readonly forward: number;
  readonly turnDeg: number;
  readonly tiltDeg: number;
}

/** Metadata of a camera-motion sample. */
export interface CameraMotionMeta extends RelativeMotion {
  /** Whether the later frame is shown first (image 0). */
  readonly reversed: boolean;
  /** Clip frame index and time (seconds) of the two shown frames, in image order. */
  readonly frameIndices: readonly number[];
  readonly frameTimes: readonly number[];
  readonly gap: number | null;
}

const CAMERA_MOTION_PROMPT = `The following 2 frames of a video clip are labeled 0 and 1: ${IMAGE_PLACEHOLDER.repeat(2)}. The camera moved from where it was in frame 0 to where it is in frame 1. Based on visual clues such as how objects shift, grow or shrink, and how the whole view slides, answer how the camera moved, relative to where it was facing in frame 0. The final answer should be chosen from ${CAMERA_MOTION_ANSWERS.map((a) => `'${a}'`).join(', ').replace(/, ('turn right')$/, ', and $1')}.`;

/**
 * The pose of camera `b` relative to camera `a`, in `a`'s frame: translation (metres), turn about
 * `a`'s vertical axis (degrees, positive to the right: the heading of `b`'s optical axis in `a`'s
 * frame) and tilt (degrees, positive up: its elevation). Roll about the optical axis is not
 * measured: cameras that turn while pitched roll slightly by construction.
 */
export function relativeMotion(a: CameraView, b: CameraView): RelativeMotion {
  const rel = relativePose(a.pose, b.pose);
  const r = rel.rotation;
  // b's forward axis in a's frame is the third column of R = R_aᵀ R_b: its heading is the turn,
  // its elevation (y points down) the tilt.
  const turn = Math.atan2(r[2], r[8]);
  const tilt = Math.atan2(-r[5], Math.hypot(r[2], r[8]));
  return { right: rel.position[0], down: rel.position[1], forward: rel.position[2], turnDeg: turn * DEG, tiltDeg: tilt * DEG };
}

/**
 * The answer for a relative motion under `params`, or a rejection when no single motion
 * dominates: `too-little-motion`, `mixed-motion` (moves and turns), `oblique-motion` (moves
 * along two axes), `vertical-motion`, `tilt`.
 */
export function classifyMotion(m: RelativeMotion, params: CameraMotionParams): CameraMotionAnswer | TaskRejection {
  const { minTranslation, minTurn, dominance } = params;
  const turn = Math.abs(m.turnDeg);
  const horizontal = Math.hypot(m.right, m.forward);
  if (Math.abs(m.tiltDeg) > minTurn / dominance) {
    return reject('tilt', `the camera tilts by ${m.tiltDeg.toFixed(2)}° (more than ${(minTurn / dominance).toFixed(2)}°), so a turn or move does not describe it`);
  }
  // Each motion measured against its own threshold, so metres and degrees compare.
  const moveScore = Math.hypot(horizontal, m.down) / minTranslation;
  const turnScore = turn / minTurn;
  if (moveScore < 1 && turnScore < 1) {
    return reject('too-little-motion', `the camera moves ${horizontal.toFixed(3)} m and turns ${turn.toFixed(2)}°, below ${minTranslation} m and ${minTurn}°`);
  }
  if (Math.min(moveScore, turnScore) * dominance > Math.max(moveScore, turnScore)) {
    return reject('mixed-motion', `the camera both moves ${horizontal.toFixed(3)} m and turns ${turn.toFixed(2)}°; neither dominates ${dominance}×`);
  }
  if (turnScore > moveScore) return m.turnDeg > 0 ? 'turn right' : 'turn left';
  const sideways = Math.abs(m.right);
  const along = Math.abs(m.forward);
  if (Math.abs(m.down) * dominance > Math.max(sideways, along)) {
    return reject('vertical-motion', `the camera moves ${Math.abs(m.down).toFixed(3)} m vertically, not ${dominance}× less than horizontally`);
  }
  if (Math.min(sideways, along) * dominance > Math.max(sideways, along)) {
    return reject('oblique-motion', `the camera moves ${m.right.toFixed(3)} m right and ${m.forward.toFixed(3)} m forward; neither axis dominates ${dominance}×`);
  }
  if (sideways > along) return m.right > 0 ? 'move right' : 'move left';
  return m.forward > 0 ? 'move forward' : 'move backward';
}

const MIRRORED: Readonly<Record<string, string>> = {
  'move left': 'move right',
  'move right': 'move left',
  'move forward': 'move forward',
  'move backward': 'move backward',
  'turn left': 'turn right',
  'turn right': 'turn left',
};

/**
 * Camera motion: two frames of a clip with known cameras (a synthetic fly-through), `gap` clip
 * frames apart, shown in time order or reversed (drawn from the seed); the answer is how the camera moved between them in the first
 * camera's frame — `move left|right|forward|backward` or `turn left|right` — computed from the
 * two poses. Pairs where no one motion dominates are rejected with the reason.
 */
export const cameraMotionTask: Task<CameraMotionParams, ClipInput> = defineTask<CameraMotionParams, ClipInput>({
  id: 'camera-motion',
  description: 'Camera motion: tell from two frames whether the camera moved left, right, forward or backward, or turned left or right.',
  needs: (params) => ({ kind: 'clip', sampling: { rule: 'window', frames: 2, gap: params.gap }, depth: false, cameras: true }),
  optIn: true,
  params: cameraMotionParams,
  variants: () => ['2-frames'],
  imageCount: () => 2,
  answerSpace: () => CAMERA_MOTION_ANSWERS,
  // Mirrored frames swap left and right, of moves and of turns alike.
  mirrorAnswer: ({ answer }) => MIRRORED[answer] ?? null,
  recognizePrompt: (words) => (words === promptWords(CAMERA_MOTION_PROMPT) ? '2-frames' : null),
  difficulty: [
    { param: 'gap', min: 2, max: 8, harder: 'lower', description: 'clip frames between the two shown frames: closer frames show less motion' },
    { param: 'minTranslation', min: 0.05, max: 0.8, harder: 'lower', description: 'metres the camera must move for a move answer' },
    { param: 'minTurn', min: 0.5, max: 7, harder: 'lower', description: 'degrees the camera must turn for a turn answer' },
  ],
  generate(input, params, rng) {
    const checked = checkClipFrames(input, 2, params.minDifference);
    if (isRejected(checked)) return checked;
    // Half the pairs are shown latest first: the question is about the shown order, and a
    // reversed pair swaps every answer with its opposite, so the answers stay balanced
    // whichever way a source's cameras tend to move.
    const reversed = rng.chance(0.5);
    const frames = reversed ? [checked[1], checked[0]] : [checked[0], checked[1]];
    const [a, b] = frames;
    if (!a.camera || !b.camera) return reject('cameras-required', 'this task needs the camera of each frame (a fly-through); the clip has none');
    const motion = relativeMotion(a.camera, b.camera);
    const answer = classifyMotion(motion, params);
    if (typeof answer !== 'string') return answer;
    const meta: CameraMotionMeta = { ...motion, reversed, frameIndices: [a.index, b.index], frameTimes: [a.time, b.time], gap: input.gap };
    return {
      variant: '2-frames',
      prompt: CAMERA_MOTION_PROMPT,
      answer,
      images: frames.map((f, k) => ({ name: `frame-${k}`, image: labelledFrame(f.rgb, String(k)) })),
      meta: { ...meta },
    };
  },
});
