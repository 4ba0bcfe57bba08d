import { RewardError } from './reward-error.js';
import { isPythonWhitespace, pythonStrip } from './python-whitespace.js';

/** Scores a prediction against a ground truth; returns a number in [0, 1]. */
export type AnswerGrader = (prediction: string, groundTruth: string) => number;

function sequenceItems(text: string): string[] {
  return text.split('-').map(pythonStrip);
}

/**
 * Partial credit for `-`-joined sequences such as shuffle answers `0-2-3-1`: the number of
 * positions where the items agree divided by the longer of the two lengths, in [0, 1]; items
 * are compared after Python-whitespace stripping. NOT EasyR1-compatible (EasyR1 gives 0 or 1).
 */
export function gradeSequence(prediction: string, groundTruth: string): number {
  const predicted = sequenceItems(prediction);
  const expected = sequenceItems(groundTruth);
  const shared = Math.min(predicted.length, expected.length);
  let right = 0;
  for (let i = 0; i < shared; i++) if (predicted[i] === expected[i]) right++;
  return right / Math.max(predicted.length, expected.length);
}

function countInversions(values: number[]): number {
  let inversions = 0;
  let source = values.slice();
  let target = new Array<number>(values.length);
  for (let width = 1; width < source.length; width *= 2) {
    for (let lo = 0; lo < source.length; lo += 2 * width) {
      const mid = Math.min(lo + width, source.length);
      const hi = Math.min(lo + 2 * width, source.length);
      let a = lo;
      let b = mid;
      let k = lo;
      while (a < mid && b < hi) {
        if (source[a] <= source[b]) target[k++] = source[a++];
        else {
          inversions += mid - a;
          target[k++] = source[b++];
        }
      }
      while (a < mid) target[k++] = source[a++];
      while (b < hi) target[k++] = source[b++];
    }
    [source, target] = [target, source];
  }
  return inversions;
}

/**
 * Pairwise order agreement for orderings such as depth answers `3-1-2`: the fraction of the
 * n·(n−1)/2 item pairs of the ground truth that the prediction puts in the same order, in [0, 1].
 * Each ground-truth item counts at its first position in the prediction; missing items agree with
 * nothing, and items unknown to the ground truth are ignored. With fewer than two items it is
 * 1 for an identical sequence, else 0. O(n log n). NOT EasyR1-compatible (EasyR1 gives 0 or 1).
 * Throws a {@link RewardError} (`invalid-input`) when the ground truth repeats an item.
 */
export function gradePairwiseOrder(prediction: string, groundTruth: string): number {
  const expected = sequenceItems(groundTruth);
  const rank = new Map<string, number>();
  expected.forEach((item, index) => {
    if (rank.has(item)) {
      throw new RewardError('invalid-input', `pairwise ground truth repeats the item "${item}": "${groundTruth}"`);
    }
    rank.set(item, index);
  });
  const predicted = sequenceItems(prediction);
  const n = expected.length;
  if (n < 2) return predicted.length === 1 && predicted[0] === expected[0] ? 1 : 0;
  const seen = new Set<string>();
  const ranks: number[] = [];
  for (const item of predicted) {
    const r = rank.get(item);
    if (r === undefined || seen.has(item)) continue;
    seen.add(item);
    ranks.push(r);
  }
  const k = ranks.length;
  const agreeing = k < 2 ? 0 : (k * (k - 1)) / 2 - countInversions(ranks);
  return agreeing / ((n * (n - 1)) / 2);
}

function isAsciiLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/**
 * The upper-case option letter written at the start of `text`, or `null`: accepts `B`, `b`,
 * `(B)`, `B.`, `B)`, `B:`, `B,` and any of these followed by more text (`B) Left`, `(B) Left`,
 * `B Left`), after Python-whitespace stripping; a letter that begins a word (`Back`) is not one.
 */
export function normalizeOptionLetter(text: string): string | null {
  const t = pythonStrip(text);
  const parenthesised = t.charCodeAt(0) === 0x28;
  const at = parenthesised ? 1 : 0;
  const letter = t.charCodeAt(at);
  if (!isAsciiLetter(letter)) return null;
  const next = t.charCodeAt(at + 1);
  const ends = Number.isNaN(next);
  if (parenthesised) {
    if (next !== 0x29) return null;
  } else if (!ends && next !== 0x29 && next !== 0x2e && next !== 0x3a && next !== 0x2c && !isPythonWhitespace(next)) {
    return null;
  }
  return String.fromCharCode(letter).toUpperCase();
}

function gradeExact(prediction: string, groundTruth: string): number {
  return prediction === groundTruth ? 1 : 0;
}

function gradeOptionLetter(prediction: string, groundTruth: string): number {
  const letter = normalizeOptionLetter(prediction);
  return letter !== null && letter === normalizeOptionLetter(groundTruth) ? 1 : 0;
}

/**
 * The built-in graders by name: `exact` (EasyR1 `img_score` accuracy, 0 or 1), and the
 * NOT EasyR1-compatible `sequence`, `pairwise` and `option-letter`.
 */
export const answerGraders = Object.freeze({
  exact: gradeExact,
  sequence: gradeSequence,
  pairwise: gradePairwiseOrder,
  'option-letter': gradeOptionLetter,
} satisfies Record<string, AnswerGrader>);

/** Name of a built-in grader in {@link answerGraders}. */
export type AnswerGraderName = keyof typeof answerGraders;
