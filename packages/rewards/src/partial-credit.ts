import { pythonStrip } from './python-whitespace.js';

/**
 * Credit per position for an answer that orders items, joined by `-` (`2-0-3-1`): the exact
 * answer scores 1; a prediction that rearranges the ground truth's items scores
 * `scale` × (positions that agree) / (items); anything else scores 0. With `identity: false`
 * the in-order arrangement `0-1-…-(n−1)` is outside the answer space and scores 0 too.
 * `scale` 1 is the plain fraction of positions right; Visual Jigsaw's graded reward uses 0.2.
 */
export interface PositionsCreditRule {
  readonly kind: 'positions';
  /** Factor on the fraction of positions right for an inexact answer, in (0, 1]. */
  readonly scale: number;
  /** Whether `0-1-…-(n−1)` is a possible answer. */
  readonly identity: boolean;
}

/** One field of a {@link PartsCreditRule}: the values it can take and the credit for getting it right. */
export interface CreditPart {
  /** Short name for documentation, e.g. `patch`. */
  readonly name: string;
  readonly values: readonly string[];
  /** Share of the reward in (0, 1]; the weights of a rule sum to 1. */
  readonly weight: number;
}

/**
 * Credit per field for an answer made of independent fields joined by `-` (flip's
 * `patch-direction`, `3-0`): the sum of the weights of the fields that agree with the ground
 * truth. A prediction with the wrong number of fields, or any field outside its values, scores 0.
 */
export interface PartsCreditRule {
  readonly kind: 'parts';
  readonly parts: readonly CreditPart[];
}

/** How an answer with parts earns partial credit, declared as data by the task that writes it. */
export type PartialCreditRule = PositionsCreditRule | PartsCreditRule;

function fields(text: string): string[] {
  return text.split('-').map(pythonStrip);
}

function isIdentity(items: readonly string[]): boolean {
  return items.every((item, i) => item === String(i));
}

function positionsCredit(rule: PositionsCreditRule, prediction: string, groundTruth: string): number {
  if (prediction === groundTruth) return 1;
  const expected = fields(groundTruth);
  const predicted = fields(prediction);
  if (predicted.length !== expected.length) return 0;
  const items = new Set(expected);
  if (items.size !== expected.length) return 0;
  const seen = new Set<string>();
  for (const item of predicted) {
    if (!items.has(item) || seen.has(item)) return 0;
    seen.add(item);
  }
  if (!rule.identity && isIdentity(predicted)) return 0;
  let right = 0;
  for (let i = 0; i < expected.length; i++) if (predicted[i] === expected[i]) right++;
  return right === expected.length ? 1 : (rule.scale * right) / expected.length;
}

function partsCredit(rule: PartsCreditRule, prediction: string, groundTruth: string): number {
  const expected = fields(groundTruth);
  const predicted = fields(prediction);
  if (predicted.length !== rule.parts.length || expected.length !== rule.parts.length) return 0;
  let credit = 0;
  for (let i = 0; i < rule.parts.length; i++) {
    const part = rule.parts[i];
    if (!part.values.includes(predicted[i])) return 0;
    if (predicted[i] === expected[i]) credit += part.weight;
  }
  return Math.min(1, credit);
}

/**
 * The partial-credit accuracy of `prediction` (the boxed answer) against `groundTruth` under
 * `rule`, in [0, 1]: exact answers score 1, malformed or out-of-space ones 0; never throws for
 * string inputs. NOT EasyR1-compatible (EasyR1 gives 0 or 1).
 */
export function partialCredit(rule: PartialCreditRule, prediction: string, groundTruth: string): number {
  if (typeof prediction !== 'string' || typeof groundTruth !== 'string') return 0;
  const value = rule.kind === 'positions' ? positionsCredit(rule, prediction, groundTruth) : partsCredit(rule, prediction, groundTruth);
  return Number.isFinite(value) ? Math.max(0, Math.min(1, value)) : 0;
}

/**
 * Checks a rule a task declares: a positions scale in (0, 1], parts with values and positive
 * weights summing to 1. Returns the problem as a sentence, or null when the rule is sound.
 */
export function partialCreditRuleProblem(rule: PartialCreditRule): string | null {
  if (rule.kind === 'positions') {
    if (!(rule.scale > 0 && rule.scale <= 1)) return `positions scale must be in (0, 1], got ${rule.scale}`;
    if (typeof rule.identity !== 'boolean') return 'positions identity must be true or false';
    return null;
  }
  if (rule.kind === 'parts') {
    if (rule.parts.length === 0) return 'parts rule has no parts';
    for (const part of rule.parts) {
      if (part.values.length === 0) return `part ${part.name} has no values`;
      if (part.values.some((v) => v.includes('-') || v !== pythonStrip(v) || v === '')) return `part ${part.name} has a value with '-' or spaces`;
      if (!(part.weight > 0 && part.weight <= 1)) return `part ${part.name} weight must be in (0, 1], got ${part.weight}`;
    }
    const total = rule.parts.reduce((sum, p) => sum + p.weight, 0);
    if (Math.abs(total - 1) > 1e-9) return `part weights sum to ${total}, not 1`;
    return null;
  }
  return `unknown partial-credit rule kind ${JSON.stringify((rule as { kind?: unknown }).kind)}`;
}
