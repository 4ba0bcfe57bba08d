import { createRng } from '@spatial-ssrl/spec';
import { describe, expect, it } from 'vitest';
import { extractAssistantResponse, isOpenRlhfRewardRequest, openRlhfRewardRequest, rewardBatch } from './openrlhf-reward.js';
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

describe('isOpenRlhfRewardRequest', () => {
  const listed: unknown[] = [
    { query: ['q'], prompts: ['p'], labels: ['A'] },
    { query: ['q'], labels: ['A'] },
    { query: [], labels: [] },
    { query: [], prompts: [], labels: [] },
    { query: ['q'], prompts: ['p'], labels: ['A'], datasources: ['x'], metadata: null },
    { query: ['a', 'b'], prompts: ['p'], labels: ['A', 'B'] },
    { query: ['a'], prompts: ['p'], labels: ['A', 'B'] },
    { query: ['a'], prompts: null, labels: ['A'] },
    { query: ['a'], prompts: 'p', labels: ['A'] },
    { query: 'q', labels: ['A'] },
    { query: [1], labels: ['A'] },
    { query: ['q'], labels: [null] },
    { query: ['q'] },
    { labels: ['A'] },
    {},
    [],
    [{ query: ['q'], labels: ['A'] }],
    null,
    'body',
    3,
    true,
    undefined,
    JSON.parse('{"__proto__": {"query": ["q"], "labels": ["A"]}}'),
  ];

  it('accepts exactly the bodies the schema accepts', () => {
    for (const body of listed) expect(isOpenRlhfRewardRequest(body), JSON.stringify(body)).toBe(openRlhfRewardRequest.safeParse(body).success);
  });

  it('agrees with the schema on 5,000 generated bodies', () => {
    const rng = createRng(14);
    const next = (n: number) => rng.int(0, n - 1);
    const scalar = (): unknown => [null, true, 0, -1.5, '', 'x', '<|im_end|>'][next(7)];
    const array = (): unknown[] => Array.from({ length: next(4) }, () => (next(6) === 0 ? scalar() : `s${next(9)}`));
    const value = (): unknown => [scalar, array, () => ({}), () => undefined][next(4)]();
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const body: Record<string, unknown> = {};
      for (const key of ['query', 'prompts', 'labels', 'extra']) if (next(5) > 0) body[key] = next(3) > 0 ? array() : value();
      const wrapped = next(20) === 0 ? [body] : next(20) === 0 ? scalar() : body;
      const ok = openRlhfRewardRequest.safeParse(wrapped).success;
      expect(isOpenRlhfRewardRequest(wrapped), JSON.stringify(wrapped)).toBe(ok);
      if (ok) accepted++;
    }
    expect(accepted).toBeGreaterThan(100);
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
