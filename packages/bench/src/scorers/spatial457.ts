import type { BenchScore, ItemJudgement, ScoreVariant } from '../benchmark.js';
import { assertAligned, countErrors, percentByKey, percentMean } from './aggregate.js';
import { boxedFirst } from './vlmeval-mcq.js';

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

/** Spatial457 answer extraction: the `Answer': '…'` / `Answer": "…"` / `Answer': N` patterns, else the whole response. */
export function spatial457Extract(response: string): string {
  const m =
    /Answer': '(.*?)'/u.exec(response) ?? /Answer": "(.*?)"/u.exec(response) ?? /Answer': (\p{Nd})/u.exec(response);
  return m ? m[1]! : response;
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

/** Judges one response with the boxed-first rule: last `\boxed{}` content when present, else the official extraction. */
export function judgeSpatial457(item: Spatial457ScoreItem, text: string | null): ItemJudgement {
  const t = text ?? '';
  const pred = t.includes('\\boxed{') ? boxedFirst(t) : spatial457Extract(t);
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

/** Scores Spatial457: headline boxed-first, `raw` = the official extraction on the whole response; per-level scores (0 for an absent level, as officially). */
export function scoreSpatial457(benchmark: string, items: readonly Spatial457ScoreItem[], texts: readonly (string | null)[]): BenchScore {
  assertAligned(benchmark, items, texts);
  const boxed = items.map((x, i) => judgeSpatial457(x, texts[i] ?? null).score);
  const raw = items.map((x, i) => (spatial457Correct(x.gold, spatial457Extract(texts[i] ?? '')) ? 1 : 0));
  const boxedV: ScoreVariant = {
    label: 'last \\boxed{} content when present, else the official Answer-pattern extraction; official matcher',
    headline: percentMean(boxed),
    categories: levelScores(items, boxed),
  };
  const rawV: ScoreVariant = {
    label: 'official Spatial457 extraction on the whole response (robust mode), official matcher',
    headline: percentMean(raw),
    categories: levelScores(items, raw),
  };
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
