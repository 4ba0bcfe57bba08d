import type { BenchScore, ScoreVariant } from '../benchmark.js';
import { assertAligned, countErrors, percentMean } from './aggregate.js';
import { mcqCategories, mcqHits, type McqScoreItem } from './mcq-score.js';

/** A 3DSRBench item: an MCQ item whose meta carries the question id with its `-flip` / circular suffixes. */
export interface ThreeDsrScoreItem extends McqScoreItem {
  readonly meta: McqScoreItem['meta'] & { readonly qid: string };
}

/** The four 3DSRBench settings of VLMEvalKit `_3DSRBench.evaluate`. */
const THREEDSR_SETTINGS = ['vanilla', 'flip_eval', 'circ_eval', 'flip_circ_eval'] as const;
/** One of {@link THREEDSR_SETTINGS}. */
type ThreeDsrSetting = (typeof THREEDSR_SETTINGS)[number];

const GROUP_KEY: Record<Exclude<ThreeDsrSetting, 'vanilla'>, (qid: string) => string> = {
  flip_eval: (q) => q.split('-flip').join(''),
  circ_eval: (q) => (q.includes('-flip') ? q.slice(0, 13) : q.slice(0, 8)),
  flip_circ_eval: (q) => q.slice(0, 8),
};

/**
 * One grouped setting: rows whose qid is some group key are the reported rows; each one's hit
 * is the product of the hits of every row mapping to it. Rows whose group has no reported row
 * (only in a partial file; the official script raises there) are counted as orphans.
 */
export function threeDsrGroupHits(
  items: readonly ThreeDsrScoreItem[],
  hits: readonly number[],
  setting: Exclude<ThreeDsrSetting, 'vanilla'>,
): { main: ThreeDsrScoreItem[]; hits: number[]; orphans: number } {
  const keyOf = GROUP_KEY[setting];
  const keys = new Set(items.map((x) => keyOf(x.meta.qid)));
  const hitMap = new Map<string, number>();
  const mainIdx: number[] = [];
  items.forEach((x, i) => {
    if (keys.has(x.meta.qid)) {
      mainIdx.push(i);
      hitMap.set(x.meta.qid, hits[i]!);
    }
  });
  let orphans = 0;
  items.forEach((x, i) => {
    const k = keyOf(x.meta.qid);
    const h = hitMap.get(k);
    if (h === undefined) orphans++;
    else hitMap.set(k, h * hits[i]!);
  });
  return { main: mainIdx.map((i) => items[i]!), hits: mainIdx.map((i) => hitMap.get(items[i]!.meta.qid)!), orphans };
}

/**
 * Scores 3DSRBench in VLMEvalKit's four settings, each under the headline rule (see `scoreMcq`),
 * the raw rule (`raw/…`) and the clean rule (`clean/…`). Headline: `vanilla` (every row counted
 * on its own, as in VLMEvalKit's first line).
 */
export function scoreThreeDsr(benchmark: string, items: readonly ThreeDsrScoreItem[], texts: readonly (string | null)[]): BenchScore {
  assertAligned(benchmark, items, texts);
  const { boxed, raw, clean } = mcqHits(items, texts);
  const variants: Record<string, ScoreVariant> = {};
  const notes: string[] = [];
  for (const [prefix, hits, rule] of [
    ['', boxed, 'Qwen2-VL post-processing, prediction file round trip, can_infer'],
    ['raw/', raw, 'can_infer on the whole response, prediction file round trip'],
    ['clean/', clean, 'post-processing and can_infer without the table round trip'],
  ] as const) {
    variants[`${prefix}vanilla`] = { label: `vanilla, ${rule}`, headline: percentMean(hits), categories: mcqCategories(items, hits) };
    for (const setting of ['flip_eval', 'circ_eval', 'flip_circ_eval'] as const) {
      const g = threeDsrGroupHits(items, hits, setting);
      variants[`${prefix}${setting}`] = { label: `${setting}, ${rule}`, headline: percentMean(g.hits), categories: mcqCategories(g.main, g.hits) };
      if (prefix === '' && g.orphans > 0) notes.push(`${setting}: ${g.orphans} rows have no base question in this file and were left out`);
    }
  }
  const head = variants['vanilla']!;
  return {
    benchmark,
    headline: head.headline,
    rule: head.label,
    categories: head.categories,
    n: items.length,
    errors: countErrors(texts),
    variants: { boxedFirst: head, raw: variants['raw/vanilla']!, clean: variants['clean/vanilla']!, ...variants },
    ...(notes.length ? { notes } : {}),
  };
}
