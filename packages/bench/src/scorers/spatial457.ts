import type { BenchScore, ItemJudgement, ScoreVariant } from '../benchmark.js';
import { assertAligned, countErrors, percentByKey, percentMean } from './aggregate.js';
import { PY_DOT } from './python-compat.js';
import { qwenPostProcess, vlmevalPredictionCell, vlmevalPredictionColumn } from './vlmeval-table.js';

/** The seven Spatial457 levels, in the official order. */
export const SPATIAL457_LEVELS = ['L1_single', 'L2_objects', 'L3_2d_spatial', 'L4_occ', 'L4_pose', 'L5_6d_spatial', 'L5_collision'] as const;

const SUB_SHAPES: Record<string, readonly string[]> = {
  car: ['suv', 'wagon', 'minivan', 'sedan', 'truck', 'addi', 'car'],
  bus: ['articulated', 'regular', 'double', 'school', 'bus'],
  motorbike: ['chopper', 'dirtbike', 'scooter', 'cruiser', 'motorbike'],
  aeroplane: ['jet', 'fighter', 'biplane', 'airliner', 'aeroplane'],
  bicycle: ['road', 'utility', 'mountain', 'tandem', 'bicycle'],
};
const SUPER_SHAPE = new Map<string, string>();
for (const [family, members] of Object.entries(SUB_SHAPES)) for (const m of members) SUPER_SHAPE.set(m, family);

const NUMBER_WORDS: Record<string, string> = {
  zero: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9', ten: '10',
};
const DIGITS_1_9 = new Set(['1', '2', '3', '4', '5', '6', '7', '8', '9']);

/** The answer vocabulary listed in the official Spatial457 instruction (capitalised, comma-separated). */
export const SPATIAL457_ANSWERS = [
  'small', 'large',
  'airliner', 'dirtbike', 'road bike', 'tandem bike', 'suv', 'wagon', 'scooter', 'mountain bike', 'minivan', 'sedan', 'school bus',
  'fighter', 'chopper', 'double bus', 'truck', 'articulated bus', 'cruiser', 'jet', 'utility bike', 'regular bus', 'biplane',
  'gray', 'blue', 'purple', 'brown', 'green', 'cyan', 'red', 'yellow',
  'left', 'right', 'front', 'back',
]
  .map((x) => x.charAt(0).toUpperCase() + x.slice(1).toLowerCase())
  .join(', ');

