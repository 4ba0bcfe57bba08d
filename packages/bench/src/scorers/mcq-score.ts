import type { BenchScore, ItemJudgement, ScoreVariant } from '../benchmark.js';
import { assertAligned, countErrors, percentByKey, percentMean } from './aggregate.js';
import { type McqChoices, vlmevalMcqAnswer } from './vlmeval-mcq.js';
import { isPandasNa, qwenPostProcess, vlmevalPredictionCell, vlmevalPredictionColumn, xlsxRoundTrip } from './vlmeval-table.js';

/** What the MCQ scorer needs from each item. */
export interface McqScoreItem {
  readonly gold: string;
  readonly category: string;
  readonly meta: {
    /** Option texts as VLMEvalKit reads them from the TSV (pandas types). */
    readonly choices: McqChoices;
    /** Option texts as written in the file, when they differ (used by the `clean` rule). */
    readonly choicesAsWritten?: McqChoices;
    readonly index: string;
    /** VLMEvalKit dataset name; CircularEval applies only when it names MMBench, CCBench, MMCR or "circular". */
    readonly dataset?: string;
    readonly l2Category?: string;
  };
}

// VLMEvalKit `ImageMCQDataset.evaluate` decides CircularEval by the dataset name alone.
const CIRCULAR_NAMES = ['mmbench', 'ccbench', 'circular', 'mmcr'];

/** Whether VLMEvalKit scores a dataset of this name with CircularEval (its name contains MMBench, CCBench, MMCR or "circular", any case). */
function vlmevalIsCircular(dataset: string | undefined): boolean {
  const d = (dataset ?? '').toLowerCase();
  return CIRCULAR_NAMES.some((n) => d.includes(n));
}

// The options as the scorer reads them back from the prediction file (.xlsx round trip).
function evalChoices(choices: McqChoices): McqChoices {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(choices)) {
    const cell = xlsxRoundTrip(v);
    if (cell !== null && !isPandasNa(cell)) out[k] = cell;
  }
  return out;
}

/**
 * Judges one response as the headline does: the Qwen2-VL post-processing (last `\boxed{}`
 * content), the prediction file round trip, then `can_infer` (unresolved = `Z`).
 */
export function judgeMcq(item: McqScoreItem, text: string | null): ItemJudgement {
  if (text === null) return { extracted: 'Z', score: 0 };
  const letter = vlmevalMcqAnswer(vlmevalPredictionCell(text, true), evalChoices(item.meta.choices));
  return { extracted: letter, score: letter === item.gold ? 1 : 0 };
}

/** Per-row hits under the three rules: `boxed` (headline), `raw` (no post-processing) and `clean` (no table round trip). */
export function mcqHits(items: readonly McqScoreItem[], texts: readonly (string | null)[]): { boxed: number[]; raw: number[]; clean: number[] } {
  const boxedPred = vlmevalPredictionColumn(texts, true);
  const rawPred = vlmevalPredictionColumn(texts, false);
  const hit = (i: number, pred: string, choices: McqChoices) => (texts[i] !== null && texts[i] !== undefined && vlmevalMcqAnswer(pred, choices) === items[i]!.gold ? 1 : 0);
  const boxed: number[] = [];
  const raw: number[] = [];
  const clean: number[] = [];
  items.forEach((item, i) => {
    const choices = evalChoices(item.meta.choices);
    boxed.push(hit(i, boxedPred[i]!, choices));
    raw.push(hit(i, rawPred[i]!, choices));
    clean.push(hit(i, qwenPostProcess(texts[i] ?? ''), item.meta.choicesAsWritten ?? item.meta.choices));
  });
  return { boxed, raw, clean };
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
 * copies of row `index % 1e6`; a group counts as correct only if every member is. `null` when
 * the file has no rotated copies.
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

const HEADLINE_RULE = 'Qwen2-VL post-processing (last \\boxed{} content, spaces kept), prediction file round trip (.xlsx, pandas), VLMEvalKit can_infer (unresolved = Z)';
const RAW_RULE = 'VLMEvalKit can_infer on the whole response (no post-processing), prediction file round trip';
const CLEAN_RULE = 'post-processing and can_infer without the table round trip: "None" stays a string, options as written in the file';

/**
 * Scores a VLMEvalKit-style multiple-choice run as VLMEvalKit does with exact matching: vanilla,
 * or CircularEval when the dataset name calls for it (rotated copies of another dataset are
 * scored row by row, CircularEval then reported beside). Variants: `raw` (no post-processing)
 * and `clean` (no table round trip).
 */
export function scoreMcq(benchmark: string, items: readonly McqScoreItem[], texts: readonly (string | null)[]): BenchScore {
  assertAligned(benchmark, items, texts);
  const { boxed, raw, clean } = mcqHits(items, texts);
  const vanilla = {
    boxed: variant(HEADLINE_RULE, items, boxed),
    raw: variant(RAW_RULE, items, raw),
    clean: variant(CLEAN_RULE, items, clean),
  };
  const circ = circular(items, boxed);
  const useCircular = circ !== null && vlmevalIsCircular(items[0]?.meta.dataset);
  const base = { benchmark, n: items.length, errors: countErrors(texts) };
  if (circ && useCircular) {
    const head = variant(`CircularEval, ${HEADLINE_RULE}`, circ.main, circ.hits);
    const circRaw = circular(items, raw)!;
    const circClean = circular(items, clean)!;
    return {
      ...base,
      headline: head.headline,
      rule: head.label,
      categories: head.categories,
      variants: {
        boxedFirst: head,
        raw: variant(`CircularEval, ${RAW_RULE}`, circRaw.main, circRaw.hits),
        clean: variant(`CircularEval, ${CLEAN_RULE}`, circClean.main, circClean.hits),
        vanilla: vanilla.boxed,
        'raw/vanilla': vanilla.raw,
      },
    };
  }
  const extra: Record<string, ScoreVariant> = {};
  const notes: string[] = [];
  if (circ) {
    extra['circular'] = variant(`CircularEval (not official for this dataset name), ${HEADLINE_RULE}`, circ.main, circ.hits);
    notes.push(`rows with index ≥ 1,000,000 are scored on their own, as VLMEvalKit does for a dataset not named like MMBench/CCBench/MMCR/circular; CircularEval is the "circular" variant`);
  }
  return {
    ...base,
    headline: vanilla.boxed.headline,
    rule: vanilla.boxed.label,
    categories: vanilla.boxed.categories,
    variants: { boxedFirst: vanilla.boxed, raw: vanilla.raw, clean: vanilla.clean, ...extra },
    ...(notes.length ? { notes } : {}),
  };
}
