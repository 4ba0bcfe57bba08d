import { partialCredit, scoreResponse, scoreResponseWith } from '@spatial-ssrl/rewards';
import { createRng } from '@spatial-ssrl/spec';
import { describe, expect, it } from 'vitest';
import { defaultRegistry } from './registry.js';
import { isRejection, type Task, type TaskSample } from './task.js';
import { inputOf, texturedRgb } from './tasks/__fixtures__/inputs.js';
import { flipTask } from './tasks/flip/flip.js';
import { jigsawParams, jigsawTask } from './tasks/jigsaw/jigsaw.js';
import { shuffleParams, shuffleTask } from './tasks/shuffle/shuffle.js';

const registry = defaultRegistry();

/** The credit task `id` gives `prediction` against `truth` under its own declared rule. */
function credit(id: string, prediction: string, truth: string): number {
  const rule = registry.get(id).partialCredit;
  if (!rule) throw new Error(`${id} declares no partial credit`);
  return partialCredit(rule, prediction, truth);
}

function firstSample<P>(task: Task<P>, params: P, seed: number): TaskSample {
  const rgb = texturedRgb(256, 224, seed);
  for (let s = seed; s < seed + 50; s++) {
    const r = task.generate(inputOf(rgb), params, createRng(s));
    if (!isRejection(r)) return r;
  }
  throw new Error(`${task.id} rejected 50 inputs in a row`);
}

function swapped(answer: string, i: number, j: number): string {
  const items = answer.split('-');
  [items[i], items[j]] = [items[j], items[i]];
  return items.join('-');
}

describe('partial credit declared by the tasks', () => {
  it('is declared by the tasks whose answer has parts, and by no other built-in task', () => {
    const declaring = registry
      .list()
      .filter((t) => t.partialCredit)
      .map((t) => t.id);
    expect(declaring).toEqual(['shuffle', 'flip', 'depth', 'jigsaw', 'frame-order']);
    for (const id of ['crop', 'position', 'rotation', 'playback']) expect(registry.get(id).partialCredit).toBeUndefined();
  });

  it.each([
    ['0-2-3-1', 1],
    ['0-2-1-3', 0.5],
    ['2-0-3-1', 0.5],
    ['0-3-1-2', 0.25],
    ['1-3-0-2', 0],
    ['0-1-2-3', 0],
    ['0-2-3', 0],
    ['0-2-3-3', 0],
    ['0-2-3-4', 0],
    ['Left-Right', 0],
  ])('shuffle: %s against 0-2-3-1 earns %d (fraction of positions right; malformed or identity 0)', (prediction, expected) => {
    expect(credit('shuffle', prediction, '0-2-3-1')).toBe(expected);
  });

  it('shuffle: a real sample with two pieces swapped earns (n − 2)/n', () => {
    for (const variant of ['2x2', 'h3', 'v4'] as const) {
      const params = shuffleParams.parse({ mix: { '2x2': 0, '2x2-masked': 0, h3: 0, h4: 0, v3: 0, v4: 0, [variant]: 1 } });
      const sample = firstSample(shuffleTask, params, 7);
      const n = sample.answer.split('-').length;
      const wrong = swapped(sample.answer, 0, n - 1);
      const expected = wrong.split('-').every((v, i) => v === String(i)) ? 0 : (n - 2) / n;
      expect(credit('shuffle', wrong, sample.answer), `${variant} ${sample.answer} → ${wrong}`).toBeCloseTo(expected, 12);
      expect(credit('shuffle', sample.answer, sample.answer)).toBe(1);
    }
  });

  it.each([
    ['2-0-3-1', 1],
    ['2-0-1-3', 0.5],
    ['0-2-3-1', 0.5],
    ['3-1-2-0', 0],
    ['0-1-2-3', 0],
    ['2-0-3-1-4', 0],
    ['2-0-3-1-0', 0],
    ['first-second', 0],
  ])('frame-order: %s against 2-0-3-1 earns %d', (prediction, expected) => {
    expect(credit('frame-order', prediction, '2-0-3-1')).toBe(expected);
  });

  it('frame-order: six frames, one pair of neighbours swapped, earn 4/6', () => {
    expect(credit('frame-order', '5-3-1-0-2-4', '5-3-1-0-4-2')).toBeCloseTo(4 / 6, 12);
  });

  it.each([
    ['3-1-2', 1],
    ['3-2-1', 1 / 3],
    ['1-2-3', 0],
    ['2-1-3', 1 / 3],
    ['2-3-1', 0],
    ['3-1', 0],
    ['3-1-1', 0],
    ['0-1-2', 0],
  ])('depth: %s against 3-1-2 earns %d (the in-order ranking is a possible answer)', (prediction, expected) => {
    expect(credit('depth', prediction, '3-1-2')).toBeCloseTo(expected, 12);
  });

  it.each([
    ['2-1', 1],
    ['2-0', 0.5],
    ['1-1', 0.5],
    ['1-0', 0],
    ['4-1', 0],
    ['2-2', 0],
    ['2', 0],
    ['2-1-0', 0],
    ['B-1', 0],
  ])('flip: %s against 2-1 earns %d (patch and direction half each; out-of-range parts 0)', (prediction, expected) => {
    expect(credit('flip', prediction, '2-1')).toBe(expected);
  });

  it('flip: on a real sample, the right patch with the other direction earns half', () => {
    const sample = firstSample(flipTask, flipTask.params.parse({}), 3);
    const [patch, direction] = sample.answer.split('-');
    expect(credit('flip', `${patch}-${1 - Number(direction)}`, sample.answer)).toBe(0.5);
    expect(credit('flip', `${(Number(patch) + 1) % 4}-${direction}`, sample.answer)).toBe(0.5);
  });

  it('jigsaw: a real 3×3 sample earns 1 when exact, else 0.2 × the fraction of pieces in place (Visual Jigsaw)', () => {
    const params = jigsawParams.parse({});
    const sample = firstSample(jigsawTask, params, 11);
    expect(credit('jigsaw', sample.answer, sample.answer)).toBe(1);
    const wrong = swapped(sample.answer, 2, 5);
    expect(credit('jigsaw', wrong, sample.answer)).toBeCloseTo(0.2 * (7 / 9), 12);
    const items = sample.answer.split('-');
    const shifted = [...items.slice(1), items[0]].join('-');
    const inPlace = shifted.split('-').filter((v, i) => v === items[i]).length;
    expect(credit('jigsaw', shifted, sample.answer)).toBeCloseTo((0.2 * inPlace) / 9, 12);
    expect(credit('jigsaw', '0-1-2-3-4-5-6-7-8', sample.answer)).toBe(0);
    expect(credit('jigsaw', items.slice(0, 8).join('-'), sample.answer)).toBe(0);
    expect(credit('jigsaw', [...items.slice(0, 8), items[0]].join('-'), sample.answer)).toBe(0);
    expect(credit('jigsaw', '4-0-7-1-8-2-6-3-9', '4-0-7-1-8-2-6-3-5')).toBe(0);
  });

  it('enters the training reward only when asked: exact match stays the default', () => {
    const response = '<think>the second and fourth strips look swapped</think>\\boxed{0-2-1-3}';
    expect(scoreResponse(response, '0-2-3-1')).toEqual({ overall: 0.1, format: 1, accuracy: 0 });
    expect(scoreResponseWith(response, '0-2-3-1', { partialCredit: registry.get('shuffle').partialCredit })).toEqual({
      overall: 0.9 * 0.5 + 0.1,
      format: 1,
      accuracy: 0.5,
    });
  });
});
