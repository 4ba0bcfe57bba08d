import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerGraders, gradePairwiseOrder, gradeSequence, normalizeOptionLetter } from './answer-graders.js';
import { RewardError } from './reward-error.js';

function bruteForcePairwise(prediction: string[], truth: string[]): number {
  const first = (items: string[], x: string) => items.indexOf(x);
  let agree = 0;
  let pairs = 0;
  for (let i = 0; i < truth.length; i++) {
    for (let j = i + 1; j < truth.length; j++) {
      pairs++;
      const a = first(prediction, truth[i]);
      const b = first(prediction, truth[j]);
      if (a !== -1 && b !== -1 && a < b) agree++;
    }
  }
  return agree / pairs;
}

describe('gradeSequence', () => {
  it('counts positions that agree over the longer length', () => {
    expect(gradeSequence('0-2-3-1', '0-2-3-1')).toBe(1);
    expect(gradeSequence('0-2-1-3', '0-2-3-1')).toBe(0.5);
    expect(gradeSequence('1-0', '0-1')).toBe(0);
    expect(gradeSequence('0-2', '0-2-3-1')).toBe(0.5);
    expect(gradeSequence('0-2-3-1-4', '0-2-3-1')).toBe(0.8);
    expect(gradeSequence('None', '0-1-2')).toBe(0);
  });

  it('strips whitespace around items', () => {
    expect(gradeSequence(' 0 - 2 -\u30003 ', '0-2-3')).toBe(1);
  });

  it('stays in [0, 1] and is 1 exactly for equal item lists', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('0', '1', '2', '3'), { maxLength: 5 }), fc.array(fc.constantFrom('0', '1', '2', '3'), { maxLength: 5 }), (p, g) => {
        const score = gradeSequence(p.join('-'), g.join('-'));
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(1);
        expect(score === 1).toBe(p.join('-') === g.join('-'));
      }),
      { numRuns: 1000, seed: 4 },
    );
  });
});

describe('gradePairwiseOrder', () => {
  it('scores the fraction of pairs kept in order', () => {
    expect(gradePairwiseOrder('3-1-2', '3-1-2')).toBe(1);
    expect(gradePairwiseOrder('2-1-3', '3-1-2')).toBe(0);
    expect(gradePairwiseOrder('1-3-2', '3-1-2')).toBeCloseTo(2 / 3, 15);
    expect(gradePairwiseOrder('3-2-1', '3-1-2')).toBeCloseTo(2 / 3, 15);
  });

  it('counts missing items as disagreeing and ignores unknown or repeated ones', () => {
    expect(gradePairwiseOrder('3-1', '3-1-2')).toBeCloseTo(1 / 3, 15);
    expect(gradePairwiseOrder('3-9-1-2', '3-1-2')).toBe(1);
    expect(gradePairwiseOrder('3-1-3-2-1', '3-1-2')).toBe(1);
    expect(gradePairwiseOrder('None', '3-1-2')).toBe(0);
  });

  it('falls back to exact match for a single item', () => {
    expect(gradePairwiseOrder('A', 'A')).toBe(1);
    expect(gradePairwiseOrder('A-B', 'A')).toBe(0);
  });

  it('rejects a ground truth that repeats an item', () => {
    expect(() => gradePairwiseOrder('1-2', '1-1-2')).toThrow(RewardError);
    expect(() => gradePairwiseOrder('1-2', '1-1-2')).toThrow(/repeats the item "1"/);
  });

  it('equals a brute-force pair count', () => {
    const items = ['0', '1', '2', '3', '4', '5', '6', '7'];
    fc.assert(
      fc.property(fc.shuffledSubarray(items, { minLength: 2 }), fc.array(fc.constantFrom(...items, 'x'), { maxLength: 12 }), (truth, prediction) => {
        expect(gradePairwiseOrder(prediction.join('-'), truth.join('-'))).toBeCloseTo(bruteForcePairwise(prediction, truth), 12);
      }),
      { numRuns: 2000, seed: 8 },
    );
  });

  it('handles a long prediction in n log n', () => {
    const n = 50_000;
    const truth = Array.from({ length: n }, (_, i) => String(i));
    expect(gradePairwiseOrder(truth.slice().reverse().join('-'), truth.join('-'))).toBe(0);
    expect(gradePairwiseOrder(truth.join('-'), truth.join('-'))).toBe(1);
  });
});

describe('normalizeOptionLetter', () => {
  it('reads the usual ways of writing an option', () => {
    for (const text of ['B', 'b', '(B)', '(b)', 'B.', 'B)', 'B:', 'B,', 'B) Left', '(B) Left', 'B. Left', 'B Left', ' B\n']) {
      expect(normalizeOptionLetter(text)).toBe('B');
    }
  });

  it('returns null for words, unbalanced parentheses and empty text', () => {
    for (const text of ['Back', 'Left', '(B', '(B.', 'BB', '', '   ', '1', '-', 'Ä', '[B]']) {
      expect(normalizeOptionLetter(text)).toBeNull();
    }
  });
});

describe('answerGraders', () => {
  it('names the four graders', () => {
    expect(Object.keys(answerGraders).sort()).toEqual(['exact', 'option-letter', 'pairwise', 'sequence']);
    expect(answerGraders.exact('A', 'A')).toBe(1);
    expect(answerGraders.exact('A', ' A')).toBe(0);
    expect(answerGraders['option-letter']('(c)', 'C')).toBe(1);
    expect(answerGraders['option-letter']('None', 'None')).toBe(0);
  });
});
