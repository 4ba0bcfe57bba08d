import { describe, expect, it } from 'vitest';
import { countImagePlaceholders, FORMAT_INSTRUCTION, plainImagePlaceholders, PromptPlaceholderError, withFormatInstruction } from './prompts.js';

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
