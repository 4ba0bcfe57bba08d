import { describe, expect, it } from 'vitest';
import { ModelError } from '@spatial-ssrl/model';
import { parseGrpoOptions, SMALL_MODEL_GRPO_LR } from './grpo-options.js';
import { overlongPenalty } from './rollout.js';

const base = { init: 'sft', data: 'data', out: 'run', steps: 10 };

describe('parseGrpoOptions', () => {
  it('applies the Spatial-SSRL defaults, with the small model learning rate', () => {
    const o = parseGrpoOptions(base);
    expect(o).toMatchObject({
      groupSize: 5,
      temperature: 1,
      topP: 1,
      estimator: 'grpo',
      lossType: 'default',
      lossAvgMode: 'token',
      clipRatioLow: 0.2,
      clipRatioHigh: 0.3,
      clipRatioDual: 3,
      klKind: 'low_var_kl',
      klCoef: 0.01,
      useKlLoss: true,
      klController: 'fixed',
      ppoEpochs: 1,
      weightDecay: 0.01,
      formatWeight: 0.1,
      grader: 'exact',
      onlineFiltering: false,
      lr: SMALL_MODEL_GRPO_LR,
      threads: 2,
    });
  });

  it.each([
    [{ groupSize: 1 }, /groupSize: must be at least 2, got 1/],
    [{ clipRatioLow: 1.2 }, /clipRatioLow: must be in \(0, 1\), got 1.2/],
    [{ clipRatioHigh: -0.1 }, /clipRatioHigh: must be > 0, got -0.1/],
    [{ clipRatioDual: 0.5 }, /clipRatioDual: must be > 1, got 0.5/],
    [{ topP: 0 }, /topP: must be in \(0, 1\]/],
    [{ filterLow: 0.5, filterHigh: 0.5 }, /filterLow: must be below filterHigh/],
    [{ promptsPerStep: 4, miniBatchSize: 8 }, /miniBatchSize: must be at most promptsPerStep \(4\), got 8/],
    [{ estimator: 'gae' }, /estimator/],
    [{ steps: undefined }, /give steps or minutes/],
    [{ threads: 3 }, /threads: must be 1 or 2, got 3/],
    [{ threads: 0 }, /threads: must be 1 or 2, got 0/],
  ])('rejects %j', (extra, message) => {
    let err: unknown;
    try {
      parseGrpoOptions({ ...base, ...extra } as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ModelError).code).toBe('bad-config');
    expect((err as Error).message).toMatch(message);
  });
});

describe('overlongPenalty', () => {
  it('is DAPO\'s soft punishment: 0 up to limit − buffer, then linear down to −penalty at the limit', () => {
    expect(overlongPenalty(24, 32, 8, 1)).toBe(0);
    expect(overlongPenalty(26, 32, 8, 1)).toBeCloseTo(-0.25, 12);
    expect(overlongPenalty(32, 32, 8, 0.5)).toBeCloseTo(-0.5, 12);
    expect(overlongPenalty(40, 32, 8, 1)).toBe(-1);
    expect(overlongPenalty(32, 32, 0, 1)).toBe(0);
  });
});
