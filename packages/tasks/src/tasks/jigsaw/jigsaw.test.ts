import type { RgbImage } from '@spatial-ssrl/image';
import { createRng } from '@spatial-ssrl/spec';
import { describe, expect, it } from 'vitest';
import { describeTask } from '../../testing/index.js';
import { answerCount, isAnswer, isRejection, type TaskSample } from '../../task.js';
import { inputOf, texturedRgb } from '../__fixtures__/inputs.js';
import { verifyShuffle } from '../__fixtures__/verify.js';
import { jigsawParams, jigsawTask, type JigsawMeta } from './jigsaw.js';

describeTask(jigsawTask, { samples: 200 });
describeTask(jigsawTask, { params: { rows: 2, cols: 2 }, samples: 200 });
describeTask(jigsawTask, { params: { rows: 4, cols: 4 }, samples: 100, width: 320, height: 256 });

function firstSample(rgb: RgbImage, raw: unknown, seed: number): TaskSample {
  const params = jigsawParams.parse(raw);
  for (let s = seed; ; s++) {
    const r = jigsawTask.generate(inputOf(rgb), params, createRng(s));
    if (!isRejection(r)) return r;
  }
}

describe('jigsaw', () => {
  it.each([
    [2, 2],
    [3, 3],
    [2, 4],
    [4, 4],
  ])('re-assembled by the answer, a %ix%i jigsaw equals the source in every undecorated pixel', (rows, cols) => {
    const rgb = texturedRgb(cols * 40 + 3, rows * 36 + 2, rows * 10 + cols);
    for (let seed = 0; seed < 10; seed++) {
      const sample = firstSample(rgb, { rows, cols }, seed * 13);
      const meta = sample.meta as unknown as JigsawMeta;
      expect(sample.variant).toBe(`${rows}x${cols}`);
      expect(sample.images[0].image).toMatchObject({ width: cols * meta.patchWidth, height: rows * meta.patchHeight });
      expect(isAnswer(jigsawTask.answerSpace(jigsawParams.parse({ rows, cols }), sample.variant), sample.answer)).toBe(true);
      expect(verifyShuffle(sample, rgb)).toEqual([]);
    }
  });

  it('a wrong arrangement does not re-assemble the source', () => {
    const rgb = texturedRgb(120, 108, 2);
    const sample = firstSample(rgb, {}, 3);
    const parts = sample.answer.split('-');
    [parts[0], parts[1]] = [parts[1], parts[0]];
    expect(verifyShuffle({ ...sample, answer: parts.join('-') }, rgb)).not.toEqual([]);
  });

  it('declares a permutation answer space of n! − 1 arrangements', () => {
    const space = jigsawTask.answerSpace(jigsawParams.parse({ rows: 4, cols: 4 }), '4x4');
    expect(space).toEqual({ kind: 'permutation', pieces: 16, identity: false });
    expect(answerCount(space)).toBe(20922789888000 - 1);
    expect(answerCount(jigsawTask.answerSpace(jigsawParams.parse({}), '3x3'))).toBe(362879);
  });

  it('asks in the style of the shuffle prompts with the grid and the answer format', () => {
    const sample = firstSample(texturedRgb(100, 100, 1), { rows: 2, cols: 2 }, 1);
    expect(sample.prompt).toBe(
      "<image>The image has been divided into a 2x2 grid of 4 shuffled patches labeled 0, 1, 2, and 3. Based on visual clues such as continuity, alignment, and context, answer the correct arrangement of the patches to restore the original image: for each position of the grid, from the top-left row by row, the label of the patch that belongs there, where the format is 'R1C1-R1C2-R2C1-R2C2' (RiCj is the patch at row i, column j).",
    );
  });

  it('gives the mirrored sample the arrangement of the mirrored pieces', () => {
    const rgb = texturedRgb(150, 120, 6);
    for (let seed = 0; seed < 6; seed++) {
      const sample = firstSample(rgb, { rows: 3, cols: 3 }, seed * 11);
      const mirrored = jigsawTask.mirrorAnswer!({ variant: sample.variant, answer: sample.answer, meta: sample.meta });
      expect(mirrored!.split('-').map(Number)).toEqual(mirroredArrangementOf(sample.meta as unknown as JigsawMeta));
    }
  });
});

// The arrangement of the mirrored picture worked out from the slot contents: mirrored slot m(k)
// shows the mirror of original piece permutation[k], which sits at mirrored position m(piece).
function mirroredArrangementOf(meta: JigsawMeta): number[] {
  const { cols } = meta;
  const m = (k: number): number => Math.floor(k / cols) * cols + (cols - 1 - (k % cols));
  const answer = new Array<number>(meta.permutation.length);
  meta.permutation.forEach((piece, k) => {
    answer[m(piece)] = m(k);
  });
  return answer;
}
