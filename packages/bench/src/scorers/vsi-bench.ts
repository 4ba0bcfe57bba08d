import type { BenchScore, ItemJudgement, ScoreVariant } from '../benchmark.js';
import { assertAligned, countErrors, percentByKey, percentMean } from './aggregate.js';
import { lastBoxedFlat } from './viewspatial.js';
import { boxedFirst } from './vlmeval-mcq.js';
import { pythonStrip } from '@spatial-ssrl/rewards';
import { pyFloat, pyIsAlpha, pyLen } from './python-compat.js';

/** VSI-Bench multiple-choice question types. */
const VSI_MCQ_TYPES = [
  'object_rel_direction_easy',
  'object_rel_direction_medium',
  'object_rel_direction_hard',
  'object_rel_distance',
  'route_planning',
  'obj_appearance_order',
] as const;
/** VSI-Bench numeric-answer question types. */
const VSI_NUMERIC_TYPES = ['object_abs_distance', 'object_counting', 'object_size_estimation', 'room_size_estimation'] as const;

/**
 * Mean relative accuracy as the Spatial-SSRL script computes it: the share of the ten
 * thresholds θ = 0.50, 0.55, …, 0.95 with `|p − g| / g < 1 − θ`; 0 when either side is not a
 * number or g is 0. Numbers are read by Python's `float`, which accepts digits of any script
 * (`٤` is 4); `unicodeDigits: false` reads ASCII digits only.
 */
export function mraSpatialSsrl(pred: string, gold: string, options: { unicodeDigits?: boolean } = {}): number {
  const p = pyFloat(pred, options);
  const g = pyFloat(gold, options);
  if (p === null || g === null || g === 0) return 0;
  let acc = 0;
  for (let i = 0; i < 20; i++) {
    const theta = 0.5 + i * 0.05;
    if (Math.abs(p - g) / g < 1 - theta) acc += 1;
  }
  return acc / 10;
}

/**
 * Per-item score of the Spatial-SSRL VSI scripts: the inference script strips the decoded output
 * (Python `str.strip()`), the scoring script reads the last `\boxed{}` with CoT; a one-letter
 * prediction is compared case-insensitively, anything else by MRA.
 */
export function vsiSpatialSsrlItem(response: string, gold: string, cot: boolean, options: { unicodeDigits?: boolean } = {}): { pred: string; score: number } {
  const stripped = pythonStrip(response);
  const pred = cot ? lastBoxedFlat(stripped) : stripped;
  if (pyLen(pred) === 1 && pyIsAlpha(pred)) return { pred, score: pred.toLowerCase() === gold.toLowerCase() ? 1 : 0 };
  return { pred, score: mraSpatialSsrl(pred, gold, options) };
}

// numpy.linspace(0.5, 0.95, 10), element for element.
const TIS_THRESHOLDS = (() => {
  const step = (0.95 - 0.5) / 9;
  const out: number[] = [];
  for (let i = 0; i < 10; i++) out.push(i === 9 ? 0.95 : i * step + 0.5);
  return out;
})();

/** thinking-in-space `mean_relative_accuracy`: share of thresholds with `|p − g| / g ≤ 1 − θ` (θ from `linspace(.5, .95, 10)`). */
export function mraThinkingInSpace(pred: number | null, gold: number | null): number {
  if (pred === null || gold === null || gold === 0) return 0;
  const d = Math.abs(pred - gold) / gold;
  let hits = 0;
  for (const t of TIS_THRESHOLDS) if (d <= 1 - t) hits++;
  return hits / TIS_THRESHOLDS.length;
}

/** thinking-in-space `fuzzy_matching`: the first space-separated word, trailing dots and whitespace removed. */
export function tisFirstWord(pred: string): string {
  return pythonStrip(pred.split(' ')[0]!.replace(/\.+$/, ''));
}

/** Per-item score of the official thinking-in-space rules. */
export function vsiThinkingInSpaceItem(answerText: string, gold: string, questionType: string): number {
  const word = tisFirstWord(answerText);
  if ((VSI_MCQ_TYPES as readonly string[]).includes(questionType)) return word.toLowerCase() === gold.toLowerCase() ? 1 : 0;
  return mraThinkingInSpace(pyFloat(word), pyFloat(gold));
}

