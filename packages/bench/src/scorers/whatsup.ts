import type { BenchScore, ItemJudgement } from '../benchmark.js';
import { assertAligned, countErrors, percentByKey, percentMean } from './aggregate.js';

/** The What'sUp script's boxed extraction: last `boxed{…}` (backslash optional, no nested braces), or `''`. */
function whatsUpBoxed(response: string): string {
  const all = [...response.matchAll(/boxed\{([^}]*)\}/g)];
  return all.length ? all[all.length - 1]![1]! : '';
}

/** What the What'sUp scorer needs: the correct letter (`A` unless options were shuffled) and whether the prompt asked for CoT. */
export interface WhatsUpScoreItem {
  readonly gold: string;
  readonly category: string;
  readonly meta: { readonly cot: boolean };
}

/** The official hit test: the correct letter occurs anywhere in the last `boxed{}` (CoT) or anywhere in the response (no CoT). */
export function judgeWhatsUp(item: WhatsUpScoreItem, text: string | null): ItemJudgement {
  const t = text ?? '';
  const ans = item.meta.cot ? whatsUpBoxed(t) : t;
  return { extracted: ans, score: text !== null && ans.includes(item.gold) ? 1 : 0 };
}

/** Scores What'sUp: hits / N, with per-preposition scores. */
export function scoreWhatsUp(benchmark: string, items: readonly WhatsUpScoreItem[], texts: readonly (string | null)[]): BenchScore {
  assertAligned(benchmark, items, texts);
  const hits = items.map((x, i) => judgeWhatsUp(x, texts[i] ?? null).score);
  return {
    benchmark,
    headline: percentMean(hits),
    rule: "official What'sUp rule: correct letter contained in the last boxed{} (CoT) or in the response (no CoT)",
    categories: percentByKey(
      items.map((x) => x.category),
      hits,
    ),
    n: items.length,
    errors: countErrors(texts),
    variants: {},
  };
}
