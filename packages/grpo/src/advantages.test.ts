import { describe, expect, it } from 'vitest';
import {
  drGrpoAdvantages,
  grpoAdvantages,
  reinforcePlusPlusAdvantages,
  rlooAdvantages,
  sequenceScores,
} from './advantages.js';
import { GrpoInputError } from './errors.js';

/** Outcome rewards: the scalar sits on the last response token of each row. */
function outcome(scores: number[], lengths: number[], cols: number) {
  const tokenLevelRewards = scores.map((s, i) => {
    const row = new Array<number>(cols).fill(0);
    row[Math.max(lengths[i] - 1, 0)] = s;
    return row;
  });
  const responseMask = lengths.map((n) => Array.from({ length: cols }, (_, t) => (t < n ? 1 : 0)));
  return { tokenLevelRewards, responseMask };
}

function errorOf(fn: () => unknown): GrpoInputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GrpoInputError);
    return e as GrpoInputError;
  }
  throw new Error('expected a GrpoInputError');
}

describe('sequenceScores', () => {
  it('sums every position, padding included', () => {
    expect(sequenceScores([[0, 1, 2], [0.5, 0, 0]])).toEqual([3, 0.5]);
  });
});

describe('grpoAdvantages', () => {
  // rows 0,2,4,5 answer prompt "a" (scores 1,0,0,1); rows 1,3 answer "b" (0.9, 0.1)
  const scores = [1, 0.9, 0, 0.1, 0, 1];
  const index = ['a', 'b', 'a', 'b', 'a', 'a'];
  const lengths = [3, 2, 4, 1, 4, 2];
  const input = { ...outcome(scores, lengths, 4), index };

  it('standardises within interleaved groups with the unbiased std plus 1e-6', () => {
    const { advantages, returns } = grpoAdvantages(input);
    const stdA = Math.sqrt(1 / 3);
    const stdB = Math.sqrt(0.32);
    const expected = [0.5 / (stdA + 1e-6), 0.4 / (stdB + 1e-6), -0.5 / (stdA + 1e-6), -0.4 / (stdB + 1e-6)];
    expect(advantages[0][0]).toBeCloseTo(expected[0], 12);
    expect(advantages[1][1]).toBeCloseTo(expected[1], 12);
    expect(advantages[2][3]).toBeCloseTo(expected[2], 12);
    expect(advantages[3][0]).toBeCloseTo(expected[3], 12);
    expect(returns).toEqual(advantages);
    expect(returns).not.toBe(advantages);
  });

  it('broadcasts over response tokens and writes 0 on padding', () => {
    const { advantages } = grpoAdvantages(input);
    advantages.forEach((row, i) => {
      row.forEach((a, t) => {
        if (t < lengths[i]) expect(a).toBe(row[0]);
        else expect(Object.is(a, 0)).toBe(true);
      });
    });
  });

  it('gives exactly 0 to a group whose scores are all equal', () => {
    const r = grpoAdvantages({ ...outcome([0.1, 0.1, 0.1, 1, 0], [2, 2, 2, 2, 2], 2), index: [7, 7, 7, 8, 8] });
    expect(r.advantages.slice(0, 3).flat().every((a) => Object.is(a, 0))).toBe(true);
    expect(r.advantages[3][0]).toBeGreaterThan(0);
  });

  it('treats the number 1 and the string "1" as different groups', () => {
    const r = grpoAdvantages({ ...outcome([1, 0, 1, 1], [1, 1, 1, 1], 1), index: [1, 1, '1', '1'] });
    expect(r.advantages.map((row) => row[0])).toEqual([
      0.5 / (Math.sqrt(0.5) + 1e-6),
      -0.5 / (Math.sqrt(0.5) + 1e-6),
      0,
      0,
    ]);
  });

  it('rejects a group with a single response, naming it', () => {
    const e = errorOf(() => grpoAdvantages({ ...outcome([1, 0, 1], [1, 1, 1], 1), index: ['p', 'p', 'q'] }));
    expect(e.code).toBe('SINGLETON_GROUP');
    expect(e.argument).toBe('index');
    expect(e.message).toMatch(/group "q" \(row 2\)/);
  });

  it('reports float64 overflow instead of returning Infinity or silent zeros', () => {
    const sumOverflow = errorOf(() => grpoAdvantages({ ...outcome([0, 0], [1, 1], 2), tokenLevelRewards: [[1e308, 1e308], [0, 0]], index: [0, 0] }));
    expect([sumOverflow.code, sumOverflow.argument]).toEqual(['NOT_FINITE', 'tokenLevelRewards']);
    const stdOverflow = errorOf(() => grpoAdvantages({ ...outcome([1e200, -1e200], [1, 1], 1), index: [0, 0] }));
    expect(stdOverflow.message).toMatch(/standard deviation overflows/);
  });

  it('honours a custom eps', () => {
    const r = grpoAdvantages({ ...outcome([1, 0], [1, 1], 1), index: [0, 0], eps: 0 });
    expect(r.advantages[0][0]).toBeCloseTo(0.5 / Math.sqrt(0.5), 14);
  });

  it('reports bad inputs by argument', () => {
    const ok = outcome([1, 0], [2, 2], 2);
    expect(errorOf(() => grpoAdvantages({ ...ok, tokenLevelRewards: [[1, 0], [1]], index: [0, 0] })).code).toBe('RAGGED');
    const nan = errorOf(() => grpoAdvantages({ ...ok, tokenLevelRewards: [[1, Number.NaN], [1, 0]], index: [0, 0] }));
    expect([nan.code, nan.argument]).toEqual(['NOT_FINITE', 'tokenLevelRewards']);
    const mask = errorOf(() => grpoAdvantages({ ...ok, responseMask: [[1, 1]], index: [0, 0] }));
    expect([mask.code, mask.argument]).toEqual(['SHAPE_MISMATCH', 'responseMask']);
    const idx = errorOf(() => grpoAdvantages({ ...ok, index: [0] }));
    expect([idx.code, idx.argument]).toEqual(['SHAPE_MISMATCH', 'index']);
    const badId = errorOf(() => grpoAdvantages({ ...ok, index: [0, Number.NaN] }));
    expect([badId.code, badId.argument]).toEqual(['BAD_INDEX', 'index']);
    const eps = errorOf(() => grpoAdvantages({ ...ok, index: [0, 0], eps: -1 }));
    expect([eps.code, eps.argument]).toEqual(['BAD_OPTION', 'eps']);
  });
});

