import { describe, expect, it } from 'vitest';
import { modelPresets } from '@spatial-ssrl/model';
import { makePrompts } from './__fixtures__/prompts.js';
import { padRows, responseMask, rolloutAdvantages, selectGroups } from './rollout-advantages.js';
import type { Rollout } from './rollout.js';

const { examples } = makePrompts(modelPresets.tiny, 3);

// Group g, sample j, a response of `length` tokens with the given accuracy (format always 1).
function rollout(group: number, sample: number, length: number, accuracy: number, logProb = -0.5): Rollout {
  return {
    group,
    sample,
    example: examples[group],
    tokens: Array.from({ length }, () => 10),
    logProbs: Array.from({ length }, () => logProb),
    text: '',
    finishReason: 'stop',
    reward: { overall: 0.9 * accuracy + 0.1, accuracy, format: 1 },
  };
}

const filtering = { onlineFiltering: true, filterKey: 'accuracy' as const, filterLow: 0.01, filterHigh: 0.99 };

describe('selectGroups', () => {
  const batch = [rollout(0, 0, 3, 1), rollout(0, 1, 2, 1), rollout(1, 0, 4, 0), rollout(1, 1, 1, 1), rollout(2, 0, 2, 0), rollout(2, 1, 2, 0)];

  it('drops groups that all solved or all failed (DAPO dynamic sampling)', () => {
    const s = selectGroups(batch, filtering);
    expect(s.rows.map((r) => r.group)).toEqual([1, 1]);
    expect([s.keptGroups, s.droppedGroups]).toEqual([1, 2]);
  });

  it('can filter on the overall score, and keeps everything when off', () => {
    // Overall scores: group 2 averages 0.1 (format only), inside (0.01, 0.99).
    expect(selectGroups(batch, { ...filtering, filterKey: 'overall' }).keptGroups).toBe(2);
    expect(selectGroups(batch, { ...filtering, onlineFiltering: false }).rows).toHaveLength(6);
  });
});

describe('rolloutAdvantages', () => {
  const rows = [rollout(0, 0, 3, 1), rollout(0, 1, 2, 0), rollout(1, 0, 4, 1), rollout(1, 1, 1, 1)];
  const ref = rows.map((r) => r.logProbs);
  const settings = { estimator: 'grpo' as const, useKlLoss: true, klKind: 'low_var_kl' as const };

  it('normalises within each group and spreads the advantage over the response tokens', () => {
    const a = rolloutAdvantages(rows, ref, settings, 0.01);
    // Group 0 scores 1 and 0.1: mean 0.55, unbiased std 0.636…, so ±0.707.
    expect(a.advantages[0]).toHaveLength(3);
    a.advantages[0].forEach((v) => expect(v).toBeCloseTo(Math.SQRT1_2, 5));
    a.advantages[1].forEach((v) => expect(v).toBeCloseTo(-Math.SQRT1_2, 5));
    expect(a.advantages[2]).toEqual([0, 0, 0, 0]);
    expect(a.advantages[3]).toEqual([0]);
    expect(a.rolloutKl).toBe(0);
  });

  it('uses the other estimators', () => {
    expect(rolloutAdvantages(rows, ref, { ...settings, estimator: 'rloo' }, 0).advantages[0][0]).toBeCloseTo(0.9, 12);
    expect(rolloutAdvantages(rows, ref, { ...settings, estimator: 'dr_grpo' }, 0).advantages[1][0]).toBeCloseTo(-0.45, 12);
    const rpp = rolloutAdvantages(rows, ref, { ...settings, estimator: 'reinforce_plus_plus' }, 0).advantages;
    expect(rpp[0][0]).toBeGreaterThan(0);
    expect(rpp[1][0]).toBeLessThan(0);
  });

  it('subtracts β·KL from the rewards when the KL is not in the loss', () => {
    const drifted = rows.map((r, i) => (i === 0 ? r.logProbs.map((v) => v - 1) : r.logProbs));
    const inLoss = rolloutAdvantages(rows, drifted, settings, 0.5);
    const inReward = rolloutAdvantages(rows, drifted, { ...settings, useKlLoss: false, estimator: 'dr_grpo' }, 0.5);
    // k3 with ref − lp = −1: e^{-1} + 1 − 1 = 0.3679 per token over 3 tokens → row 0 loses 0.5·1.1036.
    const k3 = Math.exp(-1);
    expect(inLoss.rolloutKl).toBeCloseTo((3 * k3) / 10, 8);
    expect(inReward.advantages[0][0]).toBeCloseTo((1 - 0.5 * 3 * k3 - 0.1) / 2, 10);
    expect(inReward.controllerKl).toBeCloseTo(k3 / 4, 8);
  });

  it('pads rows to a common length', () => {
    expect(responseMask(rows)).toEqual([
      [1, 1, 1, 0],
      [1, 1, 0, 0],
      [1, 1, 1, 1],
      [1, 0, 0, 0],
    ]);
    expect(padRows([[1], [2, 3]], 3)).toEqual([
      [1, 0, 0],
      [2, 3, 0],
    ]);
  });
});
