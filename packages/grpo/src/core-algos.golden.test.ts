import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectClose } from './__fixtures__/expect-close.js';
import {
  applyKlPenaltyToRewards,
  averageLoss,
  createAdaptiveKlController,
  drGrpoAdvantages,
  filterGroups,
  fullKl,
  grpoAdvantages,
  klPenalty,
  maskedMean,
  maskedRowMean,
  maskedSum,
  maskedVar,
  maskedWhiten,
  policyLoss,
  reinforcePlusPlusAdvantages,
  rlooAdvantages,
  sequenceScores,
  type KlKind,
  type LossAvgMode,
  type PolicyLossMetrics,
  type PolicyLossType,
} from './index.js';

type M = number[][];

interface Golden {
  advantages: {
    name: string;
    tokenLevelRewards: M;
    responseMask: M;
    index: (string | number)[];
    scores: number[];
    grpo: { advantages: M; returns: M };
    drGrpo: { advantages: M; returns: M };
    rloo: { advantages: M; returns: M };
    reinforcePlusPlus: { gamma: number; advantages: M; returns: M }[];
  }[];
  policyLoss: {
    name: string;
    oldLogProbs: M;
    logProbs: M;
    advantages: M;
    responseMask: M;
    results: {
      clipRatioLow: number;
      clipRatioHigh: number;
      clipRatioDual: number;
      lossType: PolicyLossType;
      lossAvgMode: LossAvgMode;
      pgLoss: number;
      perTokenLoss: M;
      metrics: PolicyLossMetrics;
    }[];
  }[];
  kl: { name: string; logProbs: M; refLogProbs: M; kinds: Record<KlKind, M> }[];
  fullKl: { logProbs: number[][][]; refLogProbs: number[][][]; kl: M };
  masked: {
    name: string;
    values: M;
    mask: M;
    sum: number;
    mean: number;
    rowMean: number[];
    varUnbiased: number;
    varBiased: number;
    whiten: M;
    averageLoss: { token: number; seq: number };
  }[];
  adaptiveKl: {
    initKlCoef: number;
    targetKl: number;
    horizon: number;
    updates: { currentKl: number; nSteps: number }[];
    values: number[];
  };
  rewardKl: {
    tokenLevelScores: M;
    oldLogProbs: M;
    refLogProbs: M;
    responseMask: M;
    cases: { kind: KlKind; klCoef: number; tokenLevelRewards: M; kl: M; currentKl: number }[];
  };
  filterGroups: { scores: number[]; index: number[]; low: number; high: number; keptRows: number[] };
}

const golden = JSON.parse(
  readFileSync(new URL('./__fixtures__/core-algos-golden.json', import.meta.url), 'utf8'),
) as Golden;

const TOL = 1e-9;

describe('EasyR1 parity: masked primitives', () => {
  for (const c of golden.masked) {
    it(c.name, () => {
      expectClose(maskedSum(c.values, c.mask), c.sum, TOL, 'sum');
      expectClose(maskedMean(c.values, c.mask), c.mean, TOL, 'mean');
      expectClose(maskedRowMean(c.values, c.mask), c.rowMean, TOL, 'rowMean');
      expectClose(maskedVar(c.values, c.mask), c.varUnbiased, TOL, 'varUnbiased');
      expectClose(maskedVar(c.values, c.mask, false), c.varBiased, TOL, 'varBiased');
      expectClose(maskedWhiten(c.values, c.mask), c.whiten, TOL, 'whiten');
      expectClose(averageLoss(c.values, c.mask, 'token'), c.averageLoss.token, TOL, 'average token');
      expectClose(averageLoss(c.values, c.mask, 'seq'), c.averageLoss.seq, TOL, 'average seq');
    });
  }
});

