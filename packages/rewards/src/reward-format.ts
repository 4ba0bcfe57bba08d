import { isPythonWhitespace } from './python-whitespace.js';

const THINK_OPEN = '<think>';
const THINK_CLOSE = '</think>';
const BOXED = '\\boxed{';

function isTagChar(code: number): boolean {
  return code === 0x3c || code === 0x3e || code === 0x2f;
}

/**
 * `text` with every run of Python whitespace removed where it touches `<`, `>` or `/`, the
 * result of Python `re.sub(r"\s*(<|>|/)\s*", r"\1", text)` that EasyR1 applies before scoring.
 * Linear time (the Python regex is quadratic on long whitespace runs that touch no tag character).
 */
export function normalizeTagSpacing(text: string): string {
  // The regex removes a maximal whitespace run exactly when the character right before or right
  // after it is `<`, `>` or `/`: the leading `\s*` eats a run followed by one, the trailing `\s*`
  // eats the whole run after one, and a run touching neither can never be part of a match.
  const parts: string[] = [];
  let copied = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    if (!isPythonWhitespace(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && isPythonWhitespace(text.charCodeAt(j))) j++;
    if ((i > 0 && isTagChar(text.charCodeAt(i - 1))) || (j < n && isTagChar(text.charCodeAt(j)))) {
      parts.push(text.slice(copied, i));
      copied = j;
    }
    i = j;
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

/**
 * Whether `text` as a whole matches EasyR1's format pattern `<think>.*</think>.*\\boxed\{.*\}.*`
 * with `re.DOTALL` under `re.fullmatch`, decided by three `indexOf` searches in linear time.
 */
export function matchesThinkBoxedFormat(text: string): boolean {
  // fullmatch with DOTALL accepts exactly the strings "<think>" a "</think>" b "\boxed{" c "}" d
  // for arbitrary a, b, c, d: the text starts with "<think>" and then holds "</think>", "\boxed{"
  // and "}" as successive non-overlapping substrings. If any such placement exists, taking the
  // leftmost occurrence of each marker after the end of the previous one also succeeds, because
  // an earlier end only widens the room left for the next marker; so greedy indexOf decides it.
  if (!text.startsWith(THINK_OPEN)) return false;
  const close = text.indexOf(THINK_CLOSE, THINK_OPEN.length);
  if (close === -1) return false;
  const boxed = text.indexOf(BOXED, close + THINK_CLOSE.length);
  if (boxed === -1) return false;
  return text.indexOf('}', boxed + BOXED.length) !== -1;
}
