/** Id of the padding token (also the id the decoder never predicts as a real token). */
export const PAD_ID = 0;
/** Id of the begin-of-answer token fed to the decoder first. */
export const BOS_ID = 1;
/** Id of the end-of-answer token; generation stops when it is sampled. */
export const EOS_ID = 2;
/** Id of the token standing for any character outside the vocabulary. */
export const UNK_ID = 3;

const SPECIALS = ['<pad>', '<bos>', '<eos>', '<unk>'] as const;
// Whole-word tokens of the answer format, matched before single characters.
const WORDS = ['<think>', '</think>', '\\boxed{'] as const;

function buildTextTokens(): string[] {
  const tokens: string[] = [...SPECIALS, ...WORDS, '\n'];
  for (let c = 0x20; c <= 0x7e; c++) tokens.push(String.fromCharCode(c));
  return tokens;
}

/** The answer vocabulary `ssrl-v1`: 4 specials, `<think>`, `</think>`, `\boxed{`, newline and printable ASCII (103 tokens). */
export const TEXT_TOKENS: readonly string[] = Object.freeze(buildTextTokens());

const TEXT_INDEX: ReadonlyMap<string, number> = new Map(TEXT_TOKENS.map((t, i) => [t, i]));

/** Number of answer tokens (the size of the output layer). */
export const TEXT_VOCAB_SIZE = TEXT_TOKENS.length;

/**
 * Splits answer text into token ids: the format words `<think>`, `</think>` and `\boxed{` are one
 * token each, every other character is its own token, and characters outside printable ASCII and
 * newline become `<unk>`. No BOS/EOS is added.
 */
export function encodeText(text: string): number[] {
  const ids: number[] = [];
  let i = 0;
  while (i < text.length) {
    let matched = false;
    for (const w of WORDS) {
      if (text.startsWith(w, i)) {
        ids.push(TEXT_INDEX.get(w)!);
        i += w.length;
        matched = true;
        break;
      }
    }
    if (matched) continue;
    const cp = text.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    ids.push(TEXT_INDEX.get(ch) ?? UNK_ID);
    i += ch.length;
  }
  return ids;
}

/** Joins token ids back into text; padding, BOS and EOS are dropped and `<unk>` becomes U+FFFD. */
export function decodeText(ids: ArrayLike<number>): string {
  let out = '';
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id === PAD_ID || id === BOS_ID || id === EOS_ID) continue;
    if (id === UNK_ID) {
      out += '\uFFFD';
      continue;
    }
    const tok = TEXT_TOKENS[id];
    if (tok === undefined) throw new RangeError(`token id ${id} is outside the vocabulary (0-${TEXT_VOCAB_SIZE - 1})`);
    out += tok;
  }
  return out;
}
