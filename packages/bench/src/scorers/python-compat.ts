// Official scorers are Python; these functions reproduce the Python string semantics they rely on
// where JavaScript differs (whitespace set, float parsing, Unicode digits, `\b` and `\w` on
// Unicode text, code-point lengths, float formatting).
import { PYTHON_WHITESPACE, pythonStrip } from '@spatial-ssrl/rewards';

const PY_WS_RUN = new RegExp(`[${PYTHON_WHITESPACE.map((c) => `\\u{${c.toString(16)}}`).join('')}]+`, 'u');

/** Python `s.split()` with no arguments: split on runs of Python whitespace, dropping empty pieces. */
export function pySplit(s: string): string[] {
  return s.split(PY_WS_RUN).filter((x) => x.length > 0);
}

const ND = /\p{Nd}/u;
const ND_RUN = /\p{Nd}/gu;

/**
 * The value 0-9 of a Unicode decimal digit (category Nd), or -1. Unicode lays out every Nd digit
 * in runs of ten from 0 to 9, so the value is the distance from the start of its run, modulo 10.
 */
export function unicodeDigitValue(ch: string): number {
  const cp = ch.codePointAt(0);
  if (cp === undefined || !ND.test(String.fromCodePoint(cp))) return -1;
  if (cp >= 0x30 && cp <= 0x39) return cp - 0x30;
  let start = cp;
  while (start > 0 && ND.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

/** Replaces every Unicode decimal digit (Python's `\d`, `int`, `float`) by its ASCII digit. */
export function asciiDigits(s: string): string {
  return /[^\x00-\x7f]/.test(s) ? s.replace(ND_RUN, (d) => String(unicodeDigitValue(d))) : s;
}

const PY_FLOAT = /^[+-]?(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const PY_SPECIAL = /^[+-]?(?:inf|infinity|nan)$/i;

/**
 * Python `float(s)` for a string: the number, or `null` where Python raises `ValueError`.
 * Like Python it strips Unicode whitespace and reads any Unicode decimal digit (`float('٤')` is
 * 4.0); `unicodeDigits: false` gives the ASCII-only reading.
 */
export function pyFloat(s: string, options: { unicodeDigits?: boolean } = {}): number | null {
  const stripped = pythonStrip(s);
  const t = options.unicodeDigits === false ? stripped : asciiDigits(stripped);
  if (PY_SPECIAL.test(t)) {
    const neg = t.startsWith('-');
    if (/nan/i.test(t)) return Number.NaN;
    return neg ? -Infinity : Infinity;
  }
  if (!PY_FLOAT.test(t)) return null;
  return Number(t.replace(/_/g, ''));
}

/** Python `len(s)`: the number of code points (an astral character counts once). */
export function pyLen(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** Python `c.isalpha()` for a string: non-empty and every character a Unicode letter. */
export function pyIsAlpha(s: string): boolean {
  return s.length > 0 && /^\p{L}+$/u.test(s);
}

/** Python `re` word character (`\w` on str patterns): letters, numbers and underscore. */
export const PY_WORD = '[\\p{L}\\p{N}_]';

/** Python `re` `.` without DOTALL: any character but `\n` (it does match `\r`, U+2028 and U+2029). */
export const PY_DOT = '[^\\n]';

/** Python `repr(float)` / `str(float)`: shortest round-trip digits, exponent form below 1e-4 and from 1e16, `.0` on integers. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const neg = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = neg ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${intPart}.${frac || '0'}`;
}
