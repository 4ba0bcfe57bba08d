import { cropRgb, rgbEquals, rotate90, type RgbImage } from '@spatial-ssrl/image';
import { createRng } from '@spatial-ssrl/spec';
import { describe, expect, it } from 'vitest';
import { describeTask } from '../../testing/index.js';
import { isRejection, type TaskSample } from '../../task.js';
import { inputOf, texturedRgb } from '../__fixtures__/inputs.js';
import { rotationParams, rotationTask, type RotationMeta } from './rotation.js';

describeTask(rotationTask, { samples: 240 });
describeTask(rotationTask, { params: { layout: 'full', angles: ['0', '180'] }, samples: 60 });

function firstSample(rgb: RgbImage, raw: unknown, seed: number): TaskSample {
  const params = rotationParams.parse(raw);
  for (let s = seed; ; s++) {
    const r = rotationTask.generate(inputOf(rgb), params, createRng(s));
    if (!isRejection(r)) return r;
  }
}

// The verifier: turn the picture back by the answer (counter-clockwise) and compare with the source.
function restore(sample: TaskSample): RgbImage {
  let out = sample.images[0].image;
  for (let k = 0; k < Number(sample.answer) / 90; k++) out = rotate90(out, 'ccw');
  return out;
}

describe('rotation', () => {
  it('restores the centred square crop of the source exactly when turned back by the answer', () => {
    const rgb = texturedRgb(90, 60, 3);
    const square = cropRgb(rgb, { x: 15, y: 0, width: 60, height: 60 });
    const seen = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      const sample = firstSample(rgb, {}, seed * 7);
      seen.add(sample.answer);
      expect(sample.images[0].image).toMatchObject({ width: 60, height: 60 });
      expect(rgbEquals(restore(sample), square)).toBe(true);
      expect((sample.meta as unknown as RotationMeta).angle).toBe(Number(sample.answer));
    }
    expect([...seen].sort()).toEqual(['0', '180', '270', '90']);
  });

  it('restores the whole picture with the full layout, whose quarter turns change the aspect', () => {
    const rgb = texturedRgb(48, 32, 4);
    for (let seed = 0; seed < 16; seed++) {
      const sample = firstSample(rgb, { layout: 'full' }, seed * 5);
      const quarter = sample.answer === '90' || sample.answer === '270';
      expect(sample.images[0].image).toMatchObject(quarter ? { width: 32, height: 48 } : { width: 48, height: 32 });
      expect(rgbEquals(restore(sample), rgb)).toBe(true);
    }
  });

  it('asks in the style of the paper and lists only the angles it draws from', () => {
    const sample = firstSample(texturedRgb(64, 64, 1), {}, 1);
    expect(sample.prompt).toBe(
      "<image>The image may have been rotated clockwise by 0, 90, 180, or 270 degrees. Based on visual clues such as gravity, the horizon, the orientation of objects and text, and other context, answer the angle by which the image has been rotated clockwise. The final answer should be chosen from '0', '90', '180', and '270'.",
    );
    const half = firstSample(texturedRgb(64, 64, 1), { angles: ['180', '0'] }, 1);
    expect(half.prompt).toContain("rotated clockwise by 0 or 180 degrees");
    expect(half.prompt).toContain("chosen from '0' and '180'.");
    expect(rotationTask.answerSpace(rotationParams.parse({ angles: ['270', '90'] }), 'square')).toEqual(['90', '270']);
  });

  it('rejects a picture that looks the same after a turn', () => {
    const flat: RgbImage = { width: 40, height: 40, data: new Uint8Array(40 * 40 * 3).fill(120) };
    const r = rotationTask.generate(inputOf(flat), rotationParams.parse({}), createRng(1));
    expect(isRejection(r) && r.code).toBe('rotation-ambiguous');
  });

  it('mirrors a clockwise turn into the opposite one', () => {
    const mirror = (answer: string) => rotationTask.mirrorAnswer!({ variant: 'square', answer, meta: {} });
    expect(['0', '90', '180', '270'].map(mirror)).toEqual(['0', '270', '180', '90']);
  });
});