// Python `re` semantics: `.` stops only at `\n` (it matches `\r`), `\d` is any Unicode digit.
const OFFICIAL_PATTERNS = [new RegExp(`Answer': '(${PY_DOT}*?)'`, 'u'), new RegExp(`Answer": "(${PY_DOT}*?)"`, 'u'), /Answer': (\p{Nd})/u];
// The clean reading: `.` stops at any line break, ASCII digits only.
const CLEAN_PATTERNS = [/Answer': '(.*?)'/u, /Answer": "(.*?)"/u, /Answer': ([0-9])/u];

/**
 * Spatial457 answer extraction: the `Answer': '…'` / `Answer": "…"` / `Answer': N` patterns in
 * that order, else the whole response. Python's regex semantics by default (`.` matches `\r`,
 * `\d` any Unicode digit); `clean: true` stops at every line break and reads ASCII digits only.
 */
export function spatial457Extract(response: string, options: { clean?: boolean } = {}): string {
  for (const re of options.clean ? CLEAN_PATTERNS : OFFICIAL_PATTERNS) {
    const m = re.exec(response);
    if (m) return m[1]!;
  }
  return response;
}

function sameVehicleFamily(a: string, b: string): boolean {
  const x = SUPER_SHAPE.get(a.toLowerCase().split(' ')[0]!);
  const y = SUPER_SHAPE.get(b.toLowerCase().split(' ')[0]!);
  return x !== undefined && x === y;
}

/** Spatial457 `is_correct(answer, predict)`, rule for rule. */
export function spatial457Correct(gold: string, predicted: string): boolean {
  let p = predicted;
  if (p.toLowerCase() === 'none') p = 'no';
  if (p.toLowerCase() === gold.toLowerCase()) return true;
  if (p === '0' && gold === 'No') return true;
  if (NUMBER_WORDS[p.toLowerCase()] !== undefined && NUMBER_WORDS[p.toLowerCase()] === gold) return true;
  if (gold.toLowerCase() === 'yes' && DIGITS_1_9.has(p)) return true;
  return sameVehicleFamily(p, gold);
}

/** What the Spatial457 scorer needs from an item. */
export interface Spatial457ScoreItem {
  readonly gold: string;
  readonly category: string;
}

/**
 * Judges one response as the headline does: Qwen2-VL post-processing (last `\boxed{}` content,
 * spaces kept), the prediction file round trip (`None` → `nan`, `\r` → `_x000D_`), then the
 * official extraction and matcher.
 */
export function judgeSpatial457(item: Spatial457ScoreItem, text: string | null): ItemJudgement {
  if (text === null) return { extracted: '', score: 0 };
  const pred = spatial457Extract(vlmevalPredictionCell(text, true));
  return { extracted: pred, score: spatial457Correct(item.gold, pred) ? 1 : 0 };
}

function levelScores(items: readonly Spatial457ScoreItem[], hits: readonly number[]): Record<string, number> {
  const by = percentByKey(
    items.map((x) => x.category),
    hits,
  );
  const out: Record<string, number> = {};
  for (const level of SPATIAL457_LEVELS) out[level] = by[level] ?? 0;
  for (const [k, v] of Object.entries(by)) if (!(k in out)) out[k] = v;
  return out;
}

/**
 * Scores Spatial457 as the Spatial-SSRL VLMEvalKit run does: headline = Qwen2-VL post-processing,
 * the `.xlsx`/pandas round trip of the prediction file (so `None` scores as `nan`), the official
 * extraction with Python regex semantics and the official matcher. Variants: `raw` (no
 * post-processing, the robust mode on the whole response) and `clean` (post-processing without
 * the table round trip, `.` stopping at line breaks, ASCII digits). Per-level scores (0 for an
 * absent level, as officially).
 */
export function scoreSpatial457(benchmark: string, items: readonly Spatial457ScoreItem[], texts: readonly (string | null)[]): BenchScore {
  assertAligned(benchmark, items, texts);
  const hits = (preds: readonly string[], clean = false) =>
    items.map((x, i) => (texts[i] !== null && texts[i] !== undefined && spatial457Correct(x.gold, spatial457Extract(preds[i]!, { clean })) ? 1 : 0));
  const boxed = hits(vlmevalPredictionColumn(texts, true));
  const raw = hits(vlmevalPredictionColumn(texts, false));
  const clean = hits(
    texts.map((t) => qwenPostProcess(t ?? '')),
    true,
  );
  const boxedV: ScoreVariant = {
    label: 'Qwen2-VL post-processing (last \\boxed{} content, spaces kept), prediction file round trip (.xlsx, pandas: None → nan), official Answer-pattern extraction and matcher',
    headline: percentMean(boxed),
    categories: levelScores(items, boxed),
  };
  const rawV: ScoreVariant = {
    label: 'official Spatial457 extraction on the whole response (robust mode, no post-processing), prediction file round trip',
    headline: percentMean(raw),
    categories: levelScores(items, raw),
  };
  const cleanV: ScoreVariant = {
    label: 'post-processing without the table round trip ("None" matches "no"), "." stopping at line breaks, ASCII digits',
    headline: percentMean(clean),
    categories: levelScores(items, clean),
  };
  return {
    benchmark,
    headline: boxedV.headline,
    rule: boxedV.label,
    categories: boxedV.categories,
    n: items.length,
    errors: countErrors(texts),
    variants: { boxedFirst: boxedV, raw: rawV, clean: cleanV },
  };
}
