import type { BenchScore, ItemJudgement } from '../benchmark.js';
import { assertAligned, countErrors, percentByKey, percentMean } from './aggregate.js';
import { pyFloat } from './python-compat.js';

/** Centimetres per unit as Q-Spatial scores them; any other unit counts 0 (the answer fails). */
export function qspatialMultiplier(unit: string): number {
  const u = unit.toLowerCase().trim();
  if (['meters', 'meter', 'm', 'metre', 'metres'].includes(u)) return 100;
  if (['centimeters', 'centimeter', 'cm'].includes(u)) return 1;
  if (['feet', 'foot', 'ft'].includes(u)) return 30.48;
  if (['inch', 'inches', 'in'].includes(u)) return 2.54;
  if (u === 'mm') return 0.1;
  return 0;
}

// The Spatial-SSRL evaluation rewrites `boxed{…}` answers into the `scalar{}` form: every
// `boxed{` becomes `scalar{`, a `}` is inserted before the first space after the first
// `scalar{`, and the last `}` of the response is deleted.
function rewriteBoxed(s: string): string {
  let t = s.split('boxed{').join('scalar{');
  const first = t.indexOf('scalar{');
  const space = t.indexOf(' ', first);
  if (space !== -1) t = `${t.slice(0, space)}}${t.slice(space)}`;
  const last = t.lastIndexOf('}');
  if (last !== -1) t = t.slice(0, last) + t.slice(last + 1);
  return t;
}

function allGroups(re: RegExp, s: string): string[] {
  return [...s.matchAll(re)].map((m) => m[1]!);
}

/** Reason a response could not be read: no `scalar{}` or no unit (the official parser's IndexError). */
export type QspatialParseFailure = 'no-scalar' | 'no-unit';

/**
 * Parses a Q-Spatial response into centimetres with the Spatial-SSRL rules: value = mean of the
 * numbers in the last `scalar{…}`; unit from the last `distance_unit{}`, else `unit{}`, else any
 * `{}` (a numeric unit falls back to the letters after the last backslash). `NaN` when the
 * scalar holds no number.
 */
export function qspatialParse(response: string): { cm: number; value: number; unit: string } | QspatialParseFailure {
  const text = response.includes('boxed{') ? rewriteBoxed(response) : response;
  const scalars = allGroups(/scalar\{([^}]*)\}/g, text);
  if (scalars.length === 0) return 'no-scalar';
  const numbers = allGroups(/(\d+\.?\d*)/g, scalars[scalars.length - 1]!).map(Number);
  const value = numbers.length ? numbers.reduce((a, b) => a + b, 0) / numbers.length : Number.NaN;
  let units = allGroups(/distance_unit\{([^}]*)\}/g, text);
  if (units.length === 0) units = allGroups(/unit\{([^}]*)\}/g, text);
  if (units.length === 0) units = allGroups(/\{([^}]*)\}/g, text);
  if (units.length === 0) return 'no-unit';
  let unit = units[units.length - 1]!;
  if (pyFloat(unit) !== null) {
    const tail = text.includes('\\') ? text.slice(text.lastIndexOf('\\') + 1) : '';
    unit = /^[a-zA-Z]*/.exec(tail)![0];
  }
  return { cm: value * qspatialMultiplier(unit), value, unit };
}

const EPS = 1e-8;

/** What the Q-Spatial scorer needs from an item: gold value and unit, and the question type as category. */
export interface QspatialScoreItem {
  readonly category: string;
  readonly meta: { readonly answerValue: number; readonly answerUnit: string };
}

/** Gold distance in centimetres. */
export function qspatialGoldCm(item: QspatialScoreItem): number {
  return item.meta.answerValue * qspatialMultiplier(item.meta.answerUnit);
}

/** The official success test: `max(p/g, g/p) < ratio` with 1e-8 added to both (ratio 2 for δ<2, 1.5 for δ<1.5). */
export function qspatialHit(predCm: number, goldCm: number, ratio = 2): boolean {
  const p = predCm + EPS;
  const g = goldCm + EPS;
  return Math.max(p / g, g / p) < ratio;
}

/** Judges one response (δ < 2). */
export function judgeQspatial(item: QspatialScoreItem, text: string | null): ItemJudgement {
  const parsed = qspatialParse(text ?? '');
  const cm = typeof parsed === 'string' ? EPS : parsed.cm;
  const extracted = typeof parsed === 'string' ? parsed : `${parsed.value} ${parsed.unit}`;
  return { extracted, score: qspatialHit(cm, qspatialGoldCm(item)) ? 1 : 0 };
}

/** Scores Q-Spatial: headline = success rate at δ < 2 (×100), per question type; `delta_1_5` beside it. */
export function scoreQspatial(benchmark: string, items: readonly QspatialScoreItem[], texts: readonly (string | null)[]): BenchScore {
  assertAligned(benchmark, items, texts);
  const preds = texts.map((t) => {
    const parsed = qspatialParse(t ?? '');
    return typeof parsed === 'string' ? EPS : parsed.cm;
  });
  const gold = items.map(qspatialGoldCm);
  const d2 = preds.map((p, i) => (qspatialHit(p, gold[i]!, 2) ? 1 : 0));
  const d15 = preds.map((p, i) => (qspatialHit(p, gold[i]!, 1.5) ? 1 : 0));
  const types = items.map((x) => x.category);
  const unparsed = texts.filter((t) => typeof qspatialParse(t ?? '') === 'string').length;
  return {
    benchmark,
    headline: percentMean(d2),
    rule: 'success rate max(pred/gold, gold/pred) < 2 in centimetres (Q-Spatial, Spatial-SSRL parser)',
    categories: percentByKey(types, d2),
    n: items.length,
    errors: countErrors(texts),
    variants: {
      delta_1_5: { label: 'success rate at ratio < 1.5', headline: percentMean(d15), categories: percentByKey(types, d15) },
    },
    notes: [`${unparsed} responses had no readable scalar{} / unit`],
  };
}
