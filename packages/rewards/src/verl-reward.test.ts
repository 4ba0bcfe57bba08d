import { describe, expect, it } from 'vitest';
import { scoreResponse } from './reward-score.js';
import { verlScore, verlScoreRequest } from './verl-reward.js';

describe('verlScore', () => {
  it('returns img_score as score, format and accuracy', () => {
    const request = verlScoreRequest.parse({ data_source: 'spatial_ssrl', solution_str: '\\boxed{3-1-2}', ground_truth: '3-1-2' });
    const expected = scoreResponse('\\boxed{3-1-2}', '3-1-2');
    expect(verlScore(request)).toEqual({ score: expected.overall, format: expected.format, accuracy: expected.accuracy });
  });

  it('lets the request weight win over the option, and uses the grader', () => {
    const request = { solution_str: '<think>x</think>\\boxed{3-2-1}', ground_truth: '3-1-2', format_weight: 0.5 };
    expect(verlScore(request, { formatWeight: 0.1 }).score).toBe(0.5);
    expect(verlScore({ ...request, format_weight: undefined }, { formatWeight: 0.2, grader: 'pairwise' }).score).toBeCloseTo(0.8 * (2 / 3) + 0.2);
  });
});

describe('verlScoreRequest', () => {
  it('accepts verl arguments with null extra_info and data_source, and drops unknown keys', () => {
    const parsed = verlScoreRequest.parse({ data_source: null, solution_str: 's', ground_truth: 'g', extra_info: null, num_turns: 1 });
    expect(parsed).toEqual({ data_source: null, solution_str: 's', ground_truth: 'g', extra_info: null });
    expect(verlScoreRequest.parse({ solution_str: 's', ground_truth: 'g', extra_info: { task: 'depth', index: 3 } }).extra_info).toEqual({ task: 'depth', index: 3 });
  });

  it('names the missing or mistyped field', () => {
    expect(verlScoreRequest.safeParse({ ground_truth: 'g' }).error?.issues[0].path).toEqual(['solution_str']);
    expect(verlScoreRequest.safeParse({ solution_str: 's', ground_truth: ['g'] }).error?.issues[0].path).toEqual(['ground_truth']);
    expect(verlScoreRequest.safeParse({ solution_str: 's', ground_truth: 'g', extra_info: [1] }).error?.issues[0].path).toEqual(['extra_info']);
  });
});
