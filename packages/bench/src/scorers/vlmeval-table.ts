// What a VLMEvalKit run does to a response between the model and the scorer, reproduced so the
// headline matches the official number item by item:
//  1. the Qwen2-VL wrapper's `post_process` keeps the text after the last `\boxed{` up to its
//     closing brace (the Spatial-SSRL evaluation reads boxed answers this way);
//  2. predictions are stored in an `.xlsx` file (pandas `to_excel` with xlsxwriter) and read back
//     with `read_excel` (openpyxl): blanks, control characters, formulas and long strings change;
//  3. pandas infers each column's type: strings such as `None`, `NA` or `null` become NaN (so
//     `str(x)` gives `nan`), and a column whose every value is a number becomes numeric.
// The same column inference applies to the benchmark TSV (`read_csv`), which is why a numeric
// option column with a blank cell shows `4.0` in the prompt.
import { pyFloatRepr, pyLen } from './python-compat.js';

// Strings pandas `read_csv` / `read_excel` turn into NaN by default.
const PANDAS_NA = new Set([
  '', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN', '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null',
]);

/** Whether pandas reads this cell text as NaN (its default `na_values`, e.g. `None`, `NA`, `null`, empty). */
export function isPandasNa(value: string): boolean {
  return PANDAS_NA.has(value);
}

/**
 * The Qwen2-VL wrapper's `post_process` in VLMEvalKit: the text after the last `\boxed{`, cut at
 * the brace that closes it (nested braces counted); an unclosed box keeps the rest of the text
 * (`\boxed{Yes` → `Yes`), spaces are kept (`\boxed{ Yes }` → ` Yes `). Without `\boxed{` the
 * whole response is scanned the same way, so it is cut at its first unmatched `}`.
 */
export function qwenPostProcess(response: string): string {
  const at = response.lastIndexOf('\\boxed{');
  const rest = at === -1 ? response : response.slice(at + '\\boxed{'.length);
  let depth = 1;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === '{') depth++;
    else if (c === '}') depth--;
    if (depth === 0) return rest.slice(0, i);
  }
  return rest.length === 0 ? response : rest;
}

const XLSX_MAX_STRING = 32767;
const XLSX_MAX_URL = 2079;

function truncateCodePoints(s: string, max: number): string {
  if (s.length <= max || pyLen(s) <= max) return s;
  let out = '';
  let n = 0;
  for (const ch of s) {
    if (n++ === max) break;
    out += ch;
  }
  return out;
}