/**
 * thinking-in-space aggregation: mean per question type; when the easy relative-direction level
 * is present the three levels are merged into one (their sum divided by 3 — the official code
 * then expects medium and hard too; an absent one counts 0 here), otherwise the levels present
 * stay separate tasks; overall = mean of the resulting task scores (8 on the full benchmark).
 * Returned as fractions 0-1.
 */
export function thinkingInSpaceAggregate(types: readonly string[], scores: readonly number[]): Record<string, number> {
  const by = new Map<string, number[]>();
  types.forEach((t, i) => {
    let g = by.get(t);
    if (!g) by.set(t, (g = []));
    g.push(scores[i]!);
  });
  const out: Record<string, number> = {};
  for (const t of [...by.keys()].sort()) {
    const g = by.get(t)!;
    out[t] = g.reduce((a, b) => a + b, 0) / g.length;
  }
  if (out['object_rel_direction_easy'] !== undefined) {
    let dir = 0;
    for (const lvl of ['object_rel_direction_easy', 'object_rel_direction_medium', 'object_rel_direction_hard']) {
      dir += out[lvl] ?? 0;
      delete out[lvl];
    }
    out['object_rel_direction'] = dir / 3;
  }
  const vals = Object.values(out);
  out['overall'] = vals.reduce((a, b) => a + b, 0) / vals.length;
  return out;
}

/** What the VSI scorer needs from an item: gold answer, question type as category, and whether CoT was asked. */
export interface VsiScoreItem {
  readonly gold: string;
  readonly category: string;
  readonly meta: { readonly cot: boolean };
}

/** Judges one response with the Spatial-SSRL rule (the headline rule). */
export function judgeVsi(item: VsiScoreItem, text: string | null): ItemJudgement {
  const r = vsiSpatialSsrlItem(text ?? '', item.gold, item.meta.cot);
  return { extracted: r.pred, score: r.score };
}

function tisVariant(label: string, items: readonly VsiScoreItem[], answers: readonly string[]): ScoreVariant {
  const scores = items.map((x, i) => vsiThinkingInSpaceItem(answers[i]!, x.gold, x.category));
  const agg = thinkingInSpaceAggregate(
    items.map((x) => x.category),
    scores,
  );
  const categories: Record<string, number> = {};
  for (const [k, v] of Object.entries(agg)) if (k !== 'overall') categories[k] = v * 100;
  return { label, headline: agg['overall']! * 100, categories };
}

/**
 * Scores VSI-Bench. Headline: the Spatial-SSRL script (last `\boxed{}`, MCQ letter or MRA with
 * `<`, mean over all items). Variants: the official thinking-in-space aggregation on the
 * boxed-first answer (`thinkingInSpace`) and on the raw response (`raw`).
 */
export function scoreVsi(benchmark: string, items: readonly VsiScoreItem[], texts: readonly (string | null)[]): BenchScore {
  assertAligned(benchmark, items, texts);
  const scores = items.map((x, i) => judgeVsi(x, texts[i] ?? null).score);
  const clean = items.map((x, i) => vsiSpatialSsrlItem(texts[i] ?? '', x.gold, x.meta.cot, { unicodeDigits: false }).score);
  const types = items.map((x) => x.category);
  const raw = texts.map((t) => t ?? '');
  return {
    benchmark,
    headline: percentMean(scores),
    rule: 'Spatial-SSRL VSI scripts: output stripped, last \\boxed{} (CoT); one letter → case-insensitive match, else MRA over θ∈{.50,…,.95} with < (Python float: digits of any script); mean over all items',
    categories: percentByKey(types, scores),
    n: items.length,
    errors: countErrors(texts),
    variants: {
      thinkingInSpace: tisVariant(
        'thinking-in-space: boxed-first answer, first word, MRA with ≤, mean of 8 task scores (rel_direction = mean of 3 levels)',
        items,
        raw.map(boxedFirst),
      ),
      raw: tisVariant('thinking-in-space rules on the raw response', items, raw),
      clean: { label: 'Spatial-SSRL rule reading ASCII digits only', headline: percentMean(clean), categories: percentByKey(types, clean) },
    },
  };
}
