import { describe, expect, it } from 'vitest';
import { easyr1RewardInput, easyr1RewardRequest, easyr1Rewards } from './easyr1-reward.js';
import { scoreResponse } from './reward-score.js';

describe('easyr1Rewards', () => {
  const inputs = [
    { response: '<think>near</think>\\boxed{3-1-2}', response_length: 12, ground_truth: '3-1-2' },
    { response: '\\boxed{3-1-2}', response_length: 5, ground_truth: '3-1-2' },
    { response: '<think>x</think>\\boxed{(B) Left}', response_length: 9, ground_truth: 'B' },
  ];

  it('gives img_score for each input, in order', () => {
    expect(easyr1Rewards(inputs)).toEqual(inputs.map((i) => scoreResponse(i.response, i.ground_truth)));
    expect(easyr1Rewards(inputs).map((s) => s.overall)).toEqual([1, 0.9, 0.1]);
    expect(easyr1Rewards([])).toEqual([]);
  });

  it('passes the grader and the weight through', () => {
    expect(easyr1Rewards(inputs, { grader: 'option-letter', formatWeight: 0.5 }).map((s) => s.overall)).toEqual([0.5, 0, 1]);
  });
});

describe('EasyR1 request schemas', () => {
  it('accept what EasyR1 sends and drop extra keys', () => {
    expect(easyr1RewardInput.parse({ response: 'r', response_length: 3, ground_truth: 'A', uid: 'x' })).toEqual({
      response: 'r',
      response_length: 3,
      ground_truth: 'A',
    });
    expect(easyr1RewardRequest.parse({ reward_inputs: [{ response: 'r', ground_truth: 'A' }], format_weight: 0.2 })).toEqual({
      reward_inputs: [{ response: 'r', ground_truth: 'A' }],
      format_weight: 0.2,
    });
  });

  it('name the field that is wrong', () => {
    const bad = easyr1RewardRequest.safeParse({ reward_inputs: [{ response: 'r', ground_truth: 'A' }, { response: 'r', ground_truth: 7 }] });
    expect(bad.error?.issues[0].path).toEqual(['reward_inputs', 1, 'ground_truth']);
    expect(easyr1RewardRequest.safeParse({ reward_inputs: [], format_weight: 1.5 }).error?.issues[0].path).toEqual(['format_weight']);
    expect(easyr1RewardInput.safeParse({ response: 'r', response_length: -1, ground_truth: 'A' }).success).toBe(false);
    expect(easyr1RewardInput.safeParse({ response: 'r', response_length: 2.5, ground_truth: 'A' }).success).toBe(false);
  });
});
