import type { ClipFrame } from '@spatial-ssrl/image';
import { describe, expect, it } from 'vitest';
import { describeTask } from '../../testing/index.js';
import { isAnswer } from '../../task.js';
import { writeClipSamples, type WrittenClipSample } from '../__fixtures__/clip-samples.js';
import { tempDirs, useTestVideo } from '../__fixtures__/test-video.js';
import { matchShownFrames } from '../__fixtures__/verify.js';
import { frameOrderParams, frameOrderTask, type FrameOrderMeta } from './frame-order.js';

describeTask(frameOrderTask, { samples: 240 });
describeTask(frameOrderTask, { params: { frames: 3, gap: 2 }, samples: 120 });

const dirs = tempDirs();

// The verifier: which decoded frame each shown image is, by pixels; the answer lists the images
// from the earliest to the latest, so following it must visit the frames in clip order.
function verify(sample: WrittenClipSample, decoded: readonly ClipFrame[]): void {
  const matched = matchShownFrames(sample.shown, decoded);
  const order = sample.record.answer.split('-').map(Number);
  const visited = order.map((k) => matched[k].index);
  expect(visited).toEqual([...visited].sort((a, b) => a - b));
  expect(new Set(visited).size).toBe(visited.length);
  expect(matched.map((f) => f.index)).toEqual((sample.record.meta as unknown as FrameOrderMeta).frameIndices);
  // Any other order of the same images does not restore the clip order.
  const swapped = [...order];
  [swapped[0], swapped[1]] = [swapped[1], swapped[0]];
  const wrong = swapped.map((k) => matched[k].index);
  expect(wrong).not.toEqual([...wrong].sort((a, b) => a - b));
}

describe('frame-order on an mp4 made by ffmpeg', () => {
  const video = useTestVideo('frame-order');

  it('writes samples whose answer restores the decoded frames\' order', async (ctx) => {
    video.need(ctx);
    const run = await writeClipSamples({ task: frameOrderTask, params: { frames: 5, gap: 2 }, clips: `video:${video.path()}`, count: 12, seed: 3 });
    dirs.track(run.out);
    expect(run.samples).toHaveLength(12);
    for (const sample of run.samples) {
      expect(sample.shown).toHaveLength(5);
      expect(isAnswer(frameOrderTask.answerSpace(frameOrderParams.parse({ frames: 5 }), '5-frames'), sample.record.answer)).toBe(true);
      verify(sample, await run.framesOf(sample.record.source.id));
    }
  }, 120_000);
});

describe('frame-order on fly-throughs', () => {
  it('writes samples whose answer restores the rendered frames\' order', async () => {
    const run = await writeClipSamples({ task: frameOrderTask, clips: 'flythrough:3:64x48:12', count: 8, seed: 1 });
    dirs.track(run.out);
    expect(run.samples).toHaveLength(8);
    for (const sample of run.samples) verify(sample, await run.framesOf(sample.record.source.id));
  }, 120_000);
});
