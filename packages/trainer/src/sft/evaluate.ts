import { extractBoxed, scoreResponse } from '@spatial-ssrl/rewards';
import { sample, type ModelConfig, type PolicyModel } from '@spatial-ssrl/model';
import { buildEncoderFeed } from '@spatial-ssrl/model/training';
import { cachedImage, type ImageCache } from './dataset.js';
import type { TrainExample } from './batching.js';

/** Scores of one task (or of all tasks together) on held-out records. */
export interface TaskScore {
  /** Records scored. */
  readonly n: number;
  /** Exact-match accuracy (EasyR1 `img_score` accuracy), 0-1. */
  readonly accuracy: number;
  /** Share of responses in the `<think>…</think>…\boxed{…}` format, 0-1. */
  readonly format: number;
  /**
   * For answers made of `-`-separated parts (shuffle, depth, flip): the share of parts right at
   * each position, and its mean; absent for single-letter answers.
   */
  readonly positions?: readonly number[];
  readonly positionMean?: number;
  /** The same scores per task variant (e.g. shuffle layouts), when records name their variant. */
  readonly variants?: Readonly<Record<string, TaskScore>>;
}

/** Held-out scores per task and over all records. */
export interface EvalReport {
  readonly tasks: Readonly<Record<string, TaskScore>>;
  readonly overall: TaskScore;
}

interface Tally {
  n: number;
  correct: number;
  formatted: number;
  parts: number[];
  partsN: number[];
}

function newTally(): Tally {
  return { n: 0, correct: 0, formatted: 0, parts: [], partsN: [] };
}

function count(t: Tally, accuracy: number, format: number, truth: string[], predicted: string[]): void {
  t.n++;
  t.correct += accuracy;
  t.formatted += format;
  if (truth.length > 1) {
    truth.forEach((part, p) => {
      t.parts[p] = (t.parts[p] ?? 0) + (predicted[p] === part ? 1 : 0);
      t.partsN[p] = (t.partsN[p] ?? 0) + 1;
    });
  }
}

function summarise(t: Tally, variants?: Map<string, Tally>): TaskScore {
  const base: TaskScore = { n: t.n, accuracy: t.n ? t.correct / t.n : 0, format: t.n ? t.formatted / t.n : 0 };
  const withVariants =
    variants && variants.size > 0
      ? { ...base, variants: Object.fromEntries([...variants.keys()].sort().map((k) => [k, summarise(variants.get(k)!)])) }
      : base;
  if (t.parts.length === 0) return withVariants;
  const positions = t.parts.map((c, i) => c / t.partsN[i]);
  return { ...withVariants, positions, positionMean: positions.reduce((a, b) => a + b, 0) / positions.length };
}

/** Options of `evaluateExamples`. */
export interface EvaluateOptions {
  /** Rows decoded together; default 64. */
  readonly batchSize?: number;
  /** Generation limit per answer; default the model's `maxAnswerTokens`. */
  readonly maxTokens?: number;
}

/**
 * Greedy-decodes every example and scores the text with `scoreResponse` (exact match + format,
 * as EasyR1's reward does) against the record's answer; examples are decoded in groups of equal
 * image count. Returns per-task scores (with a per-variant breakdown for tasks with several
 * variants) and overall scores.
 */
export function evaluateExamples(
  model: PolicyModel,
  config: ModelConfig,
  examples: readonly TrainExample[],
  cache: ImageCache,
  options: EvaluateOptions = {},
): EvalReport {
  const batchSize = options.batchSize ?? 64;
  const tallies = new Map<string, Tally>();
  const byVariant = new Map<string, Map<string, Tally>>();
  const groups = new Map<number, TrainExample[]>();
  for (const e of examples) {
    const list = groups.get(e.record.images.length) ?? [];
    list.push(e);
    groups.set(e.record.images.length, list);
  }
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const list = groups.get(key)!;
    for (let i = 0; i < list.length; i += batchSize) {
      const chunk = list.slice(i, i + batchSize);
      const feed = buildEncoderFeed(
        config,
        chunk.map((e) => ({ images: e.record.images.map((p) => cachedImage(cache, p)), condition: e.condition })),
      );
      const out = sample(model, feed, { temperature: 0, topP: 1, seed: 0, maxTokens: options.maxTokens ?? config.maxAnswerTokens });
      chunk.forEach((e, r) => {
        const { task, variant, answer } = e.record;
        const score = scoreResponse(out[r].text, answer);
        const truth = answer.split('-');
        const predicted = extractBoxed(out[r].text).split('-');
        if (!tallies.has(task)) tallies.set(task, newTally());
        count(tallies.get(task)!, score.accuracy, score.format, truth, predicted);
        if (variant !== undefined) {
          const variants = byVariant.get(task) ?? new Map<string, Tally>();
          if (!variants.has(variant)) variants.set(variant, newTally());
          count(variants.get(variant)!, score.accuracy, score.format, truth, predicted);
          byVariant.set(task, variants);
        }
      });
    }
  }
  const all = newTally();
  const tasks: Record<string, TaskScore> = {};
  for (const name of [...tallies.keys()].sort()) {
    const t = tallies.get(name)!;
    const variants = byVariant.get(name);
    tasks[name] = summarise(t, variants && variants.size > 1 ? variants : undefined);
    all.n += t.n;
    all.correct += t.correct;
    all.formatted += t.formatted;
  }
  return { tasks, overall: summarise(all) };
}

/** Picks up to `perTask` examples of each task, in record order (a stable held-out subset). */
export function takePerTask(examples: readonly TrainExample[], perTask: number): TrainExample[] {
  const counts = new Map<string, number>();
  return examples.filter((e) => {
    const c = counts.get(e.record.task) ?? 0;
    if (c >= perTask) return false;
    counts.set(e.record.task, c + 1);
    return true;
  });
}
