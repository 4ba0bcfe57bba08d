import { createRgb, fillRect, flipRgb, rotate90 } from '@spatial-ssrl/image';
import { describeTask } from '@spatial-ssrl/tasks/testing';
import { describe, expect, it } from 'vitest';
import { createRng } from '@spatial-ssrl/spec';
import { uprightTask } from './upright.js';

describeTask(uprightTask, { samples: 240 });
describeTask(uprightTask, { params: { layout: 'mixed' }, samples: 400 });

const source = { dataset: 'test', id: 'img' };

function scene(width: number, height: number) {
  const img = createRgb(width, height, [120, 180, 240]);
  fillRect(img, { x: 0, y: Math.floor(height * 0.6), width, height: height - Math.floor(height * 0.6) }, [60, 140, 50]);
  fillRect(img, { x: Math.floor(width * 0.2), y: Math.floor(height * 0.3), width: 10, height: 20 }, [200, 40, 40]);
  return img;
}

describe('upright task', () => {
  it('answers with the clockwise rotation that restores the square crop', () => {
    const rgb = scene(80, 60);
    const crop = { x: 10, y: 0, width: 60, height: 60 };
    for (let seed = 0; seed < 24; seed++) {
      const result = uprightTask.generate({ rgb, source }, uprightTask.params.parse({}), createRng(seed));
      if ('rejected' in result) throw new Error(result.reason);
      expect(result.meta.crop).toEqual(crop);
      let restored = result.images[0].image;
      for (let i = 0; i < Number(result.answer) / 90; i++) restored = rotate90(restored, 'cw');
      const expected = createRgb(60, 60);
      for (let y = 0; y < 60; y++) expected.data.set(rgb.data.subarray((y * 80 + 10) * 3, (y * 80 + 70) * 3), y * 180);
      expect(restored).toEqual(expected);
    }
  });

  it('keeps the full image in the full layout and swaps width and height on quarter turns', () => {
    const params = uprightTask.params.parse({ layout: 'full' });
    for (let seed = 0; seed < 16; seed++) {
      const result = uprightTask.generate({ rgb: scene(80, 60), source }, params, createRng(seed));
      if ('rejected' in result) throw new Error(result.reason);
      const { width, height } = result.images[0].image;
      const quarter = result.answer === '90' || result.answer === '270';
      expect([width, height]).toEqual(quarter ? [60, 80] : [80, 60]);
    }
  });

  it('rejects images that look the same when rotated', () => {
    const flat = createRgb(64, 64, [90, 90, 90]);
    const result = uprightTask.generate({ rgb: flat, source }, uprightTask.params.parse({}), createRng(1));
    expect(result).toMatchObject({ rejected: true, code: 'rotation-ambiguous' });
    const tiny = uprightTask.generate({ rgb: scene(20, 16), source }, uprightTask.params.parse({}), createRng(1));
    expect(tiny).toMatchObject({ rejected: true, code: 'too-small' });
  });
});

describe('upright task under a left-right mirror', () => {
  it('restores the mirrored picture by the opposite turn, upright as the mirrored crop', () => {
    const rgb = scene(80, 60);
    const params = uprightTask.params.parse({});
    for (let seed = 0; seed < 12; seed++) {
      const result = uprightTask.generate({ rgb, source }, params, createRng(seed));
      if ('rejected' in result) throw new Error(result.reason);
      const answer = uprightTask.mirrorAnswer!({ variant: result.variant, answer: result.answer, meta: result.meta })!;
      let restored = flipRgb(result.images[0].image, 'horizontal');
      for (let i = 0; i < Number(answer) / 90; i++) restored = rotate90(restored, 'cw');
      const upright = createRgb(60, 60);
      for (let y = 0; y < 60; y++) upright.data.set(rgb.data.subarray((y * 80 + 10) * 3, (y * 80 + 70) * 3), y * 180);
      expect(restored, `answer ${result.answer} mirrored to ${answer}`).toEqual(flipRgb(upright, 'horizontal'));
    }
  });
});
