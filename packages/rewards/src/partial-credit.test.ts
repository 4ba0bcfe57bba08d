import { describe, expect, it } from 'vitest';
import { easyr1Rewards } from './easyr1-reward.js';
import { rewardBatch } from './openrlhf-reward.js';
import { partialCredit, partialCreditRuleProblem, type PartialCreditRule } from './partial-credit.js';
import { scoreResponse, scoreResponseWith } from './reward-score.js';

const ordering: PartialCreditRule = { kind: 'positions', scale: 1, identity: false };
const graded: PartialCreditRule = { kind: 'positions', scale: 0.2, identity: false };
const ranking: PartialCreditRule = { kind: 'positions', scale: 1, identity: true };
const flipParts: PartialCreditRule = {
  kind: 'parts',
  parts: [
    { name: 'patch', values: ['0', '1', '2', '3'], weight: 0.5 },
    { name: 'direction', values: ['0', '1'], weight: 0.5 },
  ],
};

const boxed = (answer: string): string => `<think>look</think>\\boxed{${answer}}`;

describe('partialCredit: positions', () => {
  it.each([
    ['0-2-3-1', 1],
    ['0-2-1-3', 0.5],
    ['1-3-0-2', 0],
    ['2-0-3-1', 0.5],
    ['0 - 2 - 3 - 1', 1],
  ])('%s against 0-2-3-1 scores %d', (prediction, expected) => {
    expect(partialCredit(ordering, prediction, '0-2-3-1')).toBeCloseTo(expected, 12);
  });

  it.each([
    ['0-2-3', 'too few items'],
    ['0-2-3-1-4', 'too many items'],
    ['0-2-2-1', 'a repeated item'],
    ['0-2-3-7', 'an item the answer does not hold'],
    ['0-1-2-3', 'the identity, outside the answer space'],
    ['None', 'no boxed answer'],
    ['', 'an empty answer'],
    ['0,2,3,1', 'another separator'],
    ['-'.repeat(10_000), 'a flood of separators'],
  ])('%s scores 0 (%s)', (prediction) => {
    expect(partialCredit(ordering, prediction, '0-2-3-1')).toBe(0);
  });

  it('gives 3×3 jigsaw answers the Visual Jigsaw graded scale: exact 1, else 0.2 × pieces in place', () => {
    const truth = '4-0-7-1-8-2-6-3-5';
    expect(partialCredit(graded, truth, truth)).toBe(1);
    // Two pieces swapped: 7 of 9 in place.
    expect(partialCredit(graded, '0-4-7-1-8-2-6-3-5', truth)).toBeCloseTo((0.2 * 7) / 9, 12);
    // A cyclic shift puts none in place: a valid permutation that earns nothing.
    expect(partialCredit(graded, '5-4-0-7-1-8-2-6-3', truth)).toBe(0);
    expect(partialCredit(graded, '0-1-2-3-4-5-6-7-8', truth)).toBe(0);
    expect(partialCredit(graded, '4-0-7-1-8-2-6-3-3', truth)).toBe(0);
  });

  it('allows the in-order arrangement when the rule says it is an answer (depth rankings 1-3)', () => {
    expect(partialCredit(ranking, '1-2-3', '1-3-2')).toBeCloseTo(1 / 3, 12);
    expect(partialCredit(ranking, '3-2-1', '1-3-2')).toBe(0);
    expect(partialCredit(ranking, '0-1-2', '1-3-2')).toBe(0);
  });
});

describe('partialCredit: parts', () => {
  it.each([
    ['3-0', 1],
    ['3-1', 0.5],
    ['2-0', 0.5],
    ['2-1', 0],
    ['3-2', 0],
    ['4-0', 0],
    ['3', 0],
    ['3-0-0', 0],
    ['A-0', 0],
    [' 3 - 0 ', 1],
  ])('flip %s against 3-0 scores %d', (prediction, expected) => {
    expect(partialCredit(flipParts, prediction, '3-0')).toBe(expected);
  });
});

describe('scoring with a rule', () => {
  it('uses the partial score as accuracy and leaves the format reward alone', () => {
    const score = scoreResponseWith(boxed('0-2-1-3'), '0-2-3-1', { partialCredit: ordering });
    expect(score).toEqual({ overall: 0.9 * 0.5 + 0.1, format: 1, accuracy: 0.5 });
    const noFormat = scoreResponseWith('\\boxed{3-1}', '3-0', { partialCredit: flipParts, formatWeight: 0.2 });
    expect(noFormat).toEqual({ overall: 0.8 * 0.5, format: 0, accuracy: 0.5 });
  });

  it('is exact match without a rule (EasyR1 img_score stays the default)', () => {
    for (const options of [{}, { partialCredit: null }]) {
      expect(scoreResponseWith(boxed('0-2-1-3'), '0-2-3-1', options)).toEqual(scoreResponse(boxed('0-2-1-3'), '0-2-3-1'));
      expect(scoreResponseWith(boxed('0-2-1-3'), '0-2-3-1', options).accuracy).toBe(0);
    }
  });

  it('scores garbage responses 0 without throwing', () => {
    for (const response of ['', 'no answer', '\\boxed{', '\\boxed{\\boxed{}}', '<think></think>\\boxed{NaN-∞}', '\u0000\\boxed{0-2-3-1']) {
      const score = scoreResponseWith(response, '0-2-3-1', { partialCredit: ordering });
      expect(score.accuracy).toBe(0);
    }
  });

  it('applies per-item rules in the EasyR1 and OpenRLHF batches', () => {
    const inputs = [
      { response: boxed('0-2-1-3'), ground_truth: '0-2-3-1' },
      { response: boxed('3-1'), ground_truth: '3-0' },
      { response: boxed('A'), ground_truth: 'B' },
    ];
    const scores = easyr1Rewards(inputs, { rules: [ordering, flipParts, null] });
    expect(scores.map((s) => s.accuracy)).toEqual([0.5, 0.5, 0]);
    expect(easyr1Rewards(inputs).map((s) => s.accuracy)).toEqual([0, 0, 0]);
    const batch = rewardBatch({ query: inputs.map((i) => i.response), labels: inputs.map((i) => i.ground_truth) }, { rules: [null, flipParts] });
    expect(batch.extra_logs.accuracy).toEqual([0, 0.5, 0]);
  });
});

describe('partialCreditRuleProblem', () => {
  it('accepts sound rules and names the problem of broken ones', () => {
    expect(partialCreditRuleProblem(ordering)).toBeNull();
    expect(partialCreditRuleProblem(flipParts)).toBeNull();
    expect(partialCreditRuleProblem({ kind: 'positions', scale: 0, identity: true })).toMatch(/scale/);
    expect(partialCreditRuleProblem({ kind: 'parts', parts: [{ name: 'a', values: ['0'], weight: 0.6 }] })).toMatch(/sum to 0.6/);
    expect(partialCreditRuleProblem({ kind: 'parts', parts: [{ name: 'a', values: ['0-1'], weight: 1 }] })).toMatch(/'-'/);
  });
});
