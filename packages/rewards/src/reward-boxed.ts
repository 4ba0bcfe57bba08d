/**
 * The content of the last `\boxed{…}` in `text`, matched by brace depth and trimmed of
 * whitespace; the string `"None"` when there is no complete one (EasyR1 `extract_boxed_content`).
 */
export function extractBoxed(text: string): string {
  const marker = '\\boxed{';
  let start = text.lastIndexOf(marker);
  while (start !== -1) {
    const open = start + marker.length;
    let depth = 1;
    for (let i = open; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 123) depth++;
      else if (c === 125 && --depth === 0) return text.slice(open, i).trim();
    }
    // EasyR1 looks only at the last occurrence; an unclosed last one means no answer.
    return 'None';
  }
  return 'None';
}
