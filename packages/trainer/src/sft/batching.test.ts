import { describe, expect, it } from 'vitest';
import { ContextLengthError, modelPresets } from '@spatial-ssrl/model';
import { decodeText, mirrorPrepared } from '@spatial-ssrl/model/training';
import { defaultRegistry } from '@spatial-ssrl/tasks';
import { BatchPlan, feedsFor, formatTarget, mirrorRows, prepareExamples, type MirrorAugment } from './batching.js';
import type { ImageCache } from './dataset.js';
import type { TrainingRecord } from './batching.js';

const rec = (i: number, images: number, answer: string): TrainingRecord => ({
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

describe('mirroring', () => {
  const registry = defaultRegistry();
  const rules = Object.fromEntries(['flip', 'shuffle', 'crop', 'depth'].map((t) => [t, registry.get(t).mirrorAnswer!.bind(registry.get(t))]));
  const augment = (rates: Record<string, number>): MirrorAugment => ({ rates, rules });
  const shuffle = (i: number, variant: string, answer: string): TrainingRecord => ({ ...rec(i, 1, answer), task: 'shuffle', variant });
  const template = '<think></think>\\boxed{{answer}}';

  it('keeps the mirrored target of each record its task can mirror', () => {
    const records = [rec(0, 1, '2-0'), shuffle(1, 'h4', '1-2-3-0'), shuffle(2, 'v3', '2-0-1'), { ...rec(3, 5, 'C'), variant: 'separate' }, { ...rec(4, 1, 'B'), task: 'position' }];
    const ex = prepareExamples(modelPresets.small, records, template, augment({ flip: 0.5, shuffle: 1, crop: 0.5 }));
    expect(decodeText(ex[0].mirrorTarget!)).toBe('<think></think>\\boxed{3-0}');
    // h4 1-2-3-0: the leftmost piece now was the rightmost one, in slot 0, which now sits at 3.
    expect(decodeText(ex[1].mirrorTarget!)).toBe('<think></think>\\boxed{3-0-1-2}');
    expect(decodeText(ex[2].mirrorTarget!)).toBe('<think></think>\\boxed{2-0-1}');
    expect(decodeText(ex[3].mirrorTarget!)).toBe('<think></think>\\boxed{C}');
    expect(ex[4].mirrorTarget).toBeUndefined();
    // A task whose rate is 0 or absent gets no mirrored target.
    expect(prepareExamples(modelPresets.small, records, template, augment({ flip: 0 }))[0].mirrorTarget).toBeUndefined();
  });

  it('refuses tasks without a mirror rule and templates that read meta', () => {
    expect(() => prepareExamples(modelPresets.small, [rec(0, 1, '2-0')], template, augment({ position: 0.5 }))).toThrow(/task "position" declares no mirrorAnswer/);
    const templates = { template, tasks: { flip: '<think>{meta.patch}</think>{answer}' } };
    expect(() => prepareExamples(modelPresets.small, [rec(0, 1, '2-0')], templates, augment({ flip: 0.5 }))).toThrow(/template of "flip" uses \{meta/);
  });

  it('mirrors rows by a stream of (seed, step, row) at each task\'s rate', () => {
    const records = [...Array.from({ length: 40 }, (_, i) => rec(i, 1, '1-1')), ...Array.from({ length: 40 }, (_, i) => ({ ...rec(50 + i, 1, 'A'), task: 'position' }))];
    const ex = prepareExamples(modelPresets.small, records, template, augment({ flip: 0.5 }));
    let flipped = 0;
    for (let step = 0; step < 50; step++) {
      const rows = mirrorRows(ex, { flip: 0.5 }, 7, step);
      expect(mirrorRows(ex, { flip: 0.5 }, 7, step)).toEqual(rows);
      rows.forEach((r, i) => {
        if (r.record.task === 'position') expect(r.mirrored).toBeUndefined();
        else if (r.mirrored) {
          flipped++;
          expect(decodeText(r.target)).toBe('<think></think>\\boxed{0-1}');
        } else expect(r).toBe(ex[i]);
      });
    }
    // Binomial(2000, 0.5): 5 standard deviations is ±112.
    expect(Math.abs(flipped - 1000)).toBeLessThan(112);
    expect(mirrorRows(ex, { flip: 0.5 }, 8, 0)).not.toEqual(mirrorRows(ex, { flip: 0.5 }, 7, 0));
    expect(mirrorRows(ex, { flip: 1 }, 7, 0).filter((r) => r.mirrored)).toHaveLength(40);
  });

  it('feeds a mirrored row the mirrored images', () => {
    const config = { ...modelPresets.tiny, imageSize: 8, patchSize: 4 };
    const data = new Uint8Array(2 * 8 * 8 * 3).map((_, i) => (i * 37) % 251);
    const cache: ImageCache = { size: 8, data, slots: new Map([['img/0-0.png', 0], ['img/1-0.png', 1]]) };
    const [a, b] = prepareExamples(config, [rec(0, 1, '2-0'), rec(1, 1, '3-1')], template, augment({ flip: 1 }));
    const plain = feedsFor(config, [a, b], cache);
    const [ma, mb] = mirrorRows([a, b], { flip: 1 }, 0, 0);
    const mirrored = feedsFor(config, [ma, b], cache);
    const byHand = feedsFor(config, [a, b], { ...cache, data: Uint8Array.from([...mirrorPrepared({ size: 8, data: data.subarray(0, 192) }).data, ...data.subarray(192)]) });
    expect(mirrored.encoder.patches).toEqual(byHand.encoder.patches);
    expect(mirrored.encoder.patches).not.toEqual(plain.encoder.patches);
    expect(decodeText(Array.from(mirrored.tokens.targets.subarray(0, ma.target.length)))).toBe('<think></think>\\boxed{3-0}');
    expect(mb.mirrored).toBe(true);
  });
});