// xlsxwriter's `write()` with its defaults (strings_to_formulas, strings_to_urls): the text of a
// URL cell, or null when the URL is too long and the cell is left empty.
function urlText(s: string): string | null {
  const [link, anchor = ''] = s.split(/#(.*)/s);
  if (pyLen(link!) > XLSX_MAX_URL || pyLen(anchor) > XLSX_MAX_URL) return null;
  if (s.startsWith('mailto:')) return s.replace('mailto:', '');
  if (s.startsWith('internal:')) return s.replace('internal:', '');
  if (s.startsWith('file://') || s.startsWith('external:')) {
    return s.replace('external:', 'file:///').replace('file:///', '').replace('file://', '').replace(/\//g, '\\');
  }
  return s;
}

/**
 * A text cell after a round trip through an `.xlsx` file written by pandas with xlsxwriter and
 * read by pandas with openpyxl: `null` for an empty cell; a formula (`=…`, `{=…}`) reads back as
 * `0`; `mailto:`/`internal:` links lose their prefix; strings are cut to 32,767 characters;
 * control characters other than tab and newline come back as `_xHHHH_` (so `\r` → `_x000D_`).
 */
export function xlsxRoundTrip(text: string): string | null {
  if (text === '') return null;
  if (text.startsWith('=') || (text.startsWith('{=') && text.endsWith('}'))) return '0';
  let s: string | null = text;
  if (text.includes(':') && /^(?:(?:ftp|http)s?:\/\/|mailto:|(?:in|ex)ternal:|file:\/\/)/.test(text)) s = urlText(text);
  if (s === null || s === '') return null;
  s = truncateCodePoints(s, XLSX_MAX_STRING);
  // xlsxwriter escapes a literal `_xHHHH_` as `_x005F_xHHHH_` and control characters as `_xHHHH_`;
  // openpyxl reading shared strings only deletes every `x005F_`.
  s = s
    .replace(/_x[0-9a-fA-F]{4}_/g, (m) => `_x005F${m}`)
    .replace(/[\x00-\x08\x0b-\x1f]/g, (c) => `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`)
    .replace(/\ufffe/g, '_xFFFE_')
    .replace(/\uffff/g, '_xFFFF_');
  return s.split('x005F_').join('');
}

const NUMBER = /^[ \t]*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[ \t]*$/;
const INTEGER = /^[ \t]*[+-]?\d+[ \t]*$/;
const INFINITY = /^[ \t]*([+-]?)inf(?:inity)?[ \t]*$/i;
const BOOLEAN: Readonly<Record<string, string>> = { True: 'True', TRUE: 'True', true: 'True', False: 'False', FALSE: 'False', false: 'False' };
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

function numeric(s: string): number {
  const inf = INFINITY.exec(s);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  return Number(s.trim());
}

/**
 * Python `str(x)` of each cell after pandas reads a text column (`read_csv` or `read_excel`):
 * NaN strings and blanks (`null`) give `nan`; a column whose every other value is an integer
 * reads as int64 (`007` → `7`), or as float64 when a cell is NaN (`4` → `4.0`); any other all-
 * number column reads as float64 (`1e3` → `1000.0`); an all-boolean column gives `True`/`False`;
 * otherwise the strings are kept as they are.
 */
export function pandasColumn(cells: readonly (string | null)[]): string[] {
  const na = cells.map((c) => c === null || PANDAS_NA.has(c));
  const present = cells.filter((c, i): c is string => !na[i]);
  const hasNa = na.some(Boolean);
  if (present.length > 0 && present.every((c) => NUMBER.test(c) || INFINITY.test(c))) {
    const ints = present.every((c) => INTEGER.test(c));
    if (ints) {
      const big = present.map((c) => BigInt(c.trim()));
      const inRange = big.every((v) => v >= INT64_MIN && v <= UINT64_MAX);
      if (!inRange) return cells.map((c, i) => (na[i] ? 'nan' : c!));
      if (!hasNa) return big.map(String);
    }
    return cells.map((c, i) => (na[i] ? 'nan' : pyFloatRepr(numeric(c!))));
  }
  if (present.length > 0 && present.every((c) => c in BOOLEAN)) return cells.map((c, i) => (na[i] ? 'nan' : BOOLEAN[c!]!));
  if (present.length === 0) return cells.map(() => 'nan');
  return cells.map((c, i) => (na[i] ? 'nan' : c!));
}

/** Stands in for a failed generation in a prediction column (officially an error message: never numeric, never NaN). */
const FAILED = 'Failed to obtain answer';

/**
 * The prediction column a VLMEvalKit scorer reads: each response optionally through
 * {@link qwenPostProcess}, then {@link xlsxRoundTrip} and {@link pandasColumn} over the whole
 * column. A failed generation (`null`) stays a non-numeric string.
 */
export function vlmevalPredictionColumn(texts: readonly (string | null)[], postProcess: boolean): string[] {
  return pandasColumn(texts.map((t) => (t === null ? FAILED : xlsxRoundTrip(postProcess ? qwenPostProcess(t) : t))));
}

/** One response as a VLMEvalKit scorer reads it when its column holds text (the usual case): post-processing, `.xlsx` round trip, NaN strings as `nan`. */
export function vlmevalPredictionCell(text: string, postProcess: boolean): string {
  const cell = xlsxRoundTrip(postProcess ? qwenPostProcess(text) : text);
  return cell === null || PANDAS_NA.has(cell) ? 'nan' : cell;
}
