import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyUtf16, rewardText } from './__fixtures__/reward-text-arbitraries.js';
import { PYTHON_WHITESPACE } from './python-whitespace.js';
import { matchesThinkBoxedFormat, normalizeTagSpacing } from './reward-format.js';

const pythonSpaceClass = PYTHON_WHITESPACE.map((c) => `\\u${c.toString(16).padStart(4, '0')}`).join('');
// Reference ports through a backtracking regex engine: exact but slow, used on short inputs only.
const tagSpacingRegex = new RegExp(`[${pythonSpaceClass}]*([<>/])[${pythonSpaceClass}]*`, 'g');
const formatRegex = /^<think>[\s\S]*<\/think>[\s\S]*\\boxed\{[\s\S]*\}[\s\S]*$/;

describe('normalizeTagSpacing', () => {
  it('removes whitespace runs touching <, > or /', () => {
    expect(normalizeTagSpacing('< think >a</ think >')).toBe('<think>a</think>');
    expect(normalizeTagSpacing('a < b > c / d')).toBe('a<b>c/d');
    expect(normalizeTagSpacing('  <  /  think  >  x')).toBe('</think>x');
    expect(normalizeTagSpacing('\u3000\u0085<think>')).toBe('<think>');
  });

  it('keeps whitespace that touches no tag character, and U+FEFF always', () => {
    expect(normalizeTagSpacing('a  b\n\nc')).toBe('a  b\n\nc');
    expect(normalizeTagSpacing('\ufeff<think>')).toBe('\ufeff<think>');
    expect(normalizeTagSpacing('x \ufeff <')).toBe('x \ufeff<');
    expect(normalizeTagSpacing('')).toBe('');
    expect(normalizeTagSpacing(' ')).toBe(' ');
  });

  it('equals the Python regex substitution on reward-shaped text', () => {
    fc.assert(
      fc.property(rewardText(), (text) => {
        expect(normalizeTagSpacing(text)).toBe(text.replace(tagSpacingRegex, '$1'));
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('equals the Python regex substitution on arbitrary UTF-16 text', () => {
    fc.assert(
      fc.property(anyUtf16(), (text) => {
        expect(normalizeTagSpacing(text)).toBe(text.replace(tagSpacingRegex, '$1'));
      }),
      { numRuns: 1000, seed: 11 },
    );
  });

  it('is linear on a long whitespace run that touches no tag (quadratic for Python re.sub)', () => {
    const text = `a${' '.repeat(1_000_000)}b`;
    expect(normalizeTagSpacing(text)).toBe(text);
    expect(normalizeTagSpacing(`${text}<`)).toBe(`a${' '.repeat(1_000_000)}b<`);
    expect(normalizeTagSpacing(`b${' '.repeat(1_000_000)}<`)).toBe('b<');
  });
});

describe('matchesThinkBoxedFormat', () => {
  it('accepts think, then close think, then a box with a closing brace later', () => {
    expect(matchesThinkBoxedFormat('<think></think>\\boxed{}')).toBe(true);
    expect(matchesThinkBoxedFormat('<think>a\nb</think>\n\\boxed{A} tail')).toBe(true);
    expect(matchesThinkBoxedFormat('<think>\\boxed{</think>\\boxed{x')).toBe(false);
    expect(matchesThinkBoxedFormat('<think>a</think>\\boxed{A')).toBe(false);
    expect(matchesThinkBoxedFormat('<think>a</think>\\boxed{{')).toBe(false);
    expect(matchesThinkBoxedFormat('<think>a</think>\\boxed{A}}')).toBe(true);
    expect(matchesThinkBoxedFormat('<think>a</think>}\\boxed{')).toBe(false);
  });

  it('is anchored at the start (fullmatch) but not at the end', () => {
    expect(matchesThinkBoxedFormat(' <think>a</think>\\boxed{A}')).toBe(false);
    expect(matchesThinkBoxedFormat('x<think>a</think>\\boxed{A}')).toBe(false);
    expect(matchesThinkBoxedFormat('<think>a</think>\\boxed{A}\n\nmore text')).toBe(true);
  });

  it('needs the markers in order and not overlapping', () => {
    expect(matchesThinkBoxedFormat('<think>')).toBe(false);
    expect(matchesThinkBoxedFormat('</think><think>\\boxed{}')).toBe(false);
    expect(matchesThinkBoxedFormat('<think>\\boxed{}</think>')).toBe(false);
    expect(matchesThinkBoxedFormat('<think>\\boxed{}</think>\\boxed{}')).toBe(true);
    expect(matchesThinkBoxedFormat('<think></think>\\boxed}')).toBe(false);
  });

  it('equals fullmatch with DOTALL on reward-shaped text', () => {
    const structured = fc
      .tuple(fc.constantFrom('<think>', '', 'x'), rewardText(8), fc.constantFrom('</think>', ''), rewardText(8), fc.constantFrom('\\boxed{', ''), rewardText(8))
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(rewardText(), structured), (text) => {
        expect(matchesThinkBoxedFormat(text)).toBe(formatRegex.test(text));
      }),
      { numRuns: 3000, seed: 3 },
    );
  });

  it('decides a 1 MB response and adversarial marker floods', () => {
    const body = 'x'.repeat(1_000_000);
    expect(matchesThinkBoxedFormat(`<think>${body}</think>${body}\\boxed{${body}}`)).toBe(true);
    expect(matchesThinkBoxedFormat(`<think>${'</think>'.repeat(100_000)}`)).toBe(false);
    expect(matchesThinkBoxedFormat(`<think></think>${'\\boxed{'.repeat(100_000)}`)).toBe(false);
  });
});
