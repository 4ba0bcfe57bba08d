import type { BenchScore, ItemJudgement, ScoreVariant } from '../benchmark.js';
import { assertAligned, countErrors, percentByKey, percentMean } from './aggregate.js';
import { boxedFirst, type McqChoices, vlmevalMcqAnswer } from './vlmeval-mcq.js';

/** What the MCQ scorer needs from each item. */
export interface McqScoreItem {
  readonly gold: string;
  readonly category: string;
  readonly meta: { readonly choices: McqChoices; readonly index: string; readonly l2Category?: string };
}

/** Judges one response: the letter read from the boxed-first text and whether it matches the gold letter. */
export function judgeMcq(item: McqScoreItem, text: string | null): ItemJudgement {
  const letter = vlmevalMcqAnswer(boxedFirst(text ?? ''), item.meta.choices);
  return { extracted: letter, score: letter === item.gold ? 1 : 0 };
}

/** Per-row hits under the boxed-first and the raw VLMEvalKit rules. */
export function mcqHits(items: readonly McqScoreItem[], texts: readonly (string | null)[]): { boxed: number[]; raw: number[] } {
  const boxed: number[] = [];
  const raw: number[] = [];
  items.forEach((item, i) => {
    const text = texts[i] ?? '';
    boxed.push(vlmevalMcqAnswer(boxedFirst(text), item.meta.choices) === item.gold ? 1 : 0);
    raw.push(vlmevalMcqAnswer(text, item.meta.choices) === item.gold ? 1 : 0);
  });
  return { boxed, raw };
}

/** VLMEvalKit `report_acc` categories: one per `category`, plus one per `l2-category` prefixed `l2:`. */
export function mcqCategories(items: readonly McqScoreItem[], hits: readonly number[]): Record<string, number> {
  const out = percentByKey(
    items.map((x) => x.category),
    hits,
  );
  const withL2 = items.map((x, i) => [x.meta.l2Category, hits[i]!] as const).filter(([k]) => k !== undefined);
  if (withL2.length > 0) {
    const l2 = percentByKey(
      withL2.map(([k]) => `l2:${k}`),
      withL2.map(([, h]) => h),
    );
    Object.assign(out, l2);
  }
  return out;
}

function variant(label: string, items: readonly McqScoreItem[], hits: readonly number[]): ScoreVariant {
  return { label, headline: percentMean(hits), categories: mcqCategories(items, hits) };
}

const CIRCULAR_OFFSET = 1e6;

/**
 * VLMEvalKit CircularEval without an LLM judge: rows whose integer index is ≥ 1e6 are rotated
 * copies of row `index % 1e6`; a group counts as correct only if every member is.
 */
function circular(items: readonly McqScoreItem[], hits: readonly number[]): { main: McqScoreItem[]; hits: number[] } | null {
  const indices = items.map((x) => Number(x.meta.index));
  if (!indices.every((v) => Number.isInteger(v)) || !indices.some((v) => v >= CIRCULAR_OFFSET)) return null;
  const group = new Map<number, number>();
  indices.forEach((idx, i) => {
    const g = idx % CIRCULAR_OFFSET;
    group.set(g, (group.get(g) ?? 1) * hits[i]!);
  });
  const main: McqScoreItem[] = [];
  const mainHits: number[] = [];
  indices.forEach((idx, i) => {
    if (idx < CIRCULAR_OFFSET) {
      main.push(items[i]!);
      mainHits.push(group.get(idx)!);
    }
  });
  return { main, hits: mainHits };
}

/**
 * Scores a VLMEvalKit-style multiple-choice run. Headline: the boxed-first rule (vanilla, or
 * CircularEval when the file has rotated copies); `raw` is VLMEvalKit exact matching on the
 * whole response.
 */
export function scoreMcq(benchmark: string, items: readonly McqScoreItem[], texts: readonly (string | null)[]): BenchScore {
  assertAligned(benchmark, items, texts);
  const { boxed, raw } = mcqHits(items, texts);
  const boxedV = variant('last \\boxed{} content when present, then VLMEvalKit can_infer (unresolved = Z)', items, boxed);
  const rawV = variant('VLMEvalKit can_infer on the whole response (exact matching, unresolved = Z)', items, raw);
  const circBoxed = circular(items, boxed);
  const circRaw = circular(items, raw);
  if (circBoxed && circRaw) {
    const circV = variant('CircularEval, boxed-first', circBoxed.main, circBoxed.hits);
    return {
      benchmark,
      headline: circV.headline,
      rule: circV.label,
      categories: circV.categories,
      n: items.length,
      errors: countErrors(texts),
      variants: {
        boxedFirst: circV,
        raw: variant('CircularEval, VLMEvalKit can_infer on the whole response', circRaw.main, circRaw.hits),
        vanilla: boxedV,
        'raw/vanilla': rawV,
      },
    };
  }
  return {
    benchmark,
    headline: boxedV.headline,
    rule: boxedV.label,
    categories: boxedV.categories,
    n: items.length,
    errors: countErrors(texts),
    variants: { boxedFirst: boxedV, raw: rawV },
  };
}
