import { describe, expect, it } from 'vitest';
import { modelPresets } from '../config.js';
import { ContextLengthError } from '../errors.js';
import { BatchPlan, formatTarget, prepareExamples } from './batching.js';
import type { DatasetRecord } from './dataset.js';

const rec = (i: number, images: number, answer: string): DatasetRecord => ({
  id: `r${i}`,
  task: images > 1 ? 'crop' : 'flip',
  prompt: '<image>',
  answer,
  images: Array.from({ length: images }, (_, k) => `img/${i}-${k}.png`),
  split: 'train',
});

describe('prepareExamples', () => {
  it('builds EOS-terminated targets from the template and buckets by shape', () => {
    const ex = prepareExamples(modelPresets.tiny, [rec(0, 1, '3-0'), rec(1, 5, 'B'), rec(2, 1, '1-1')], '<think></think>\\boxed{{answer}}');
    expect(ex[0].target).toHaveLength(3 + 3 + 1 + 1);
    expect(ex[0].bucket).toBe(ex[2].bucket);
    expect(ex[1].bucket).not.toBe(ex[0].bucket);
    expect(formatTarget('{answer} = {answer}', 'A')).toBe('A = A');
  });

  it('refuses records that do not fit the model', () => {
    expect(() => prepareExamples(modelPresets.tiny, [rec(0, 6, 'A')], '{answer}')).toThrow(/r0: has 6 images/);
    expect(() => prepareExamples(modelPresets.tiny, [rec(0, 1, 'x'.repeat(40))], '{answer}')).toThrow(ContextLengthError);
  });
});

describe('BatchPlan', () => {
  const records = [...Array.from({ length: 37 }, (_, i) => rec(i, 1, 'A')), ...Array.from({ length: 10 }, (_, i) => rec(100 + i, 5, 'B'))];
  const examples = prepareExamples(modelPresets.tiny, records, '{answer}');

  it('visits every example once per epoch in rectangular batches', () => {
    const plan = new BatchPlan(examples, 8, 3);
    expect(plan.stepsPerEpoch).toBe(5 + 2);
    for (const epoch of [0, 1]) {
      const seen: number[] = [];
      for (let s = 0; s < plan.stepsPerEpoch; s++) {
        const batch = plan.batchAt(epoch * plan.stepsPerEpoch + s);
        expect(new Set(batch.map((i) => examples[i].bucket)).size).toBe(1);
        expect(batch.length).toBeLessThanOrEqual(8);
        seen.push(...batch);
      }
      expect(seen.sort((a, b) => a - b)).toEqual(examples.map((_, i) => i));
    }
  });

  it('is a pure function of seed and step, in any query order', () => {
    const a = new BatchPlan(examples, 8, 3);
    const b = new BatchPlan(examples, 8, 3);
    const forward = Array.from({ length: 20 }, (_, s) => a.batchAt(s));
    const backward = Array.from({ length: 20 }, (_, s) => b.batchAt(19 - s)).reverse();
    expect(backward).toEqual(forward);
    expect(a.batchAt(0)).not.toEqual(a.batchAt(a.stepsPerEpoch));
    expect(new BatchPlan(examples, 8, 4).batchAt(0)).not.toEqual(forward[0]);
  });
});
