import { describe, expect, it } from 'vitest';
import { GrpoInputError } from './errors.js';
import { averageLoss, policyLoss, type PolicyLossInput } from './policy-loss.js';

const EPS = 1e-8;

/** One row per case, one token each, so each expected value is easy to state. */
function tokens(logRatios: number[], advantages: number[], lp = -1): PolicyLossInput {
  return {
    logProbs: logRatios.map(() => [lp]),
    oldLogProbs: logRatios.map((x) => [lp - x]),
    advantages: advantages.map((a) => [a]),
    responseMask: logRatios.map(() => [1]),
  };
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

describe('policyLoss (default)', () => {
  it('with ratio 1 the loss is −mean(A) and every clip fraction is 0', () => {
    const input: PolicyLossInput = {
      logProbs: [[-0.5, -1.2, -3], [-0.1, -2, -0.7]],
      oldLogProbs: [[-0.5, -1.2, -3], [-0.1, -2, -0.7]],
      advantages: [[1.5, 1.5, 1.5], [-0.5, -0.5, -0.5]],
      responseMask: [[1, 1, 1], [1, 0, 0]],
    };
    const r = policyLoss(input);
    expect(r.pgLoss).toBeCloseTo(-(1.5 * 3 - 0.5) / 4, 7);
    expect(r.metrics).toEqual({ ppoKl: 0, entropyLoss: expect.any(Number), pgClipfracHigher: 0, pgClipfracLower: 0 });
    expect(r.perTokenLoss[1]).toEqual([0.5, 0, 0]);
  });

  it('clips the ratio at 1 + εh for positive and 1 − εl for negative advantages', () => {
    const r = policyLoss({ ...tokens([Math.log(1.5), Math.log(0.5)], [2, -1]), lossAvgMode: 'seq' });
    expect(r.perTokenLoss[0][0]).toBeCloseTo(-2 * 1.3, 12);
    expect(r.perTokenLoss[1][0]).toBeCloseTo(0.8, 12);
    expect(r.metrics.pgClipfracHigher).toBeCloseTo(1, 7);
    expect(r.metrics.pgClipfracLower).toBe(0);
  });

  it('does not clip a favourable move: ratio below 1 − εl with A > 0 keeps the raw ratio', () => {
    const r = policyLoss(tokens([Math.log(0.5)], [2]));
    expect(r.perTokenLoss[0][0]).toBeCloseTo(-1, 12);
    expect(r.metrics.pgClipfracHigher).toBe(0);
  });

  it('applies the dual clip −A·c when A < 0 and the ratio exceeds c', () => {
    const r = policyLoss(tokens([Math.log(5), Math.log(2)], [-1, -1]));
    expect(r.perTokenLoss[0][0]).toBeCloseTo(3, 12);
    expect(r.perTokenLoss[1][0]).toBeCloseTo(2, 12);
    expect(r.metrics.pgClipfracLower).toBeCloseTo(0.5, 7);
    const off = policyLoss({ ...tokens([Math.log(5)], [-1]), clipRatioDual: Infinity });
    expect(off.perTokenLoss[0][0]).toBeCloseTo(5, 12);
  });

  it('clamps the log-ratio at ±20 before exp', () => {
    const r = policyLoss({ ...tokens([30], [-1]), clipRatioDual: Infinity });
    expect(r.perTokenLoss[0][0]).toBe(Math.exp(20));
  });

  it('uses the clip settings given', () => {
    const r = policyLoss({ ...tokens([Math.log(1.5)], [1]), clipRatioHigh: 0.28 });
    expect(r.perTokenLoss[0][0]).toBeCloseTo(-1.28, 12);
    const low = policyLoss({ ...tokens([Math.log(0.5)], [-1]), clipRatioLow: 0.1 });
    expect(low.perTokenLoss[0][0]).toBeCloseTo(0.9, 12);
  });
});

describe('policyLoss (gspo_token, cispo)', () => {
  it('gspo_token uses the row mean log-ratio on every token', () => {
    const input: PolicyLossInput = {
      logProbs: [[-1, -1, -1]],
      oldLogProbs: [[-1.1, -1.3, -9]],
      advantages: [[1, 1, 1]],
      responseMask: [[1, 1, 0]],
      lossType: 'gspo_token',
    };
    const r = policyLoss(input);
    const ratio = Math.exp(0.2 / (1 + 0.5 * EPS));
    expect(r.perTokenLoss[0][0]).toBeCloseTo(-ratio, 12);
    expect(r.perTokenLoss[0][1]).toBeCloseTo(-ratio, 12);
    expect(r.perTokenLoss[0][2]).toBe(0);
    expect(r.metrics.ppoKl).toBeCloseTo(-0.2, 7);
  });

  it('cispo weights −A·lp by the clipped ratio and reports no clip fractions', () => {
    const r = policyLoss({ ...tokens([Math.log(2), Math.log(1.1)], [1, -2], -0.5), lossType: 'cispo' });
    expect(r.perTokenLoss[0][0]).toBeCloseTo(-1 * -0.5 * 1.3, 12);
    expect(r.perTokenLoss[1][0]).toBeCloseTo(2 * -0.5 * 1.1, 12);
    expect(Object.keys(r.metrics).sort()).toEqual(['entropyLoss', 'ppoKl']);
  });
});

describe('aggregation', () => {
  const values = [[1, 1, 1], [4, 0, 0]];
  const mask = [[1, 1, 1], [1, 0, 0]];

  it('token averages every token; seq averages the rows', () => {
    expect(averageLoss(values, mask, 'token')).toBeCloseTo(7 / 4, 7);
    expect(averageLoss(values, mask, 'seq')).toBeCloseTo((1 + 4) / 2, 7);
  });

  it('seq counts an empty row as 0', () => {
    expect(averageLoss(values, [[1, 1, 1], [0, 0, 0]], 'seq')).toBeCloseTo(0.5, 7);
  });

  it('constant divides the masked sum by B × normalizer', () => {
    expect(averageLoss(values, mask, 'constant')).toBe(7 / 6);
    expect(averageLoss(values, mask, 'constant', { normalizer: 10 })).toBe(7 / 20);
    expect(errorOf(() => averageLoss(values, mask, 'constant', { normalizer: 0 })).argument).toBe('normalizer');
  });

  it('entropyLoss is the aggregated −lp scaled by Σm/(Σm + 1e-8)', () => {
    const input: PolicyLossInput = {
      logProbs: [[-1, -2, -3], [-4, -9, -9]],
      oldLogProbs: [[-1, -2, -3], [-4, -9, -9]],
      advantages: [[0, 0, 0], [0, 0, 0]],
      responseMask: mask,
    };
    expect(policyLoss(input).metrics.entropyLoss).toBeCloseTo(10 / 4, 7);
    expect(policyLoss({ ...input, lossAvgMode: 'seq' }).metrics.entropyLoss).toBeCloseTo((2 + 4) / 2, 7);
  });
});

describe('policyLoss validation', () => {
  const ok = tokens([0.1, 0.2], [1, -1]);

  it('names the offending argument', () => {
    expect(errorOf(() => policyLoss({ ...ok, oldLogProbs: [[0]] })).argument).toBe('oldLogProbs');
    expect(errorOf(() => policyLoss({ ...ok, advantages: [[Number.NaN], [1]] })).argument).toBe('advantages');
    expect(errorOf(() => policyLoss({ ...ok, logProbs: [[-1], [-Infinity]] })).code).toBe('NOT_FINITE');
    expect(errorOf(() => policyLoss({ ...ok, responseMask: [[1], [2]] })).code).toBe('BAD_MASK');
  });

  it('rejects impossible clip settings and unknown modes', () => {
    expect(errorOf(() => policyLoss({ ...ok, clipRatioLow: 1 })).argument).toBe('clipRatioLow');
    expect(errorOf(() => policyLoss({ ...ok, clipRatioHigh: -0.1 })).argument).toBe('clipRatioHigh');
    expect(errorOf(() => policyLoss({ ...ok, clipRatioDual: 1 })).argument).toBe('clipRatioDual');
    const gspo = errorOf(() => policyLoss({ ...ok, lossType: 'gspo' as never }));
    expect([gspo.code, gspo.argument]).toEqual(['BAD_OPTION', 'lossType']);
    expect(errorOf(() => policyLoss({ ...ok, lossAvgMode: 'mean' as never })).argument).toBe('lossAvgMode');
  });
});
