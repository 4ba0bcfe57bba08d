import type { BenchScore, ItemJudgement } from '../benchmark.js';
import { assertAligned, countErrors, percentByKey, percentMean } from './aggregate.js';
import { PY_WORD } from './python-compat.js';

// Python `re.search(r"\b([A-D])\b", text, re.IGNORECASE)` with Unicode word boundaries.
const LETTER = new RegExp(`(?<!${PY_WORD})([A-Da-d])(?!${PY_WORD})`, 'u');

/** The Spatial-SSRL evaluation scripts' boxed extraction: the last `\boxed{…}` without nested braces, or `''`. */
export function lastBoxedFlat(response: string): string {
  const all = [...response.matchAll(/\\boxed\{([^}]*)\}/g)];
  return all.length ? all[all.length - 1]![1]! : '';
}

/** First stand-alone letter A-D (any case) in `text`, upper-cased; `null` when there is none. */
export function viewSpatialLetter(text: string): string | null {
  const m = LETTER.exec(text);
  return m ? m[1]!.toUpperCase() : null;
}

/** ViewSpatial-Bench prediction: with CoT the letter inside the last `\boxed{}`, without CoT the first letter of the whole response. */
export function viewSpatialPrediction(response: string, cot: boolean): string | null {
  return viewSpatialLetter(cot ? lastBoxedFlat(response) : response);
}

/** What the ViewSpatial scorer needs from an item: the gold answer text (`"A. right"`) and whether the prompt asked for CoT. */
export interface ViewSpatialScoreItem {
  readonly gold: string;
  readonly category: string;
  readonly meta: { readonly cot: boolean };
}

/** Judges one response by the official rule: predicted letter equals the gold answer's letter. */
export function judgeViewSpatial(item: ViewSpatialScoreItem, text: string | null): ItemJudgement {
  if (text === null) return { extracted: '', score: 0 };
  const pred = viewSpatialPrediction(text, item.meta.cot);
  return { extracted: pred ?? '', score: pred !== null && pred === viewSpatialLetter(item.gold) ? 1 : 0 };
}

/** Scores ViewSpatial-Bench: accuracy over all items (failed generations count as wrong), per question type. */
export function scoreViewSpatial(benchmark: string, items: readonly ViewSpatialScoreItem[], texts: readonly (string | null)[]): BenchScore {
  assertAligned(benchmark, items, texts);
  const hits = items.map((x, i) => judgeViewSpatial(x, texts[i] ?? null).score);
  return {
    benchmark,
    headline: percentMean(hits),
    rule: 'official ViewSpatial-Bench letter regex (inside the last \\boxed{} with CoT, on the whole response without)',
    categories: percentByKey(
      items.map((x) => x.category),
      hits,
    ),
    n: items.length,
    errors: countErrors(texts),
    variants: {},
  };
}
