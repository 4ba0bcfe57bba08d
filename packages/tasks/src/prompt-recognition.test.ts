import { describe, expect, it } from 'vitest';
import { promptWords, withFormatInstruction } from '@spatial-ssrl/spec';
import { builtinTasks } from './registry.js';
import { CROP_COMPOSITE_PROMPT, CROP_PROMPT } from './tasks/crop/crop.js';
import { DEPTH_PROMPT } from './tasks/depth/depth.js';
import { FLIP_PROMPT } from './tasks/flip/flip.js';
import { positionPrompt } from './tasks/position/position.js';
import { SHUFFLE_VARIANTS } from './tasks/shuffle/shuffle-layouts.js';
import { shufflePromptText } from './tasks/shuffle/shuffle-layouts.js';

function claims(prompt: string): { task: string; variant: string }[] {
  const words = promptWords(prompt);
  return builtinTasks.flatMap((t) => {
    const v = t.recognizePrompt?.(words);
    return v ? [{ task: t.id, variant: v }] : [];
  });
}

describe('recognizing a task by its prompt wording', () => {
  it('gives every built-in prompt form to exactly one task and variant', () => {
    const cases: [string, string, string][] = [
      ...SHUFFLE_VARIANTS.map((v): [string, string, string] => [`<image>${shufflePromptText(v)}`, 'shuffle', v]),
      [`<image>${FLIP_PROMPT}`, 'flip', '2x2'],
      [CROP_PROMPT, 'crop', 'separate'],
      [CROP_PROMPT.replace(/<image\d>/g, '<image>'), 'crop', 'separate'],
      [`<image>${CROP_COMPOSITE_PROMPT}`, 'crop', 'composite'],
      [`<image>${DEPTH_PROMPT}`, 'depth', '3-regions'],
      [positionPrompt(1, 'left', 2, ['Left', 'Front', 'Back', 'Right'], 'near'), 'position', 'near'],
      [positionPrompt(2, 'away', 1, ['Left-Front', 'Right-Front', 'Right-Back', 'Left-Back'], 'far'), 'position', 'far'],
    ];
    for (const [prompt, task, variant] of cases) {
      expect(claims(prompt)).toEqual([{ task, variant }]);
      expect(claims(withFormatInstruction(prompt)), 'with the RL format instruction').toEqual([{ task, variant }]);
      expect(claims(prompt.replace(/ /g, '  ')), 'with doubled spaces').toEqual([{ task, variant }]);
    }
  });

  it('claims no prompt that differs in wording', () => {
    expect(claims('<image>What is in this picture?')).toEqual([]);
    expect(claims(`<image>${FLIP_PROMPT.replace('flipped', 'rotated')}`)).toEqual([]);
    expect(claims(positionPrompt(3, 'me', 2, ['A', 'B', 'C', 'D'], 'near'))).toEqual([]);
  });

  it('reduces a prompt to its words: placeholders, instruction and extra whitespace go', () => {
    expect(promptWords(withFormatInstruction('<image1> Which\n image  <image2>?'))).toBe('Which image ?');
  });
});