describe('EasyR1 parity: advantages', () => {
  for (const c of golden.advantages) {
    describe(c.name, () => {
      const input = { tokenLevelRewards: c.tokenLevelRewards, responseMask: c.responseMask, index: c.index };
      it('sequence scores', () => {
        expectClose(sequenceScores(c.tokenLevelRewards), c.scores, TOL, 'scores');
      });
      it('grpo', () => {
        const r = grpoAdvantages(input);
        expectClose(r.advantages, c.grpo.advantages, TOL, 'advantages');
        expectClose(r.returns, c.grpo.returns, TOL, 'returns');
      });
      it('dr grpo (verl, no std)', () => {
        const r = drGrpoAdvantages(input);
        expectClose(r.advantages, c.drGrpo.advantages, TOL, 'advantages');
        expectClose(r.returns, c.drGrpo.returns, TOL, 'returns');
      });
      it('rloo', () => {
        const r = rlooAdvantages(input);
        expectClose(r.advantages, c.rloo.advantages, TOL, 'advantages');
        expectClose(r.returns, c.rloo.returns, TOL, 'returns');
      });
      for (const g of c.reinforcePlusPlus) {
        it(`reinforce++ gamma ${g.gamma}`, () => {
          const r = reinforcePlusPlusAdvantages({ ...input, gamma: g.gamma });
          expectClose(r.returns, g.returns, TOL, 'returns');
          // EasyR1 keeps whitened values on padding; here padding is 0 and response tokens agree.
          const expected = g.advantages.map((row, i) => row.map((a, t) => (c.responseMask[i][t] === 1 ? a : 0)));
          expectClose(r.advantages, expected, TOL, 'advantages');
        });
      }
    });
  }

  it('covers an all-equal group, a fully masked row and both id kinds', () => {
    const c = golden.advantages[0];
    const firstGroup = c.index[0];
    const rows = c.index.flatMap((id, i) => (id === firstGroup ? [i] : []));
    expect(new Set(rows.map((i) => c.scores[i])).size).toBe(1);
    for (const i of rows) expect(grpoAdvantages(c).advantages[i].every((a) => a === 0)).toBe(true);
    expect(golden.advantages.some((a) => a.responseMask.some((row) => row.every((m) => m === 0)))).toBe(true);
    expect(golden.advantages.some((a) => typeof a.index[0] === 'string')).toBe(true);
  });
});

describe('EasyR1 parity: policy loss', () => {
  for (const c of golden.policyLoss) {
    describe(c.name, () => {
      for (const r of c.results) {
        const label = `${r.lossType} × ${r.lossAvgMode}, clip ${r.clipRatioLow}/${r.clipRatioHigh} dual ${r.clipRatioDual}`;
        it(label, () => {
          const out = policyLoss({
            oldLogProbs: c.oldLogProbs,
            logProbs: c.logProbs,
            advantages: c.advantages,
            responseMask: c.responseMask,
            clipRatioLow: r.clipRatioLow,
            clipRatioHigh: r.clipRatioHigh,
            clipRatioDual: r.clipRatioDual,
            lossType: r.lossType,
            lossAvgMode: r.lossAvgMode,
          });
          expectClose(out.pgLoss, r.pgLoss, TOL, 'pgLoss');
          expectClose(out.perTokenLoss, r.perTokenLoss, TOL, 'perTokenLoss');
          expect(Object.keys(out.metrics).sort()).toEqual(Object.keys(r.metrics).sort());
          for (const [k, v] of Object.entries(r.metrics)) {
            expectClose(out.metrics[k as keyof PolicyLossMetrics], v, TOL, k);
          }
        });
      }
    });
  }

  it('inputs reach beyond the ±20 log-ratio clamp', () => {
    const extremes = golden.policyLoss.flatMap((c) =>
      c.logProbs.flatMap((row, i) => row.map((lp, t) => Math.abs(lp - c.oldLogProbs[i][t]))),
    );
    expect(Math.max(...extremes)).toBeGreaterThan(40);
  });
});

describe('EasyR1 parity: KL', () => {
  for (const c of golden.kl) {
    for (const [kind, expected] of Object.entries(c.kinds)) {
      it(`${c.name} ${kind}`, () => {
        const out = klPenalty({ logProbs: c.logProbs, refLogProbs: c.refLogProbs, kind: kind as KlKind });
        expectClose(out, expected, TOL, kind);
      });
    }
  }

  it('full', () => {
    expectClose(fullKl(golden.fullKl), golden.fullKl.kl, TOL, 'full');
  });

  it('adaptive controller', () => {
    const a = golden.adaptiveKl;
    const ctl = createAdaptiveKlController(a);
    a.updates.forEach((u, k) => {
      ctl.update(u.currentKl, u.nSteps);
      expectClose(ctl.value, a.values[k], TOL, `value after update ${k}`);
    });
  });

  for (const c of golden.rewardKl.cases) {
    it(`KL in the reward (${c.kind})`, () => {
      const r = golden.rewardKl;
      const out = applyKlPenaltyToRewards({ ...r, klCoef: c.klCoef, kind: c.kind });
      expectClose(out.tokenLevelRewards, c.tokenLevelRewards, TOL, 'rewards');
      expectClose(out.kl, c.kl, TOL, 'kl');
      expectClose(out.currentKl, c.currentKl, TOL, 'currentKl');
    });
  }
});

describe('EasyR1 parity: online filtering', () => {
  it('keeps the same rows', () => {
    const f = golden.filterGroups;
    expect(filterGroups(f).keptRows).toEqual(f.keptRows);
  });
});
