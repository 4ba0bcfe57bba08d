import { describe, expect, it } from 'vitest';
import { extractAssistantResponse, openRlhfRewardRequest, rewardBatch } from './openrlhf-reward.js';
import { RewardError } from './reward-error.js';
import { scoreResponse } from './reward-score.js';

const prompt =
  '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>Sort the depths.<|im_end|>\n<|im_start|>assistant\n';

describe('extractAssistantResponse', () => {
  it('strips the prompt prefix and the end-of-turn token with its padding', () => {
    const query = `${prompt}<think>x</think>\\boxed{3-1-2}<|im_end|><|endoftext|><|endoftext|>`;
    expect(extractAssistantResponse(query, prompt)).toBe('<think>x</think>\\boxed{3-1-2}');
  });

  it('splits on the last assistant marker when the prompt is not a prefix', () => {
    const query = `${prompt}<think>a</think>\\boxed{A}<|im_end|>`;
    expect(extractAssistantResponse(query, 'a different rendering')).toBe('<think>a</think>\\boxed{A}');
    const twoTurns = `<|im_start|>assistant\nold<|im_end|>${prompt}new<|im_end|>`;
    expect(extractAssistantResponse(twoTurns, '')).toBe('new');
  });

  it('keeps the whole query when there is neither prefix nor marker', () => {
    expect(extractAssistantResponse('plain reply', 'other')).toBe('plain reply');
  });

  it('takes custom markers', () => {
    const query = '<s>[INST] q [/INST] answer \\boxed{B}</s>';
    expect(extractAssistantResponse(query, '', { assistantMarker: '[/INST]', endMarkers: ['</s>'] })).toBe(' answer \\boxed{B}');
  });
});

describe('openRlhfRewardRequest', () => {
  it('accepts the OpenRLHF body and drops extra keys', () => {
    const body = { query: ['q'], prompts: ['p'], labels: ['A'], datasources: ['x'] };
    expect(openRlhfRewardRequest.parse(body)).toEqual({ query: ['q'], prompts: ['p'], labels: ['A'] });
  });

  it('rejects unequal lengths, missing arrays and non-strings', () => {
    const unequal = openRlhfRewardRequest.safeParse({ query: ['a', 'b'], prompts: ['p'], labels: ['A', 'B'] });
    expect(unequal.success).toBe(false);
    expect(unequal.error?.issues[0].message).toMatch(/same length/);
    expect(openRlhfRewardRequest.safeParse({ query: ['a'], prompts: ['p'] }).success).toBe(false);
    expect(openRlhfRewardRequest.safeParse({ query: [1], prompts: ['p'], labels: ['A'] }).success).toBe(false);
    expect(openRlhfRewardRequest.safeParse({ query: ['a'], prompts: ['p'], labels: [null] }).success).toBe(false);
  });
});

describe('rewardBatch', () => {
  it('scores each reply like scoreResponse and fills the OpenRLHF reply', () => {
    const replies = ['<think>near</think>\\boxed{3-1-2}', '<think>near</think>\\boxed{1-2-3}', '\\boxed{3-1-2}', 'no idea'];
    const request = openRlhfRewardRequest.parse({
      query: replies.map((r) => `${prompt}${r}<|im_end|>`),
      prompts: replies.map(() => prompt),
      labels: replies.map(() => '3-1-2'),
    });
    const result = rewardBatch(request);
    const expected = replies.map((r) => scoreResponse(r, '3-1-2'));
    expect(result.rewards).toEqual(expected.map((s) => s.overall));
    expect(result.rewards).toEqual([1, 0.1, 0.9, 0]);
    expect(result.scores).toEqual(result.rewards);
    expect(result.scores).not.toBe(result.rewards);
    expect(result.extra_logs).toEqual({ format: [1, 1, 0, 0], accuracy: [1, 0, 1, 0] });
  });

  it('passes grader and weight through', () => {
    const request = { query: [`${prompt}<think>x</think>\\boxed{(B) Left}`], prompts: [prompt], labels: ['B'] };
    expect(rewardBatch(request).rewards).toEqual([0.1]);
    expect(rewardBatch(request, { grader: 'option-letter', formatWeight: 0.5 }).rewards).toEqual([1]);
  });

  it('returns empty arrays for an empty batch and throws on unequal lengths', () => {
    expect(rewardBatch({ query: [], prompts: [], labels: [] })).toEqual({ rewards: [], scores: [], extra_logs: { format: [], accuracy: [] } });
    expect(() => rewardBatch({ query: ['a'], prompts: [], labels: ['A'] })).toThrow(RewardError);
  });
});
