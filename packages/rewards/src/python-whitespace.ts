/**
 * The 29 code points that Python 3 treats as whitespace (`str.isspace`, `str.strip()`, and `\s`
 * in `re` str patterns), checked against CPython 3.11 / Unicode 14: tab, LF, VT, FF, CR,
 * U+001C-U+001F, space, U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F,
 * U+3000. JavaScript's `\s` and `String.prototype.trim` differ: they add U+FEFF and omit
 * U+001C-U+001F and U+0085.
 */
export const PYTHON_WHITESPACE: readonly number[] = Object.freeze([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000,
  0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028,
  0x2029, 0x202f, 0x205f, 0x3000,
]);

/** Whether a UTF-16 code unit (0-0xFFFF) is Python whitespace; every such code point is in the BMP. */
export function isPythonWhitespace(code: number): boolean {
  if (code <= 0x20) return (code >= 0x09 && code <= 0x0d) || code >= 0x1c;
  if (code < 0x85) return false;
  if (code === 0x85 || code === 0xa0 || code === 0x1680 || code === 0x3000) return true;
  if (code < 0x2000 || code > 0x205f) return false;
  return code <= 0x200a || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f;
}

/** `text` without leading and trailing Python whitespace, like Python's `str.strip()` with no argument. */
export function pythonStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isPythonWhitespace(text.charCodeAt(start))) start++;
  while (end > start && isPythonWhitespace(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}
