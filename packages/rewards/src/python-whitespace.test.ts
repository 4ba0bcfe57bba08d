import { describe, expect, it } from 'vitest';
import { PYTHON_WHITESPACE, isPythonWhitespace, pythonStrip } from './python-whitespace.js';

describe('isPythonWhitespace', () => {
  it('agrees with PYTHON_WHITESPACE on every BMP code unit', () => {
    const set = new Set(PYTHON_WHITESPACE);
    const mismatches: number[] = [];
    for (let c = 0; c <= 0xffff; c++) if (isPythonWhitespace(c) !== set.has(c)) mismatches.push(c);
    expect(mismatches).toEqual([]);
    expect(PYTHON_WHITESPACE).toHaveLength(29);
  });

  it('includes the separators JavaScript misses and excludes the ones it adds', () => {
    for (const c of [0x1c, 0x1d, 0x1e, 0x1f, 0x85]) {
      expect(isPythonWhitespace(c)).toBe(true);
      expect(/\s/.test(String.fromCharCode(c))).toBe(false);
    }
    for (const c of [0xfeff, 0x180e, 0x200b, 0x2060, 0x0]) expect(isPythonWhitespace(c)).toBe(false);
    expect(/\s/.test('\ufeff')).toBe(true);
  });
});

describe('pythonStrip', () => {
  it('strips Python whitespace from both ends only', () => {
    expect(pythonStrip(' \t\n a b \r\u000b\u000c')).toBe('a b');
    expect(pythonStrip('\u001c\u0085\u00a0\u3000x\u2028\u2029\u202f\u205f')).toBe('x');
    expect(pythonStrip('\u2000\u2001\u2005\u200ax\u1680')).toBe('x');
  });

  it('keeps U+FEFF, U+180E, zero-width space and NUL, unlike String.prototype.trim for U+FEFF', () => {
    expect(pythonStrip('\ufeffx\ufeff')).toBe('\ufeffx\ufeff');
    expect('\ufeffx\ufeff'.trim()).toBe('x');
    expect(pythonStrip('\u180ex\u200b')).toBe('\u180ex\u200b');
    expect(pythonStrip('\u0000 x \u0000')).toBe('\u0000 x \u0000');
  });

  it('handles empty and all-whitespace input and returns the same string when nothing is stripped', () => {
    expect(pythonStrip('')).toBe('');
    expect(pythonStrip(' \u3000\u0085 ')).toBe('');
    const s = 'no-op';
    expect(pythonStrip(s)).toBe(s);
  });
});
