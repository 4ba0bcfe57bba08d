import { isPythonWhitespace } from './python-whitespace.js';

const THINK_OPEN = '<think>';
const THINK_CLOSE = '</think>';
const BOXED = '\\boxed{';
const TAG_CHARS = ['<', '>', '/'] as const;

/** Index of the first `<`, `>` or `/` at or after `from` in `text`, or -1; `next` caches each character's next index. */
function nextTagChar(text: string, next: number[], from: number): number {
  let best = -1;
  for (let k = 0; k < 3; k++) {
    if (next[k] !== -1 && next[k] < from) next[k] = text.indexOf(TAG_CHARS[k], from);
    if (next[k] !== -1 && (best === -1 || next[k] < best)) best = next[k];
  }
  return best;
}

/**
 * `text` with every run of Python whitespace removed where it touches `<`, `>` or `/`, the
 * result of Python `re.sub(r"\s*(<|>|/)\s*", r"\1", text)` that EasyR1 applies before scoring.
 * Linear time (the Python regex is quadratic on long whitespace runs that touch no tag character).
 */
export function normalizeTagSpacing(text: string): string {
  // The regex removes a maximal whitespace run exactly when the character right before or right
  // after it is `<`, `>` or `/`: the leading `\s*` eats a run followed by one, the trailing `\s*`
  // eats the whole run after one, and a run touching neither can never be part of a match. So
  // only the neighbourhoods of tag characters matter; they are found with `indexOf`, which skips
  // the text between them far faster than a loop over every character.
  const n = text.length;
  const next = [-2, -2, -2];
  let out = '';
  let copied = 0;
  let at = nextTagChar(text, next, 0);
  while (at !== -1) {
    let before = at;
    while (before > copied && isPythonWhitespace(text.charCodeAt(before - 1))) before--;
    let after = at + 1;
    while (after < n && isPythonWhitespace(text.charCodeAt(after))) after++;
    if (before < at || after > at + 1) {
      out += text.slice(copied, before) + text[at];
      copied = after;
    }
    at = after < n ? nextTagChar(text, next, after) : -1;
  }
  return copied === 0 ? text : out + text.slice(copied);
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
