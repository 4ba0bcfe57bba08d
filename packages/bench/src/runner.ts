import type { BenchItem, Benchmark, BenchScore, ScoreVariant } from './benchmark.js';
import { type CacheKey, type PredictionCache, promptHash, samplingHash } from './cache.js';
import { BenchError } from './errors.js';
import { assertPolicy, type Policy, type PolicyCompletion, type PolicyOutput, type PolicyRequest, type SamplingParams, policyError } from '@spatial-ssrl/spec';

/** One item's result in a run. */
export interface Prediction {
  readonly id: string;
  readonly category: string;
  readonly gold: string;
  readonly outputs: readonly PolicyOutput[];
  readonly error?: string;
  /** The answer the headline rule read from the first output. */
  readonly extracted: string;
  /** The headline rule's score of the first output, 0-1. */
  readonly score: number;
  /** Whether the answer came from the cache. */
  readonly cached: boolean;
}

/** Progress of a run, reported after every finished item. */
export interface RunProgress {
  readonly benchmark: string;
  readonly total: number;
  /** Items finished (cached ones included). */
  readonly done: number;
  readonly cached: number;
  readonly errors: number;
  /** Sum of per-item scores of finished items (running accuracy = scoreSum / done). */
  readonly scoreSum: number;
  readonly elapsedMs: number;
}

/** Input of {@link runBenchmark}. */
export interface RunBenchmarkOptions {
  readonly policy: Policy;
  readonly benchmark: Benchmark;
  readonly items: readonly BenchItem[];
  readonly sampling: SamplingParams;
  readonly cache?: PredictionCache;
  readonly onProgress?: (p: RunProgress) => void;
  readonly signal?: AbortSignal;
  /** Items per `policy.generate` call (default 8). */
  readonly batchSize?: number;
  /** Items whose images are loaded and handed to the policy at once (default 64). */
  readonly maxInFlight?: number;
}

/** Output of {@link runBenchmark}. */
export interface RunResult {
  readonly benchmark: string;
  readonly model: string;
  readonly sampling: SamplingParams;
  readonly predictions: readonly Prediction[];
  readonly score: BenchScore;
}

/** Cache key of one item under a policy and sampling settings. */
function cacheKeyFor(policy: Policy, benchmark: Benchmark, item: BenchItem, sampling: SamplingParams): CacheKey {
  return { model: policy.id, benchmark: benchmark.name, item: item.id, sampling: samplingHash(sampling), prompt: promptHash(item.prompt) };
}

/**
 * Runs a policy over a benchmark's items and scores the answers. Cached items are not asked
 * again; every finished item is written to the cache at once (final errors included, transient
 * ones and image-loading failures not), so an aborted run loses nothing it finished. Rejects
 * with the abort reason when `signal` aborts; throws `PolicyContractError` for a policy written for
 * another `specificationVersion`.
 */
