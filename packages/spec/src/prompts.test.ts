import { describe, expect, it } from 'vitest';
import {
  countImagePlaceholders,
  FORMAT_INSTRUCTION,
  IMAGE_PLACEHOLDER,
  imagePlaceholders,
  plainImagePlaceholders,
  PromptPlaceholderError,
  splitAtImagePlaceholders,
  withFormatInstruction,
} from './prompts.js';

describe('image placeholders', () => {
  it('counts plain and numbered placeholders', () => {
    expect(countImagePlaceholders('no image')).toBe(0);
    expect(countImagePlaceholders('<image>Describe <image> and')).toBe(2);
    expect(countImagePlaceholders('first <image1>? options <image2><image3><image4><image5>.')).toBe(5);
  });

  it('refuses numbered placeholders out of order or mixed with plain ones', () => {
    expect(() => countImagePlaceholders('<image2><image1>')).toThrow(PromptPlaceholderError);
    expect(() => countImagePlaceholders('<image1><image>')).toThrow(PromptPlaceholderError);
  });

  it('rewrites numbered placeholders as plain ones', () => {
    expect(plainImagePlaceholders('a <image1> b <image2><image3>')).toBe('a <image> b <image><image>');
    expect(plainImagePlaceholders('<image>x')).toBe('<image>x');
  });
});

describe('format instruction', () => {
  it('appends the Spatial-SSRL RL format instruction after one space', () => {
    expect(withFormatInstruction('Q?')).toBe(
      'Q? You FIRST think about the reasoning process as an internal monologue and then provide the final answer. The reasoning process MUST BE enclosed within <think> </think> tags. The final answer MUST BE put in \\boxed{}.',
    );
    expect(FORMAT_INSTRUCTION.endsWith('\\boxed{}.')).toBe(true);
  });
});

describe('splitAtImagePlaceholders', () => {
  it('splits plain placeholders in order and numbered ones by number', () => {
    expect(splitAtImagePlaceholders('a<image>b<image>', 2)).toEqual([{ text: 'a' }, { image: 0 }, { text: 'b' }, { image: 1 }]);
    expect(splitAtImagePlaceholders('<image2>x<image1>', 2)).toEqual([{ image: 1 }, { text: 'x' }, { image: 0 }]);
  });

  it('puts the images first when the prompt has no placeholder', () => {
    expect(splitAtImagePlaceholders('what is this?', 2)).toEqual([{ image: 0 }, { image: 1 }, { text: 'what is this?' }]);
  });

  it('refuses a count that differs from the images, or an image used twice', () => {
    for (const [prompt, n] of [['<image>', 2], ['<image><image>', 1], ['<image1><image1>', 2], ['<image3>', 2]] as const) {
      expect(() => splitAtImagePlaceholders(prompt, n)).toThrow(expect.objectContaining({ name: 'PromptPlaceholderError', code: 'placeholder-count' }));
    }
  });

  it('keeps imagePlaceholders and IMAGE_PLACEHOLDER consistent with the splitter', () => {
    expect(imagePlaceholders(3)).toBe(IMAGE_PLACEHOLDER.repeat(3));
    expect(splitAtImagePlaceholders(`${imagePlaceholders(2)}q`, 2)).toEqual([{ image: 0 }, { image: 1 }, { text: 'q' }]);
  });
});
