import { describe, expect, it } from 'vitest';
import { boxedFirst, canInfer, canInferOption, canInferText, vlmevalMcqAnswer } from './vlmeval-mcq.js';

const choices = { A: 'the red cube', B: 'the blue sphere', C: 'the green cone', D: 'nothing' };

describe('VLMEvalKit can_infer', () => {
  it('treats letters glued to other characters as part of a token', () => {
    expect(canInferOption('<think>A is wrong</think> B', choices)).toBe('B');
  });

  it('reads a single option letter standing alone, after removing .()[],:;!*#{}', () => {
    expect(canInferOption('B', choices)).toBe('B');
    expect(canInferOption('(C)', choices)).toBe('C');
    expect(canInferOption('Answer: D.', choices)).toBe('D');
    expect(canInferOption('\\boxed{A}', choices)).toBe('A');
    expect(canInferOption('B\u0085', choices)).toBe('B');
  });

  it('fails when several letters appear, as in a chain of thought', () => {
    const cot = '<think> Option A is the red cube and option B is the blue sphere, so B.</think>\n\\boxed{B}';
    expect(canInferOption(cot, choices)).toBeNull();
    expect(canInferText(cot, choices)).toBeNull();
    expect(vlmevalMcqAnswer(cot, choices)).toBe('Z');
    expect(vlmevalMcqAnswer(boxedFirst(cot), choices)).toBe('B');
  });

  it('falls back to a unique option text, case-insensitive', () => {
    expect(canInfer('I think it is The Blue Sphere', choices)).toBe('B');
    expect(canInfer('the red cube or the blue sphere', choices)).toBeNull();
  });

  it('maps refusals and a lone Z to Z, and an API failure to undecided', () => {
    expect(canInfer('Cannot determine the answer from this.', choices)).toBe('Z');
    expect(canInfer('Z', choices)).toBe('Z');
    expect(canInferOption('Failed to obtain answer via API. B', choices)).toBeNull();
  });

  it('counts an unresolved answer as Z (no LLM judge)', () => {
    expect(vlmevalMcqAnswer('maybe', choices)).toBe('Z');
  });

  it('boxedFirst keeps the response when there is no \\boxed{} and reads None for an unclosed one', () => {
    expect(boxedFirst('just B')).toBe('just B');
    expect(boxedFirst('x \\boxed{C} y \\boxed{ D }')).toBe('D');
    expect(boxedFirst('x \\boxed{C')).toBe('None');
  });
});
