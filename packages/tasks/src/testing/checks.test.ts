import { createRgb } from '@spatial-ssrl/image';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTask, type TaskSample } from '../task.js';
import { answerBalance, chiSquareCritical, determinismProblems, mirrorProblems, rejectionProblems, rewardProblems, sampleProblems } from './checks.js';

const task = defineTask({
  id: 'probe',
  description: 'A task whose declarations the checks are tested against.',
  needs: 'rgb',
  params: z.strictObject({}),
  variants: () => ['v'],
  imageCount: () => 2,
  answerSpace: () => ['A', 'B', 'C'],
  generate: () => ({ rejected: true, code: 'unused', reason: 'unused' }),
});

const good: TaskSample = {
  variant: 'v',
  prompt: '<image> and <image>: pick A, B or C.',
  answer: 'B',
  images: [
    { name: 'one', image: createRgb(4, 3) },
    { name: 'two', image: createRgb(2, 2) },
  ],
  meta: { k: 1 },
};

describe('sampleProblems', () => {
  it('accepts a conforming sample', () => {
    expect(sampleProblems(task, {}, good)).toEqual([]);
  });

  it('reports each broken declaration', () => {
    expect(sampleProblems(task, {}, { ...good, variant: 'w' })[0]).toContain("variant 'w'");
    expect(sampleProblems(task, {}, { ...good, images: good.images.slice(0, 1) }).join()).toContain('imageCount says 2');
    expect(sampleProblems(task, {}, { ...good, prompt: '<image> only' }).join()).toContain('1 image placeholders for 2 images');
    expect(sampleProblems(task, {}, { ...good, prompt: '<image2><image1>' }).join()).toContain('placeholders');
    expect(sampleProblems(task, {}, { ...good, answer: 'D' }).join()).toContain('not in the answer space');
    const broken = { ...good, images: [good.images[0], { name: 'one', image: { width: 2, height: 2, data: new Uint8Array(3) } }] };
    const problems = sampleProblems(task, {}, broken).join();
    expect(problems).toContain('not a well-formed RGB raster');
    expect(problems).toContain("'one' is used twice");
  });
});

describe('determinismProblems', () => {
  it('finds differing bytes, answers and rejection codes', () => {
    expect(determinismProblems(good, { ...good })).toEqual([]);
    const other = createRgb(4, 3);
    other.data[5] = 1;
    expect(determinismProblems(good, { ...good, images: [{ name: 'one', image: other }, good.images[1]] })).toEqual(['image 0 differs']);
    expect(determinismProblems(good, { ...good, answer: 'C' })).toEqual(['answers differ']);
    const r = { rejected: true as const, code: 'x', reason: 'y' };
    expect(determinismProblems(r, { ...r })).toEqual([]);
    expect(determinismProblems(r, { ...r, code: 'z' })).toHaveLength(1);
    expect(determinismProblems(r, good)).toHaveLength(1);
  });
});

describe('rejectionProblems', () => {
  it('wants a rejection with a kebab-case code and a reason', () => {
    expect(rejectionProblems({ rejected: true, code: 'image-too-small', reason: 'too small' })).toEqual([]);
    expect(rejectionProblems({ rejected: true, code: 'Bad Code', reason: '' })).toHaveLength(2);
    expect(rejectionProblems(good)).toEqual(['expected a rejection, got a sample']);
  });
});

describe('answerBalance', () => {
  const samples = (answers: string[]): TaskSample[] => answers.map((answer) => ({ ...good, answer }));

  it('passes uniform answers and fails a skewed distribution', () => {
    const uniform = samples(Array.from({ length: 300 }, (_, i) => 'ABC'[i % 3]));
    expect(answerBalance(task, {}, uniform)).toEqual([expect.objectContaining({ variant: 'v', tested: true, ok: true, statistic: 0 })]);
    const skewed = samples(Array.from({ length: 300 }, (_, i) => (i % 10 === 0 ? 'B' : i % 10 === 1 ? 'C' : 'A')));
    expect(answerBalance(task, {}, skewed)[0].ok).toBe(false);
  });

  it('leaves variants with under 5 expected samples per answer untested', () => {
    expect(answerBalance(task, {}, samples(['A', 'A', 'A', 'A']))[0]).toMatchObject({ tested: false, ok: true });
  });

  it('uses a critical value near the normal approximation for many degrees of freedom', () => {
    const df = 1000;
    expect(chiSquareCritical(df) / (df + 4.753 * Math.sqrt(2 * df))).toBeCloseTo(1, 1);
    expect(chiSquareCritical(5)).toBeGreaterThan(chiSquareCritical(5, 3));
    expect(chiSquareCritical(22)).toBeGreaterThan(chiSquareCritical(5));
  });
});

describe('rewardProblems', () => {
  it('scores the right answer 1 and another member of the answer space 0.1', () => {
    expect(rewardProblems(task, {}, good)).toEqual([]);
  });
});

describe('mirrorProblems', () => {
  const withMirror = (mirrorAnswer: (answer: string) => string | null) => ({ ...task, mirrorAnswer: ({ answer }: { answer: string }) => mirrorAnswer(answer) });

  it('accepts a rule that stays in the answer space and undoes itself, a null, and no rule', () => {
    const swap = withMirror((a) => ({ A: 'C', B: 'B', C: 'A' })[a] ?? null);
    expect(mirrorProblems(swap, {}, good)).toEqual([]);
    expect(mirrorProblems(swap, {}, { ...good, answer: 'A' })).toEqual([]);
    expect(mirrorProblems(withMirror(() => null), {}, good)).toEqual([]);
    expect(mirrorProblems(task, {}, good)).toEqual([]);
  });

  it('reports an answer outside the space and a rule that does not undo itself', () => {
    expect(mirrorProblems(withMirror(() => 'D'), {}, good).join()).toContain('mirrored answer "D" is not in the answer space');
    const cycle = withMirror((a) => ({ A: 'B', B: 'C', C: 'A' })[a] ?? null);
    expect(mirrorProblems(cycle, {}, good).join()).toContain('mirroring twice gives "A", not the answer "B"');
  });
});
