import { join } from 'node:path';
import { z } from 'zod';
import type { BenchItem, BenchMeta } from './benchmark.js';
import { BenchError } from './errors.js';
import { parseRow, readJsonFile, readJsonLines } from './io/json-files.js';
import { getBenchmark } from './registry.js';
import { type Prediction, type RunResult, scorePredictions } from './runner.js';

/** One slice of a benchmark run: items whose position `i` has `i % count === index`. */
export interface Shard {
  /** 0-based shard number, below `count`. */
  readonly index: number;
  readonly count: number;
}

/** Parses `K/N` (0 ≤ K < N), e.g. a Slurm array task id or a Kubernetes completion index over the number of shards. */
export function parseShard(spec: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  if (!m) throw new BenchError('BAD_ARGUMENT', `shard must look like K/N (e.g. 0/4), got "${spec}"`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw new BenchError('BAD_ARGUMENT', `shard ${spec}: K must be in 0…N−1 and N ≥ 1`);
  return { index, count };
}

/**
 * The items of one shard, with their positions in the full list: every `count`-th item starting
 * at `index`, so each shard gets a like mix of the benchmark and the slices are the same on
 * every machine. Without a shard, every item.
 */
export function shardItems<T>(items: readonly T[], shard?: Shard): { items: T[]; positions: number[] } {
  const positions: number[] = [];
  for (let i = 0; i < items.length; i++) if (!shard || i % shard.count === shard.index) positions.push(i);
  return { items: positions.map((i) => items[i]!), positions };
}

const output = z.object({ text: z.string(), finishReason: z.string() });

/** One line of a run folder's `predictions.jsonl`: the item's position and scorer data, and the model's outputs. */
export const predictionRecordSchema = z.object({
  benchmark: z.string().min(1),
  id: z.string(),
  /** Position of the item in the benchmark's full item list (after `--limit`). */
  position: z.number().int().nonnegative(),
  category: z.string(),
  gold: z.string(),
  /** The item's scorer data (JSON). */
  meta: z.record(z.string(), z.unknown()),
  extracted: z.string(),
  score: z.number(),
  outputs: z.array(output),
  error: z.string().optional(),
  cached: z.boolean(),
});
/** A parsed `predictions.jsonl` line. */
export type PredictionRecord = z.infer<typeof predictionRecordSchema>;

/** The `run.json` of a run folder: what was run, on how many items, and which shard. */
export const runManifestSchema = z.object({
  model: z.string(),
  cot: z.boolean(),
  sampling: z.object({ temperature: z.number(), topP: z.number(), maxTokens: z.number(), seed: z.number(), n: z.number() }),
  shard: z.object({ index: z.number().int().nonnegative(), count: z.number().int().positive() }).optional(),
  /** Per benchmark, in run order: items in the full benchmark (after `--limit`) and items in this folder. */
  benchmarks: z.array(z.object({ name: z.string(), total: z.number().int().nonnegative(), items: z.number().int().nonnegative() })),
});
/** A parsed `run.json`. */
export type RunManifest = z.infer<typeof runManifestSchema>;

/** The `predictions.jsonl` records of a run result; `positions[i]` is item `i`'s position in the full benchmark. */
export function predictionRecords(result: RunResult, items: readonly BenchItem[], positions: readonly number[]): PredictionRecord[] {
  return result.predictions.map((p, i) => ({
    benchmark: result.benchmark,
    id: p.id,
    position: positions[i]!,
    category: p.category,
    gold: p.gold,
    meta: items[i]!.meta as Record<string, unknown>,
    extracted: p.extracted,
    score: p.score,
    outputs: [...p.outputs],
    ...(p.error !== undefined ? { error: p.error } : {}),
    cached: p.cached,
  }));
}

async function readManifest(dir: string): Promise<RunManifest> {
  const file = join(dir, 'run.json');
  return parseRow(file, runManifestSchema, await readJsonFile(file), 1);
}

/** Reads a run folder's `predictions.jsonl`; a malformed line names the file and line. */
export async function readPredictionRecords(dir: string): Promise<PredictionRecord[]> {
  const file = join(dir, 'predictions.jsonl');
  const out: PredictionRecord[] = [];
  for await (const [line, value] of readJsonLines(file)) out.push(parseRow(file, predictionRecordSchema, value, line));
  return out;
}

function describeRun(m: RunManifest): string {
  return JSON.stringify({ model: m.model, cot: m.cot, sampling: m.sampling, benchmarks: m.benchmarks.map((b) => [b.name, b.total]), shards: m.shard?.count ?? 1 });
}

function ranges(values: readonly number[]): string {
  const shown = values.slice(0, 8).join(', ');
  return values.length > 8 ? `${shown} … (${values.length} in all)` : shown;
}

/**
 * Combines the run folders of the shards of one run into the result of the whole run: checks
 * that they ran the same model, settings and benchmarks, that every shard is there once and
 * that every item was answered, then scores all predictions together in item order — the same
 * scores a single unsharded run gives. Unsharded folders of the same run merge as well.
 */
export async function mergeRuns(dirs: readonly string[]): Promise<{ manifest: RunManifest; results: RunResult[]; records: PredictionRecord[] }> {
  if (dirs.length === 0) throw new BenchError('BAD_ARGUMENT', 'merge needs at least one run folder');
  const manifests = await Promise.all(dirs.map(readManifest));
  const first = manifests[0]!;
  manifests.forEach((m, i) => {
    if (describeRun(m) !== describeRun(first)) {
      throw new BenchError('BAD_ARGUMENT', `${dirs[i]} is not a shard of the same run as ${dirs[0]} (model, sampling, chain of thought, benchmarks, item counts and shard count must agree)`);
    }
  });
  const count = first.shard?.count ?? 1;
  const seen = new Map<number, string>();
  manifests.forEach((m, i) => {
    const k = m.shard?.index ?? 0;
    const twice = seen.get(k);
    if (twice !== undefined) throw new BenchError('BAD_ARGUMENT', `shard ${k}/${count} given twice: ${twice} and ${dirs[i]}`);
    seen.set(k, dirs[i]!);
  });
  const missingShards = Array.from({ length: count }, (_, k) => k).filter((k) => !seen.has(k));
  if (missingShards.length) throw new BenchError('BAD_ARGUMENT', `missing shard${missingShards.length > 1 ? 's' : ''} ${missingShards.map((k) => `${k}/${count}`).join(', ')}`);

  const all = (await Promise.all(dirs.map(readPredictionRecords))).flat();
  const results: RunResult[] = [];
  const records: PredictionRecord[] = [];
  for (const { name, total } of first.benchmarks) {
    const benchmark = getBenchmark(name);
    const byPosition = new Map<number, PredictionRecord>();
    for (const r of all) {
      if (r.benchmark !== name) continue;
      if (byPosition.has(r.position)) throw new BenchError('BAD_ARGUMENT', `${name}: item at position ${r.position} appears in two folders`);
      byPosition.set(r.position, r);
    }
    const missing = Array.from({ length: total }, (_, i) => i).filter((i) => !byPosition.has(i));
    if (missing.length) throw new BenchError('BAD_ARGUMENT', `${name}: no prediction for items at positions ${ranges(missing)}; finish those shards first`);
    const ordered = Array.from({ length: total }, (_, i) => byPosition.get(i)!);
    const items: BenchItem<BenchMeta>[] = ordered.map((r) => ({ id: r.id, prompt: '', images: async () => [], gold: r.gold, category: r.category, meta: r.meta }));
    const predictions: Prediction[] = ordered.map((r) => ({
      id: r.id,
      category: r.category,
      gold: r.gold,
      outputs: r.outputs,
      ...(r.error !== undefined ? { error: r.error } : {}),
      extracted: r.extracted,
      score: r.score,
      cached: r.cached,
    }));
    results.push({ benchmark: name, model: first.model, sampling: first.sampling, predictions, score: scorePredictions(benchmark, items, predictions, first.sampling.n) });
    records.push(...ordered);
  }
  const { shard: _shard, ...rest } = first;
  const manifest: RunManifest = { ...rest, benchmarks: first.benchmarks.map((b) => ({ ...b, items: b.total })) };
  return { manifest, results, records };
}
