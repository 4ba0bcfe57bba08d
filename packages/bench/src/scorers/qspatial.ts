import type { BenchScore, ItemJudgement } from '../benchmark.js';
import { assertAligned, countErrors, percentByKey, percentMean } from './aggregate.js';
import { pythonStrip } from '@spatial-ssrl/rewards';
import { asciiDigits, pyFloat } from './python-compat.js';
import { isPandasNa, vlmevalPredictionColumn, xlsxRoundTrip } from './vlmeval-table.js';

/** Centimetres per unit as Q-Spatial scores them; any other unit counts 0 (the answer fails). */
export function qspatialMultiplier(unit: string): number {
  const u = pythonStrip(unit.toLowerCase());
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
 * scalar holds no number. Numbers may be written in any script, as Python's `\d` and `float`
 * read them (`\scalar{٢}` is 2); `unicodeDigits: false` reads ASCII digits only.
 */
export function qspatialParse(response: string, options: { unicodeDigits?: boolean } = {}): { cm: number; value: number; unit: string } | QspatialParseFailure {
  const unicode = options.unicodeDigits !== false;
  const text = response.includes('boxed{') ? rewriteBoxed(response) : response;
  const scalars = allGroups(/scalar\{([^}]*)\}/g, text);
  if (scalars.length === 0) return 'no-scalar';
  const numbers = allGroups(unicode ? /(\p{Nd}+\.?\p{Nd}*)/gu : /([0-9]+\.?[0-9]*)/g, scalars[scalars.length - 1]!).map((n) => Number(asciiDigits(n)));
  const value = numbers.length ? numbers.reduce((a, b) => a + b, 0) / numbers.length : Number.NaN;
  let units = allGroups(/distance_unit\{([^}]*)\}/g, text);
  if (units.length === 0) units = allGroups(/unit\{([^}]*)\}/g, text);
  if (units.length === 0) units = allGroups(/\{([^}]*)\}/g, text);
  if (units.length === 0) return 'no-unit';
  let unit = units[units.length - 1]!;
  if (pyFloat(unit, { unicodeDigits: unicode }) !== null) {
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

function parsedCm(text: string, unicodeDigits = true): number {
  const parsed = qspatialParse(text, { unicodeDigits });
  return typeof parsed === 'string' ? EPS : parsed.cm;
}

/** Judges one response (δ < 2) as the headline does: the prediction file round trip, then the Spatial-SSRL parser. */
export function judgeQspatial(item: QspatialScoreItem, text: string | null): ItemJudgement {
  const cell = text === null ? null : xlsxRoundTrip(text);
  const parsed = qspatialParse(cell ?? '');
  const cm = typeof parsed === 'string' ? EPS : parsed.cm;
  const extracted = typeof parsed === 'string' ? parsed : `${parsed.value} ${parsed.unit}`;
  return { extracted, score: qspatialHit(cm, qspatialGoldCm(item)) ? 1 : 0 };
}

/**
 * Scores Q-Spatial as the Spatial-SSRL VLMEvalKit run does: headline = success rate at δ < 2
 * (×100) on the predictions as read back from the `.xlsx` prediction file (control characters
 * come back as `_xHHHH_`), numbers in any script; per question type. Variants: `delta_1_5`, and
 * `clean` (the response as generated, ASCII digits only).
 */
export function scoreQspatial(benchmark: string, items: readonly QspatialScoreItem[], texts: readonly (string | null)[]): BenchScore {
  assertAligned(benchmark, items, texts);
  const column = vlmevalPredictionColumn(texts, false);
  const missing = column.filter((c, i) => texts[i] !== null && texts[i] !== undefined && isPandasNa(c)).length;
  const numericColumn = column.length > 0 && column.every((c) => pyFloat(c) !== null);
  const preds = column.map((c, i) => (texts[i] === null || texts[i] === undefined ? EPS : parsedCm(c)));
  const cleanPreds = texts.map((t) => (t === null || t === undefined ? EPS : parsedCm(t, false)));
  const gold = items.map(qspatialGoldCm);
  const d2 = preds.map((p, i) => (qspatialHit(p, gold[i]!, 2) ? 1 : 0));
  const d15 = preds.map((p, i) => (qspatialHit(p, gold[i]!, 1.5) ? 1 : 0));
  const types = items.map((x) => x.category);
  const clean = cleanPreds.map((p, i) => (qspatialHit(p, gold[i]!, 2) ? 1 : 0));
  const unparsed = column.filter((c) => typeof qspatialParse(c) === 'string').length;
  const notes = [`${unparsed} responses had no readable scalar{} / unit`];
  if (missing > 0 || numericColumn) {
    notes.push(
      `${missing > 0 ? `${missing} responses read back as missing values (e.g. "None")` : 'every response reads back as a number'}: the official evaluation stops with a TypeError on such a file; scored here as unreadable`,
    );
  }
  return {
    benchmark,
    headline: percentMean(d2),
    rule: 'success rate max(pred/gold, gold/pred) < 2 in centimetres (Q-Spatial, Spatial-SSRL parser on the prediction file as read back; digits in any script)',
    categories: percentByKey(types, d2),
    n: items.length,
    errors: countErrors(texts),
    variants: {
      delta_1_5: { label: 'success rate at ratio < 1.5', headline: percentMean(d15), categories: percentByKey(types, d15) },
      clean: { label: 'δ < 2 on the response as generated (no table round trip), ASCII digits only', headline: percentMean(clean), categories: percentByKey(types, clean) },
    },
    notes,
  };
}
