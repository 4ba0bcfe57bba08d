import fc from 'fast-check';

/** Pieces that exercise every branch of the reward: tags, boxes, braces, Python and non-Python whitespace. */
export const rewardTokens: readonly string[] = [
  '<think>', '</think>', '\\boxed{', '{', '}', '<', '>', '/', '\\', 'boxed', 'think',
  ' ', '  ', '\t', '\n', '\r\n', '\u000b', '\u000c', '\u001c', '\u001f', '\u0085', '\u00a0',
  '\u1680', '\u2000', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000',
  '\ufeff', '\u180e', '\u200b', '\u0000', '\ud800', '\udc00', '\u{1f600}',
  '< think >', '</ think>', '< /think>', 'A', 'B', 'b', '1', '2', '3', '-', '.', '(', ')',
];

/** Strings built from {@link rewardTokens}. */
export const rewardText = (maxLength = 30): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...rewardTokens), { maxLength }).map((parts) => parts.join(''));

/** Any sequence of UTF-16 code units, lone surrogates and NUL included. */
export const anyUtf16 = (maxLength = 60): fc.Arbitrary<string> =>
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength });
