import { readFileSync } from 'node:fs';
import { Template } from '@huggingface/jinja';
import { describe, expect, it } from 'vitest';
import { extractAssistantResponse, openRlhfRewardRequest, rewardBatch } from './openrlhf-reward.js';
import { scoreResponse } from './reward-score.js';

type Message = { role: string; content: string | { type: string; text?: string }[] };

function template(name: string): Template {
  return new Template(readFileSync(new URL(`./__fixtures__/chat-templates/${name}.jinja`, import.meta.url), 'utf8'));
}

const templates = {
  'Qwen2.5-VL-Instruct': template('qwen2.5-vl-instruct'),
  'Qwen3-VL-Instruct': template('qwen3-vl-instruct'),
  'Qwen3-VL-Thinking': template('qwen3-vl-thinking'),
};

const question: Message = {
  role: 'user',
  content: [
    { type: 'image' },
    { type: 'image' },
    { type: 'text', text: 'The two images are views of one scene. Which region is nearest? Put the answer in \\boxed{}.' },
  ],
};

/** What OpenRLHF decodes with special tokens: every `<|image_pad|>` expanded to the image's tokens. */
function decodedQuery(prompt: string, generated: string, imageTokens: number, padding = 0): string {
  return prompt.replaceAll('<|image_pad|>', '<|image_pad|>'.repeat(imageTokens)) + generated + '<|im_end|>' + '<|endoftext|>'.repeat(padding);
}

describe('OpenRLHF queries rendered with the real Qwen chat templates', () => {
  const reply = '<think>\nRegion 2 is in front of region 1.\n</think>\n\nThe nearest is \\boxed{2-1-3}';

  for (const name of ['Qwen2.5-VL-Instruct', 'Qwen3-VL-Instruct'] as const) {
    it(`${name}: the reply is what the model generated, with or without expanded image tokens`, () => {
      const prompt = templates[name].render({ messages: [question], add_generation_prompt: true });
      expect(prompt.endsWith('<|im_start|>assistant\n')).toBe(true);
      for (const tokens of [1, 64, 1024]) {
        const query = decodedQuery(prompt, reply, tokens, tokens === 64 ? 7 : 0);
        expect(query.startsWith(prompt)).toBe(tokens === 1);
        expect(extractAssistantResponse(query, prompt)).toBe(reply);
      }
      // The template's own rendering of the finished turn holds the same reply.
      const turn = templates[name].render({ messages: [question, { role: 'assistant', content: reply }] });
      expect(extractAssistantResponse(turn, prompt)).toBe(reply);
    });
  }

  it('Qwen3-VL-Thinking: the <think> the template opens is kept as the start of the reply', () => {
    const prompt = templates['Qwen3-VL-Thinking'].render({ messages: [question], add_generation_prompt: true });
    expect(prompt.endsWith('<|im_start|>assistant\n<think>\n')).toBe(true);
    const generated = 'Region 2 is in front of region 1.\n</think>\n\nThe nearest is \\boxed{2-1-3}';
    for (const tokens of [1, 256]) {
      const response = extractAssistantResponse(decodedQuery(prompt, generated, tokens), prompt);
      expect(response).toBe(`<think>\n${generated}`);
      expect(scoreResponse(response, '2-1-3')).toEqual({ overall: 1, format: 1, accuracy: 1 });
    }
    // The template renders a finished turn with its reasoning in the same place.
    const turn = templates['Qwen3-VL-Thinking'].render({ messages: [question, { role: 'assistant', content: `<think>\n${generated}` }] });
    expect(extractAssistantResponse(turn, prompt)).toBe(`<think>\nRegion 2 is in front of region 1.\n</think>\n\nThe nearest is \\boxed{2-1-3}`);
  });

  it('Qwen3-VL-Thinking: a multi-turn prompt drops earlier reasoning and scores the last reply only', () => {
    const history: Message[] = [
      question,
      { role: 'assistant', content: '<think>\nfirst try\n</think>\n\n\\boxed{1-2-3}' },
      { role: 'user', content: 'Look again at region 3.' },
    ];
    const prompt = templates['Qwen3-VL-Thinking'].render({ messages: history, add_generation_prompt: true });
    expect(prompt).not.toContain('first try');
    const query = decodedQuery(prompt, 'region 3 is farthest\n</think>\n\n\\boxed{2-1-3}', 128);
    expect(extractAssistantResponse(query, prompt)).toBe('<think>\nregion 3 is farthest\n</think>\n\n\\boxed{2-1-3}');
  });

  it('a template that closes an empty think block (thinking off) gives the model no format credit', () => {
    const prompt = `${templates['Qwen3-VL-Instruct'].render({ messages: [question], add_generation_prompt: true })}<think>\n\n</think>\n\n`;
    const query = decodedQuery(prompt, 'The nearest is \\boxed{2-1-3}', 64);
    const response = extractAssistantResponse(query, prompt);
    expect(response).toBe('The nearest is \\boxed{2-1-3}');
    expect(scoreResponse(response, '2-1-3')).toEqual({ overall: 0.9, format: 0, accuracy: 1 });
    expect(extractAssistantResponse(`${prompt}x<|im_end|>`, prompt)).toBe('x');
  });

  it('rewardBatch scores an OpenRLHF body built from each template like scoreResponse', () => {
    const replies = [reply, '\\boxed{2-1-3}', '<think>x</think>\\boxed{3-1-2}', 'no box'];
    const query: string[] = [];
    const prompts: string[] = [];
    const expected: number[] = [];
    for (const [name, t] of Object.entries(templates)) {
      const prompt = t.render({ messages: [question], add_generation_prompt: true });
      const thinking = name.endsWith('Thinking');
      for (const r of replies) {
        const generated = thinking && r.startsWith('<think>') ? r.slice('<think>'.length) : r;
        query.push(decodedQuery(prompt, generated, 196, 3));
        prompts.push(prompt);
        expected.push(scoreResponse(thinking ? `<think>\n${generated}` : r, '2-1-3').overall);
      }
    }
    const body = openRlhfRewardRequest.parse({ query, prompts, labels: query.map(() => '2-1-3') });
    expect(rewardBatch(body).rewards).toEqual(expected);
    // Without prompts, the last assistant marker is used; the Thinking template's <think> stays in the reply.
    const withoutPrompts = rewardBatch(openRlhfRewardRequest.parse({ query, labels: query.map(() => '2-1-3') }));
    expect(withoutPrompts.rewards).toEqual(expected);
  });
});
