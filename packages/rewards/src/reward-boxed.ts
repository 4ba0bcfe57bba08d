import { pythonStrip } from './python-whitespace.js';

const BOXED = '\\boxed{';

/**
 * The content of the LAST `\boxed{` in `text`, up to its matching `}` by brace depth, stripped of
 * Python whitespace; the string `"None"` when `text` has no `\boxed{` or the last one is never
 * closed (an earlier, closed one is not used). Matches MathRuler `extract_boxed_content`
 * (hiyouga/MathRuler `mathruler/grader.py`), which EasyR1 and Spatial-SSRL use. Linear time.
 */
export function extractBoxed(text: string): string {
  const start = text.lastIndexOf(BOXED);
  if (start === -1) return 'None';
  const open = start + BOXED.length;
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b) depth++;
    else if (c === 0x7d && --depth === -1) return pythonStrip(text.slice(open, i));
  }
  return 'None';
}
