import type { CameraView, Matrix3 } from '@spatial-ssrl/image';
import { planFlythrough, sceneSeed } from '@spatial-ssrl/scenes';
import { createRng } from '@spatial-ssrl/spec';
import { describe, expect, it } from 'vitest';
import { describeTask } from '../../testing/index.js';
import { isRejection, type ClipInput } from '../../task.js';
import { writeClipSamples } from '../__fixtures__/clip-samples.js';
import { tempDirs } from '../__fixtures__/test-video.js';
import { matchShownFrames } from '../__fixtures__/verify.js';
import { CAMERA_MOTION_ANSWERS, cameraMotionParams, cameraMotionTask, classifyMotion, type CameraMotionMeta } from './camera-motion.js';

describeTask(cameraMotionTask, { samples: 240 });
describeTask(cameraMotionTask, { params: { gap: 5, minTranslation: 0.5, minTurn: 5 }, samples: 120, minAcceptRate: 0.3 });

const dirs = tempDirs();

const params = cameraMotionParams.parse({});

// A camera at (x, 1.5, z) heading `yawDeg` (clockwise from +z seen from above, so positive
// turns right), level, in a world whose y axis points up: camera x right, y down, z forward.
function camera(x: number, z: number, yawDeg: number, pitchDeg = 0): CameraView {
  const yaw = (yawDeg * Math.PI) / 180;
  const p = (pitchDeg * Math.PI) / 180;
  const forward = [Math.sin(yaw) * Math.cos(p), -Math.sin(p), Math.cos(yaw) * Math.cos(p)];
  const right = [Math.cos(yaw), 0, -Math.sin(yaw)];
  // down = forward × right
  const down = [forward[1] * right[2] - forward[2] * right[1], forward[2] * right[0] - forward[0] * right[2], forward[0] * right[1] - forward[1] * right[0]];
  const rotation = [right[0], down[0], forward[0], right[1], down[1], forward[1], right[2], down[2], forward[2]] as unknown as Matrix3;
  return { width: 64, height: 48, intrinsics: { fx: 60, fy: 60, cx: 32, cy: 24 }, pose: { position: [x, 1.5, z], rotation } };
}

function clipOf(a: CameraView, b: CameraView): ClipInput {
  const rgb = (shade: number) => ({ width: 64, height: 48, data: new Uint8Array(64 * 48 * 3).map((_, i) => (i * 7 + shade) % 251) });
  return {
    kind: 'clip',
    frames: [
      { index: 0, time: 0, rgb: rgb(0), camera: a },
      { index: 3, time: 0.3, rgb: rgb(90), camera: b },
    ],
    frameCount: 4,
    frameRate: 10,
    gap: 3,
    source: { dataset: 'fixture', id: 'two-cameras' },
  };
}

/** The answer a pair of headed positions implies, from world coordinates alone (no camera matrices). */
function expectedAnswer(p0: readonly number[], yaw0: number, p1: readonly number[], yaw1: number): { answer: string; margin: number } {
  const y = (yaw0 * Math.PI) / 180;
  const dx = p1[0] - p0[0];
  const dz = p1[2] - p0[2];
  const along = dx * Math.sin(y) + dz * Math.cos(y);
  const side = dx * Math.cos(y) - dz * Math.sin(y);
  const turn = yaw1 - yaw0;
  const scores = [
    { answer: side > 0 ? 'move right' : 'move left', score: Math.abs(side) / params.minTranslation },
    { answer: along > 0 ? 'move forward' : 'move backward', score: Math.abs(along) / params.minTranslation },
    { answer: turn > 0 ? 'turn right' : 'turn left', score: Math.abs(turn) / params.minTurn },
  ].sort((a, b) => b.score - a.score);
  return { answer: scores[0].answer, margin: scores[0].score / Math.max(scores[1].score, 1e-9) };
}

const OPPOSITE: Record<string, string> = {
  'move left': 'move right',
  'move right': 'move left',
  'move forward': 'move backward',
  'move backward': 'move forward',
  'turn left': 'turn right',
  'turn right': 'turn left',
};

