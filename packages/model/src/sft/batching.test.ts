import { describe, expect, it } from 'vitest';
import { modelPresets } from '../config.js';
import { ContextLengthError } from '../errors.js';
import { decodeText } from '../tokenizer.js';
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

  it('fills {meta.KEY} from the record and uses per-task templates', () => {
    const position = { ...rec(7, 1, 'C'), task: 'position', meta: { direction: 'Left-Front', dx: -3 } };
    const ex = prepareExamples(modelPresets.small, [position, rec(8, 1, '2-1')], {
      template: '<think></think>\\boxed{{answer}}',
      tasks: { position: '<think>{meta.direction} {meta.dx}</think>\\boxed{{answer}}' },
    });
    expect(decodeText(ex[0].target)).toBe('<think>Left-Front -3</think>\\boxed{C}');
    expect(decodeText(ex[1].target)).toBe('<think></think>\\boxed{2-1}');
    expect(formatTarget('{meta.a}/{answer}/{meta.b}', 'x', { a: true, b: 0 })).toBe('true/x/0');
    expect(formatTarget('<think>{meta.permutation}</think>{answer}', '2-0-1-3', { permutation: [1, 2, 0, 3] })).toBe('<think>1-2-0-3</think>2-0-1-3');
    expect(formatTarget('{answer} {other}', 'x')).toBe('x {other}');
  });

  it('names the record and the field when a template asks for meta it lacks', () => {
    const noMeta = { ...rec(3, 1, 'A'), task: 'position' };
    const withObject = { ...rec(4, 1, 'A'), task: 'position', meta: { direction: { deep: 1 } } };
    const templates = { template: '{answer}', tasks: { position: '{meta.direction}{answer}' } };
    expect(() => prepareExamples(modelPresets.small, [noMeta], templates)).toThrow(/r3: .*\{meta\.direction\}.*no field "direction"/);
    expect(() => prepareExamples(modelPresets.small, [withObject], templates)).toThrow(/r4: .*meta field "direction" is neither a string, number or boolean nor an array of them/);
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

describe('BatchPlan task weights', () => {
  const tasks = ['depth', 'flip', 'position'];
  const records = Array.from({ length: 60 }, (_, i) => ({ ...rec(i, 1, 'A'), task: tasks[i % 3] }));
  const examples = prepareExamples(modelPresets.tiny, records, '{answer}');
  const epochVisits = (plan: BatchPlan, epoch: number): number[] => {
    const seen: number[] = [];
    for (let s = 0; s < plan.stepsPerEpoch; s++) seen.push(...plan.batchAt(epoch * plan.stepsPerEpoch + s));
    return seen;
  };
  const perTask = (seen: number[]): Record<string, number> => {
    const n: Record<string, number> = {};
    for (const i of seen) n[examples[i].record.task] = (n[examples[i].record.task] ?? 0) + 1;
    return n;
  };

  it('visits each task as often as its weight says, another seeded half every epoch', () => {
    const plan = new BatchPlan(examples, 8, 1, { depth: 0.5, flip: 2, position: 0 });
    expect(plan.stepsPerEpoch).toBe(Math.ceil((10 + 40) / 8));
    const e0 = epochVisits(plan, 0);
    const e1 = epochVisits(plan, 1);
    expect(perTask(e0)).toEqual({ depth: 10, flip: 40 });
    expect(perTask(e1)).toEqual({ depth: 10, flip: 40 });
    const flips = e0.filter((i) => examples[i].record.task === 'flip');
    expect(new Set(flips).size).toBe(20);
    const halves = [e0, e1].map((e) => e.filter((i) => examples[i].record.task === 'depth').sort((a, b) => a - b));
    expect(halves[0]).not.toEqual(halves[1]);
    expect(epochVisits(new BatchPlan(examples, 8, 1, { depth: 0.5, flip: 2, position: 0 }), 1)).toEqual(e1);
  });

  it('keeps the unweighted order when no weights are given, and checks the weights', () => {
    expect(epochVisits(new BatchPlan(examples, 8, 2, {}), 0)).toEqual(epochVisits(new BatchPlan(examples, 8, 2), 0));
    expect(perTask(epochVisits(new BatchPlan(examples, 8, 2, { flip: 1 }), 0))).toEqual({ depth: 20, flip: 20, position: 20 });
    expect(() => new BatchPlan(examples, 8, 2, { crop: 1 })).toThrow(/no task "crop" to weight \(tasks: depth, flip, position\)/);
    expect(() => new BatchPlan(examples, 8, 2, { flip: -1 })).toThrow(/"flip" must be a finite number ≥ 0, got -1/);
    expect(() => new BatchPlan(examples, 8, 2, { depth: 0, flip: 0, position: 0 })).toThrow(/every task weight is 0/);
  });
});
