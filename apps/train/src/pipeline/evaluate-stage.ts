import { join } from 'node:path';
import { PredictionCache, runBenchmark, spatialSsrlTasksBenchmark, type BenchItem, type RunProgress, type TaskCounts } from '@spatial-ssrl/bench';
import { loadPolicy, readCheckpointManifest } from '@spatial-ssrl/model';
import { scoreResponse } from '@spatial-ssrl/rewards';
import { writeFileAtomic, readJsonlFile, writeJsonl } from '@spatial-ssrl/spec/node';

/** One scored held-out item of an evaluation, as kept in `predictions.jsonl`. */
export interface ScoredItem {
  readonly id: string;
  readonly task: string;
  readonly variant?: string;
  readonly gold: string;
  /** The response, or `null` when generation failed for good. */
  readonly text: string | null;
  /** 1 when the boxed answer equals the gold answer exactly, else 0. */
  readonly correct: 0 | 1;
  /** 1 when the response has the `<think>…</think>…\boxed{}` format, else 0. */
  readonly format: 0 | 1;
}

/** What an evaluation measured: counts per task and over all items. */
export interface EvaluationSummary {
  /** The policy id the prediction cache is keyed by. */
  readonly policy: string;
  readonly n: number;
  readonly correct: number;
  readonly formatted: number;
  readonly tasks: Readonly<Record<string, TaskCounts>>;
  /** Items whose generation failed (counted as wrong). */
  readonly errors: number;
  readonly wallSec: number;
}

/** Options of `evaluateCheckpoint`. */
export interface EvaluateCheckpointOptions {
  /** Checkpoint directory. */
  readonly checkpoint: string;
  /** Dataset directory; its `split: test` records are evaluated. */
  readonly data: string;
  /** Stage folder: `cache.jsonl`, `predictions.jsonl`, `scores.json`. */
  readonly dir: string;
  /** Records per task (0: all), first ones in file order. */
  readonly perTask: number;
  readonly batchSize: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: RunProgress) => void;
}

/** Keeps the first `perTask` items of each task (all when 0). */
function firstPerTask(items: readonly BenchItem[], perTask: number): BenchItem[] {
  if (perTask <= 0) return [...items];
  const seen = new Map<string, number>();
  return items.filter((it) => {
    const k = it.task ?? it.category;
    const c = seen.get(k) ?? 0;
    seen.set(k, c + 1);
    return c < perTask;
  });
}

/**
 * Evaluates a checkpoint on the held-out split exactly as `ssrl-eval` does for the `ssr-tasks`
 * benchmark (its loader, prompt suffix, runner and greedy sampling), with a prediction cache so
 * an interrupted evaluation resumes. Writes `predictions.jsonl` and `scores.json`.
 */
export async function evaluateCheckpoint(options: EvaluateCheckpointOptions): Promise<EvaluationSummary> {
  const started = performance.now();
  const manifest = await readCheckpointManifest(options.checkpoint);
  // The id names the weights, so a cache never serves answers of other weights.
  const policy = await loadPolicy(options.checkpoint, { id: `checkpoint-sha256:${manifest.weights.sha256.slice(0, 16)}`, batchSize: options.batchSize });
  const { benchmark, items: all } = await spatialSsrlTasksBenchmark(options.data);
  const items = firstPerTask(all, options.perTask);
  const cache = await PredictionCache.open(join(options.dir, 'cache.jsonl'));
  let result;
  try {
    result = await runBenchmark({
      policy,
      benchmark,
      items,
      sampling: { temperature: 0, topP: 1, maxTokens: policy.model.config.maxAnswerTokens, seed: 0, n: 1 },
      cache,
      batchSize: options.batchSize,
      maxInFlight: options.batchSize * 2,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  } finally {
    cache.close();
    policy.model.dispose();
  }
  const scored: ScoredItem[] = result.predictions.map((p, i) => {
    const item = items[i];
    const text = p.error !== undefined ? null : (p.outputs[0]?.text ?? null);
    const s = text === null ? { accuracy: 0, format: 0 } : scoreResponse(text, item.gold);
    return {
      id: p.id,
      task: item.task ?? item.category,
      ...(item.variant !== undefined ? { variant: item.variant } : {}),
      gold: item.gold,
      text,
      correct: s.accuracy === 1 ? 1 : 0,
      format: s.format === 1 ? 1 : 0,
    };
  });
  const tasks: Record<string, { n: number; correct: number; formatted: number }> = {};
  for (const s of scored) {
    const t = (tasks[s.task] ??= { n: 0, correct: 0, formatted: 0 });
    t.n++;
    t.correct += s.correct;
    t.formatted += s.format;
  }
  const summary: EvaluationSummary = {
    policy: policy.id,
    n: scored.length,
    correct: scored.reduce((a, s) => a + s.correct, 0),
    formatted: scored.reduce((a, s) => a + s.format, 0),
    tasks: Object.fromEntries(Object.keys(tasks).sort().map((k) => [k, tasks[k]])),
    errors: result.predictions.filter((p) => p.error !== undefined).length,
    wallSec: (performance.now() - started) / 1000,
  };
  await writeJsonl(join(options.dir, 'predictions.jsonl'), scored);
  await writeFileAtomic(join(options.dir, 'scores.json'), JSON.stringify({ ...summary, benchmark: result.score }, null, 2) + '\n');
  return summary;
}

/** Reads the `predictions.jsonl` an evaluation wrote. */
export async function readScoredItems(dir: string): Promise<ScoredItem[]> {
  return readJsonlFile<ScoredItem>(join(dir, 'predictions.jsonl'));
}