describe('drGrpoAdvantages', () => {
  it('subtracts the group mean without dividing by the std', () => {
    const r = drGrpoAdvantages({ ...outcome([1, 0, 0, 0.5, 0.25], [1, 1, 1, 1, 1], 1), index: [0, 0, 0, 1, 1] });
    expect(r.advantages.map((row) => row[0])).toEqual([1 - 1 / 3, -1 / 3, -1 / 3, 0.125, -0.125]);
  });

  it('rejects singleton groups', () => {
    expect(errorOf(() => drGrpoAdvantages({ ...outcome([1], [1], 1), index: [0] })).code).toBe('SINGLETON_GROUP');
  });
});

describe('rlooAdvantages', () => {
  it('uses the leave-one-out mean as baseline', () => {
    const r = rlooAdvantages({ ...outcome([1, 0, 0, 0.5, 0.5], [2, 2, 1, 2, 2], 2), index: ['x', 'x', 'x', 'y', 'y'] });
    expect(r.advantages).toEqual([
      [1, 1],
      [-0.5, -0.5],
      [-0.5, 0],
      [0, 0],
      [0, 0],
    ]);
  });

  it('rejects singleton groups', () => {
    expect(errorOf(() => rlooAdvantages({ ...outcome([1, 0, 0], [1, 1, 1], 1), index: [0, 0, 1] })).code).toBe(
      'SINGLETON_GROUP',
    );
  });
});

describe('reinforcePlusPlusAdvantages', () => {
  const tokenLevelRewards = [
    [0, 1, 5],
    [0, 0, 2],
  ];
  const responseMask = [
    [1, 1, 0],
    [1, 1, 1],
  ];

  it('discounts within each response and restarts after the mask ends', () => {
    const { returns } = reinforcePlusPlusAdvantages({ tokenLevelRewards, responseMask, gamma: 0.5 });
    expect(returns).toEqual([
      [0.5, 1, 5],
      [0.5, 1, 2],
    ]);
  });

  it('whitens returns over the masked tokens of the whole batch and zeroes padding', () => {
    const { advantages } = reinforcePlusPlusAdvantages({ tokenLevelRewards, responseMask, gamma: 0.5 });
    const live = [0.5, 1, 0.5, 1, 2];
    const mean = live.reduce((a, b) => a + b, 0) / 5;
    const variance = live.reduce((a, b) => a + (b - mean) ** 2, 0) / 4;
    const z = (v: number) => (v - mean) / Math.sqrt(variance + 1e-8);
    expect(advantages[0][0]).toBeCloseTo(z(0.5), 6);
    expect(advantages[1][2]).toBeCloseTo(z(2), 6);
    expect(advantages[0][2]).toBe(0);
  });

  it('defaults gamma to 1 and validates it', () => {
    expect(reinforcePlusPlusAdvantages({ tokenLevelRewards, responseMask }).returns[1]).toEqual([2, 2, 2]);
    expect(errorOf(() => reinforcePlusPlusAdvantages({ tokenLevelRewards, responseMask, gamma: 1.5 })).argument).toBe(
      'gamma',
    );
  });
});
