import { describe, expect, it } from 'vitest';
import { asciiDigits, pyFloat, pyFloatRepr, pyLen, unicodeDigitValue } from './python-compat.js';

describe('Python semantics', () => {
  it('reads decimal digits of any script', () => {
    expect(unicodeDigitValue('٤')).toBe(4);
    expect(unicodeDigitValue('９')).toBe(9);
    expect(unicodeDigitValue('𝟘')).toBe(0);
    expect(unicodeDigitValue('𝟙')).toBe(1);
    expect(unicodeDigitValue('𝟡')).toBe(9);
    expect(unicodeDigitValue('x')).toBe(-1);
    expect(asciiDigits('٢٠٢٤ and ३')).toBe('2024 and 3');
  });

  it('float() strips Unicode whitespace, accepts underscores, Unicode digits and inf/nan', () => {
    expect(pyFloat('\u3000٤.٥\u2028')).toBe(4.5);
    expect(pyFloat('٤', { unicodeDigits: false })).toBeNull();
    expect(pyFloat('1_000.5')).toBe(1000.5);
    expect(pyFloat('-Infinity')).toBe(-Infinity);
    expect(pyFloat('1 0')).toBeNull();
    expect(pyFloat('')).toBeNull();
  });

  it('len() counts code points', () => {
    expect(pyLen('𝐀')).toBe(1);
    expect(pyLen('ab')).toBe(2);
  });

  it('formats floats like repr()', () => {
    expect([4, 0.1, 1e16, 1e-5, 123456789.5, -0.00012, 1.2345678901234568e17, 0, -0].map(pyFloatRepr)).toEqual([
      '4.0', '0.1', '1e+16', '1e-05', '123456789.5', '-0.00012', '1.2345678901234568e+17', '0.0', '-0.0',
    ]);
    expect(pyFloatRepr(9999999999999998)).toBe('9999999999999998.0');
    expect(pyFloatRepr(2.5e-300)).toBe('2.5e-300');
  });
});
