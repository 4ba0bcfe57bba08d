import { describe, expect, it } from 'vitest';
import { GrpoInputError } from './errors.js';
import { applyKlPenaltyToRewards, fullKl, klPenalty } from './kl.js';

function errorOf(fn: () => unknown): GrpoInputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GrpoInputError);
    return e as GrpoInputError;
  }
  throw new Error('expected a GrpoInputError');
}

describe('klPenalty', () => {
  const logProbs = [[-1, -2, -0.5]];
  const refLogProbs = [[-1.5, -1, -0.5]];

  it('k1, abs and k2', () => {
    expect(klPenalty({ logProbs, refLogProbs, kind: 'kl' })).toEqual([[0.5, -1, 0]]);
    expect(klPenalty({ logProbs, refLogProbs, kind: 'abs' })).toEqual([[0.5, 1, 0]]);
    expect(klPenalty({ logProbs, refLogProbs, kind: 'mse' })).toEqual([[0.125, 0.5, 0]]);
  });

  it('k3 is e^d − d − 1 with d = ref − lp, non-negative and 0 where the policies agree', () => {
    const k3 = klPenalty({ logProbs, refLogProbs, kind: 'low_var_kl' })[0];
    expect(k3[0]).toBeCloseTo(Math.exp(-0.5) + 0.5 - 1, 15);
    expect(k3[1]).toBeCloseTo(Math.exp(1) - 2, 15);
    expect(k3[2]).toBe(0);
  });

  it('k3 clamps d to ±20 and the value to 10', () => {
    const k3 = klPenalty({ logProbs: [[0, -30, -50]], refLogProbs: [[-3, 0, 0]], kind: 'low_var_kl' })[0];
    expect(k3[0]).toBeCloseTo(Math.exp(-3) + 2, 12);
    expect(k3[1]).toBe(10);
    expect(k3[2]).toBe(10);
    const low = klPenalty({ logProbs: [[0]], refLogProbs: [[-50]], kind: 'low_var_kl' })[0][0];
    expect(low).toBe(10);
    expect(klPenalty({ logProbs: [[0]], refLogProbs: [[-9]], kind: 'low_var_kl' })[0][0]).toBeCloseTo(Math.exp(-9) + 8, 12);
  });

  it('is an unbiased estimate of KL(p‖q) in expectation for k1 and k3', () => {
    const p = [0.5, 0.3, 0.2];
    const q = [0.2, 0.5, 0.3];
    const exact = p.reduce((s, pi, v) => s + pi * Math.log(pi / q[v]), 0);
    const lp = [p.map(Math.log)];
    const ref = [q.map(Math.log)];
    for (const kind of ['kl', 'low_var_kl'] as const) {
      const k = klPenalty({ logProbs: lp, refLogProbs: ref, kind })[0];
      expect(p.reduce((s, pi, v) => s + pi * k[v], 0)).toBeCloseTo(exact, 12);
    }
  });

  it('rejects unknown kinds and mismatched shapes', () => {
    expect(errorOf(() => klPenalty({ logProbs, refLogProbs, kind: 'k3' as never })).argument).toBe('kind');
    expect(errorOf(() => klPenalty({ logProbs, refLogProbs: [[0, 0]], kind: 'kl' })).code).toBe('SHAPE_MISMATCH');
  });
});

describe('fullKl', () => {
  it('sums e^lp·(lp − ref) over the vocabulary', () => {
    const p = [0.5, 0.3, 0.2];
    const q = [0.2, 0.5, 0.3];
    const out = fullKl({ logProbs: [[p.map(Math.log), q.map(Math.log)]], refLogProbs: [[q.map(Math.log), q.map(Math.log)]] });
    expect(out[0][0]).toBeCloseTo(p.reduce((s, pi, v) => s + pi * Math.log(pi / q[v]), 0), 14);
    expect(out[0][1]).toBe(0);
  });

  it('rejects ragged vocabularies and mismatched shapes', () => {
    expect(errorOf(() => fullKl({ logProbs: [[[0, 0]], [[0, 0], [0, 0]]], refLogProbs: [[[0, 0]]] })).code).toBe('RAGGED');
    const e = errorOf(() => fullKl({ logProbs: [[[0, 0]]], refLogProbs: [[[0, 0, 0]]] }));
    expect([e.code, e.argument]).toEqual(['SHAPE_MISMATCH', 'refLogProbs']);
  });
});

describe('applyKlPenaltyToRewards', () => {
  it('subtracts β·kl on response tokens only and reports the mean per-row KL', () => {
    const out = applyKlPenaltyToRewards({
      tokenLevelScores: [[0, 1, 0], [0, 0, 0]],
      oldLogProbs: [[-1, -1, -1], [-2, -2, -2]],
      refLogProbs: [[-1.5, -2, -9], [-1, -1, -1]],
      responseMask: [[1, 1, 0], [1, 0, 0]],
      klCoef: 0.1,
      kind: 'kl',
    });
    expect(out.kl).toEqual([[0.5, 1, 0], [-1, 0, 0]]);
    expect(out.tokenLevelRewards[0][0]).toBeCloseTo(-0.05, 15);
    expect(out.tokenLevelRewards[0][1]).toBeCloseTo(0.9, 15);
    expect(out.tokenLevelRewards[0][2]).toBe(0);
    expect(out.tokenLevelRewards[1][0]).toBeCloseTo(0.1, 15);
    expect(out.currentKl).toBeCloseTo((0.75 + -1) / 2, 7);
  });

  it('rejects a negative coefficient', () => {
    const m = [[1]];
    const e = errorOf(() =>
      applyKlPenaltyToRewards({ tokenLevelScores: m, oldLogProbs: m, refLogProbs: m, responseMask: m, klCoef: -1, kind: 'kl' }),
    );
    expect(e.argument).toBe('klCoef');
  });
});
