import { describe, expect, it } from 'vitest';
import { extractBoxed } from './reward-boxed.js';

describe('extractBoxed', () => {
  it('returns the content of a single box, stripped', () => {
    expect(extractBoxed('so \\boxed{ 3-1-2 } done')).toBe('3-1-2');
    expect(extractBoxed('\\boxed{B}')).toBe('B');
  });

  it('matches nested braces by depth', () => {
    expect(extractBoxed('\\boxed{\\frac{1}{2}}')).toBe('\\frac{1}{2}');
    expect(extractBoxed('\\boxed{{{x}}} }}')).toBe('{{x}}');
  });

  it('uses the last box', () => {
    expect(extractBoxed('\\boxed{A} then \\boxed{B}')).toBe('B');
  });

  it('gives "None" when the last box is unclosed, even if an earlier one is closed', () => {
    expect(extractBoxed('\\boxed{A} then \\boxed{B')).toBe('None');
    expect(extractBoxed('\\boxed{\\frac{1}{2}')).toBe('None');
    expect(extractBoxed('\\boxed{')).toBe('None');
  });

  it('gives "None" without a box and "" for an empty one', () => {
    expect(extractBoxed('')).toBe('None');
    expect(extractBoxed('\\boxed A')).toBe('None');
    expect(extractBoxed('\\boxed {A}')).toBe('None');
    expect(extractBoxed('\\fbox{A}')).toBe('None');
    expect(extractBoxed('\\boxed{}')).toBe('');
    expect(extractBoxed('\\boxed{ \u3000 }')).toBe('');
  });

  it('strips Python whitespace, not JavaScript whitespace', () => {
    expect(extractBoxed('\\boxed{\u0085\u001cA\u2029}')).toBe('A');
    expect(extractBoxed('\\boxed{\ufeffA\ufeff}')).toBe('\ufeffA\ufeff');
  });

  it('does not treat an escaped brace specially (MathRuler counts every brace)', () => {
    expect(extractBoxed('\\boxed{\\{A\\}}')).toBe('\\{A\\}');
    expect(extractBoxed('\\boxed{\\}A}')).toBe('\\');
  });

  it('handles 100,000 nested braces in one pass', () => {
    const n = 100_000;
    const text = `\\boxed{${'{'.repeat(n)}x${'}'.repeat(n)}}`;
    expect(extractBoxed(text)).toHaveLength(2 * n + 1);
    expect(extractBoxed(`\\boxed{${'{'.repeat(n)}`)).toBe('None');
  });
});