describe('camera-motion answers', () => {
  const cases: [string, CameraView, string][] = [
    ['move right', camera(0.5, 0, 0), 'moved 0.5 m along +x while heading +z'],
    ['move left', camera(-0.5, 0, 0), 'moved 0.5 m along −x'],
    ['move forward', camera(0, 0.6, 0), 'moved 0.6 m ahead'],
    ['move backward', camera(0, -0.6, 0), 'moved 0.6 m back'],
    ['turn right', camera(0, 0, 8), 'turned 8° clockwise seen from above'],
    ['turn left', camera(0, 0, -8), 'turned 8° anticlockwise'],
  ];
  for (const [answer, second, what] of cases) {
    it(`answers '${answer}' when the camera ${what}, and the opposite when shown reversed`, () => {
      const seen = new Set<boolean>();
      for (let seed = 0; seed < 16; seed++) {
        const result = cameraMotionTask.generate(clipOf(camera(0, 0, 0), second), params, createRng(seed));
        if (isRejection(result)) throw new Error(result.reason);
        const meta = result.meta as unknown as CameraMotionMeta;
        seen.add(meta.reversed);
        expect(result.answer).toBe(meta.reversed ? OPPOSITE[answer] : answer);
        expect(meta.frameIndices).toEqual(meta.reversed ? [3, 0] : [0, 3]);
      }
      expect(seen).toEqual(new Set([true, false]));
    });
  }

  it('measures motion in the first camera\'s frame: a camera heading +x that moves along +x moves forward', () => {
    expect(classifyMotion({ right: 0, down: 0, forward: 0.5, turnDeg: 0, tiltDeg: 0 }, params)).toBe('move forward');
    const result = cameraMotionTask.generate(clipOf(camera(0, 0, 90, 8), camera(0.5, 0, 90, 8)), params, createRng(2));
    if (isRejection(result)) throw new Error(result.reason);
    expect(result.answer).toBe((result.meta as unknown as CameraMotionMeta).reversed ? 'move backward' : 'move forward');
  });

  it('rejects pairs where no single motion dominates, naming why', () => {
    const code = (a: CameraView, b: CameraView) => {
      const r = cameraMotionTask.generate(clipOf(a, b), params, createRng(1));
      return isRejection(r) ? r.code : r.answer;
    };
    expect(code(camera(0, 0, 0), camera(0, 0.6, 8))).toBe('mixed-motion');
    expect(code(camera(0, 0, 0), camera(0.4, 0.4, 0))).toBe('oblique-motion');
    expect(code(camera(0, 0, 0), camera(0.1, 0, 1))).toBe('too-little-motion');
    expect(code(camera(0, 0, 0, 0), camera(0, 0, 0, 6))).toBe('tilt');
    const noCameras = clipOf(camera(0, 0, 0), camera(1, 0, 0));
    const stripped: ClipInput = { ...noCameras, frames: noCameras.frames.map(({ camera: _, ...f }) => f) };
    const r = cameraMotionTask.generate(stripped, params, createRng(1));
    expect(isRejection(r) && r.code).toBe('cameras-required');
  });

  it('declares six answers, chance 1/6, and swaps left and right under mirroring', () => {
    expect(cameraMotionTask.answerSpace(params, '2-frames')).toEqual(CAMERA_MOTION_ANSWERS);
    const mirror = (answer: string) => cameraMotionTask.mirrorAnswer!({ variant: '2-frames', answer, meta: {} });
    expect(CAMERA_MOTION_ANSWERS.map(mirror)).toEqual(['move right', 'move left', 'move forward', 'move backward', 'turn right', 'turn left']);
  });
});

// The verifier: which rendered frames were shown, by pixels; then the motion between their
// poses, recomputed from the fly-through plan's world positions and headings alone.
describe('camera-motion on fly-throughs', () => {
  it('writes samples whose answer agrees with the planned camera poses', async () => {
    const frames = 24;
    const run = await writeClipSamples({ task: cameraMotionTask, clips: `flythrough:6:64x48:${frames}`, count: 16, seed: 2 });
    dirs.track(run.out);
    expect(run.samples).toHaveLength(16);
    const answers = new Set<string>();
    for (const sample of run.samples) {
      const meta = sample.record.meta as unknown as CameraMotionMeta;
      const matched = matchShownFrames(sample.shown, await run.framesOf(sample.record.source.id));
      expect(matched.map((f) => f.index)).toEqual(meta.frameIndices);
      const index = Number(sample.record.source.id.replace('flythrough-', ''));
      const plan = planFlythrough({ seed: sceneSeed(0, index), frames, fps: 10 });
      const [p0, p1] = meta.frameIndices.map((k) => plan.poses[k]);
      const expected = expectedAnswer(p0.position, p0.yawDeg, p1.position, p1.yawDeg);
      expect(sample.record.answer, `${sample.record.source.id} frames ${meta.frameIndices.join(', ')}`).toBe(expected.answer);
      expect(expected.margin).toBeGreaterThanOrEqual(params.dominance * 0.9);
      answers.add(sample.record.answer);
    }
    expect(answers.size).toBeGreaterThanOrEqual(3);
  }, 300_000);
});
