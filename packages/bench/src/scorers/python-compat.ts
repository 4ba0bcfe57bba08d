// Official scorers are Python; these functions reproduce the few Python string semantics they rely
// on where JavaScript differs (whitespace set, float parsing, `\b` and `\w` on Unicode text).
import { PYTHON_WHITESPACE, pythonStrip } from '@spatial-ssrl/rewards';

const PY_WS_RUN = new RegExp(`[${PYTHON_WHITESPACE.map((c) => `\\u{${c.toString(16)}}`).join('')}]+`, 'u');

/** Python `s.split()` with no arguments: split on runs of Python whitespace, dropping empty pieces. */
export function pySplit(s: string): string[] {
  return s.split(PY_WS_RUN).filter((x) => x.length > 0);
}

const PY_FLOAT = /^[+-]?(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const PY_SPECIAL = /^[+-]?(?:inf|infinity|nan)$/i;

/** Python `float(s)` for a string: the number, or `null` where Python raises `ValueError`. */
export function pyFloat(s: string): number | null {
  const t = pythonStrip(s);
  if (PY_SPECIAL.test(t)) {
    const neg = t.startsWith('-');
    if (/nan/i.test(t)) return Number.NaN;
    return neg ? -Infinity : Infinity;
  }
  if (!PY_FLOAT.test(t)) return null;
  return Number(t.replace(/_/g, ''));
}

/** Python `c.isalpha()` for a string: non-empty and every character a Unicode letter. */
export function pyIsAlpha(s: string): boolean {
  return s.length > 0 && /^\p{L}+$/u.test(s);
}

/** Python `re` word character (`\w` on str patterns): letters, numbers and underscore. */
export const PY_WORD = '[\\p{L}\\p{N}_]';
