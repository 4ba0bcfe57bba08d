import { extractBoxed, scoreResponse } from '@spatial-ssrl/rewards';
import type { BenchScore, ItemJudgement } from '../benchmark.js';
import { assertAligned, countErrors, percentByKey, percentMean } from './aggregate.js';

/** What the held-out task scorer needs: the exact ground-truth string and the task id as category. */
export interface SsrlTaskScoreItem {
  readonly gold: string;
  readonly category: string;
}

/** Judges one response with the training reward: exact match of the last `\boxed{}` content. */
export function judgeSsrlTask(item: SsrlTaskScoreItem, text: string | null): ItemJudgement {
  if (text === null) return { extracted: '', score: 0 };
  return { extracted: extractBoxed(text), score: scoreResponse(text, item.gold).accuracy };
}

/**
 * Scores held-out Spatial-SSRL task samples with the reward used in training: headline = exact-
 * match accuracy, per task; `format` = share of well-formed responses; `reward` = mean overall
 * reward (0.9·accuracy + 0.1·format).
 */
export function scoreSsrlTasks(benchmark: string, items: readonly SsrlTaskScoreItem[], texts: readonly (string | null)[]): BenchScore {
  assertAligned(benchmark, items, texts);
  const acc: number[] = [];
  const fmt: number[] = [];
  const overall: number[] = [];
  items.forEach((item, i) => {
    const t = texts[i];
    if (t === null || t === undefined) {
      acc.push(0);
      fmt.push(0);
      overall.push(0);
      return;
    }
    const s = scoreResponse(t, item.gold);
    acc.push(s.accuracy);
    fmt.push(s.format);
    overall.push(s.overall);
  });
  const tasks = items.map((x) => x.category);
  return {
    benchmark,
    headline: percentMean(acc),
    rule: 'exact match of the last \\boxed{} content against the ground truth (EasyR1 img_score accuracy)',
    categories: percentByKey(tasks, acc),
    n: items.length,
    errors: countErrors(texts),
    variants: {
      format: { label: 'format rate: <think>…</think> then \\boxed{}', headline: percentMean(fmt), categories: percentByKey(tasks, fmt) },
      reward: { label: 'mean overall reward (0.9 accuracy + 0.1 format)', headline: percentMean(overall), categories: percentByKey(tasks, overall) },
    },
  };
}
