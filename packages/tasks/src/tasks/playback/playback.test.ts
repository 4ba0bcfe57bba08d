import type { ClipFrame } from '@spatial-ssrl/image';
import { createRng } from '@spatial-ssrl/spec';
import { describe, expect, it } from 'vitest';
import { syntheticClipInputs } from '../../testing/synthetic-source.js';
import { describeTask } from '../../testing/index.js';
import { isRejection, type ClipInput } from '../../task.js';
import { writeClipSamples, type WrittenClipSample } from '../__fixtures__/clip-samples.js';
import { tempDirs, useTestVideo } from '../__fixtures__/test-video.js';
import { matchShownFrames } from '../__fixtures__/verify.js';
import { playbackParams, playbackTask } from './playback.js';

describeTask(playbackTask, { samples: 200 });

const dirs = tempDirs();

// The verifier: the timestamps of the decoded frames the shown images are (matched by pixels)
// rise for `forward` and fall for `backward`.
function verify(sample: WrittenClipSample, decoded: readonly ClipFrame[]): string {
  const times = matchShownFrames(sample.shown, decoded).map((f) => f.time);
  const rising = times.every((t, i) => i === 0 || t > times[i - 1]);
  const falling = times.every((t, i) => i === 0 || t < times[i - 1]);
  expect(rising || falling).toBe(true);
  expect(sample.record.answer).toBe(rising ? 'forward' : 'backward');
  return sample.record.answer;
}

describe('playback on an mp4 made by ffmpeg', () => {
  const video = useTestVideo('playback');

  it('answers forward exactly when the decoded frames\' timestamps rise', async (ctx) => {
    video.need(ctx);
    const run = await writeClipSamples({ task: playbackTask, params: { frames: 3, gap: 4 }, clips: `video:${video.path()}`, count: 16, seed: 2 });
    dirs.track(run.out);
    const answers = new Set<string>();
    for (const sample of run.samples) answers.add(verify(sample, await run.framesOf(sample.record.source.id)));
    expect([...answers].sort()).toEqual(['backward', 'forward']);
  }, 120_000);
});

describe('playback on fly-throughs', () => {
  it('answers forward exactly when the rendered frames\' timestamps rise', async () => {
    const run = await writeClipSamples({ task: playbackTask, clips: 'flythrough:2:64x48:12', count: 8, seed: 4 });
    dirs.track(run.out);
    for (const sample of run.samples) verify(sample, await run.framesOf(sample.record.source.id));
  }, 120_000);

  it('follows backwardProbability', () => {
    const inputs = syntheticClipInputs({ rule: 'window', frames: 4, gap: 3 }, { width: 64, height: 48, pool: 2 });
    for (const [p, expected] of [
      [0, 'forward'],
      [1, 'backward'],
    ] as const) {
      const params = playbackParams.parse({ backwardProbability: p });
      for (let i = 0; i < 4; i++) {
        const r = playbackTask.generate(inputs(i) as ClipInput, params, createRng(i));
        expect(!isRejection(r) && r.answer).toBe(expected);
      }
    }
  });
});