export async function runBenchmark(options: RunBenchmarkOptions): Promise<RunResult> {
  const { benchmark, items, sampling, cache, onProgress, signal } = options;
  const policy = assertPolicy(options.policy);
  const batchSize = options.batchSize ?? 8;
  const maxInFlight = Math.max(batchSize, options.maxInFlight ?? 64);
  const seen = new Set<string>();
  for (const it of items) {
    if (seen.has(it.id)) throw new BenchError('BAD_ARGUMENT', `${benchmark.name}: duplicate item id "${it.id}"`);
    seen.add(it.id);
  }
  const started = Date.now();
  const results = new Map<string, { completion: PolicyCompletion; cached: boolean }>();
  let done = 0;
  let cachedCount = 0;
  let errors = 0;
  let scoreSum = 0;
  const byId = new Map(items.map((it) => [it.id, it] as const));

  const finish = (item: BenchItem, completion: PolicyCompletion, cached: boolean) => {
    if (results.has(item.id)) return;
    results.set(item.id, { completion, cached });
    if (!cached) cache?.record(cacheKeyFor(policy, benchmark, item, sampling), completion);
    done++;
    if (cached) cachedCount++;
    if (completion.error !== undefined) errors++;
    scoreSum += benchmark.judge(item, completion.error !== undefined ? null : (completion.outputs[0]?.text ?? null)).score;
    onProgress?.({ benchmark: benchmark.name, total: items.length, done, cached: cachedCount, errors, scoreSum, elapsedMs: Date.now() - started });
  };

  const pending: BenchItem[] = [];
  for (const it of items) {
    const hit = cache?.get(cacheKeyFor(policy, benchmark, it, sampling));
    if (hit) finish(it, { id: it.id, outputs: hit.outputs, ...(hit.error !== undefined ? { error: hit.error } : {}) }, true);
    else pending.push(it);
  }

  const batches: BenchItem[][] = [];
  for (let i = 0; i < pending.length; i += batchSize) batches.push(pending.slice(i, i + batchSize));
  let nextBatch = 0;

  async function runBatch(batch: BenchItem[]): Promise<void> {
    const requests: PolicyRequest[] = [];
    for (const item of batch) {
      try {
        const images = await item.images();
        requests.push({
          id: item.id,
          prompt: item.prompt,
          images,
          ...(item.task !== undefined ? { task: item.task } : {}),
          ...(item.variant !== undefined ? { variant: item.variant } : {}),
        });
      } catch (err) {
        signal?.throwIfAborted();
        // Missing or unreadable images are a problem of the data folder, not of the model: not
        // cached, so a re-run after fixing the folder asks again.
        finish(item, { id: item.id, outputs: [], error: policyError('transient', `cannot load images: ${(err as Error).message}`) }, false);
      }
    }
    if (requests.length === 0) return;
    signal?.throwIfAborted();
    const onResult = (c: PolicyCompletion) => {
      const item = byId.get(c.id);
      if (item) finish(item, c, false);
    };
    const returned = await policy.generate(requests, sampling, { ...(signal ? { signal } : {}), onResult });
    for (const c of returned) onResult(c);
    for (const r of requests) {
      if (!results.has(r.id)) finish(byId.get(r.id)!, { id: r.id, outputs: [], error: policyError('transient', 'policy returned no completion for this item') }, false);
    }
  }

  async function worker(): Promise<void> {
    while (nextBatch < batches.length) {
      signal?.throwIfAborted();
      await runBatch(batches[nextBatch++]!);
    }
  }

  const workers = Array.from({ length: Math.min(batches.length, Math.ceil(maxInFlight / batchSize)) }, worker);
  const settled = await Promise.allSettled(workers);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw signal?.aborted ? signal.reason : failed.reason;

  const predictions: Prediction[] = items.map((item) => {
    const { completion, cached } = results.get(item.id)!;
    const text = completion.error !== undefined ? null : (completion.outputs[0]?.text ?? null);
    const j = benchmark.judge(item, text);
    return {
      id: item.id,
      category: item.category,
      gold: item.gold,
      outputs: completion.outputs,
      ...(completion.error !== undefined ? { error: completion.error } : {}),
      extracted: j.extracted,
      score: j.score,
      cached,
    };
  });
  return { benchmark: benchmark.name, model: policy.id, sampling, predictions, score: scorePredictions(benchmark, items, predictions, sampling.n) };
}

/**
 * Scores predictions with the benchmark's rules on each item's first output; with several
 * samples per item, adds `meanOverSamples` (the headline rule averaged over samples 1…n).
 */
export function scorePredictions(benchmark: Benchmark, items: readonly BenchItem[], predictions: readonly Prediction[], n = 1): BenchScore {
  const textOf = (p: Prediction, k: number) => (p.error !== undefined ? null : (p.outputs[k]?.text ?? null));
  const first = benchmark.score(
    items,
    predictions.map((p) => textOf(p, 0)),
  );
  if (n <= 1) return first;
  const perSample = Array.from({ length: n }, (_, k) =>
    benchmark.score(
      items,
      predictions.map((p) => textOf(p, k)),
    ),
  );
  const mean: ScoreVariant = {
    label: `headline rule averaged over ${n} samples per item`,
    headline: perSample.reduce((a, s) => a + s.headline, 0) / n,
    categories: Object.fromEntries(Object.keys(first.categories).map((c) => [c, perSample.reduce((a, s) => a + (s.categories[c] ?? 0), 0) / n])),
  };
  return { ...first, variants: { ...first.variants, meanOverSamples: mean } };
}
