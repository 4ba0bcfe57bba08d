import { join } from 'node:path';
import {
  type BenchScore,
  loadBenchmark,
  markdownTable,
  PAPER_TABLE,
  PAPER_TABLE_SOURCE,
  PredictionCache,
  type PredictionRecord,
  predictionRecords,
  type RunManifest,
  type RunResult,
  type RunSummary,
  runBenchmark,
  shardItems,
  summaryRow,
} from '@spatial-ssrl/bench';
import { readDatasetManifest, writeFileAtomic } from '@spatial-ssrl/spec/node';
import { chanceByTask, defaultRegistry, loadTaskPlugin, type TaskChance, type TaskRegistry } from '@spatial-ssrl/tasks';
import type { RunArgs } from './args.js';
import { createPolicy } from './model-spec.js';
import { progressReporter } from './progress.js';

function fmt(v: number): string {
  return v.toFixed(2);
}

/** Chance level per task of each benchmark of task samples, by benchmark name. */
type ChanceLevels = ReadonlyMap<string, Readonly<Record<string, TaskChance>>>;

/** The `report.md` of a run: paper-layout table, the paper's reference rows, then each benchmark's rules, variants and (for task samples) chance levels by task. */
function renderReport(summary: RunSummary, results: readonly RunResult[], manifest?: RunManifest, chance: ChanceLevels = new Map()): string {
  let md = `# ssrl-eval run: ${summary.model}\n\n`;
  if (manifest?.shard) {
    md += `Shard ${manifest.shard.index}/${manifest.shard.count}: ${manifest.benchmarks.map((b) => `${b.name} ${b.items} of ${b.total} items`).join(', ')}. These scores cover this shard only; \`ssrl-eval merge\` combines the shards.\n\n`;
  }
  md += `Sampling: temperature ${summary.sampling.temperature}, top-p ${summary.sampling.topP}, max tokens ${summary.sampling.maxTokens}, seed ${summary.sampling.seed}, n ${summary.sampling.n}; chain of thought: ${summary.cot ? 'yes' : 'no'}.\n\n`;
  md += markdownTable([summaryRow(summary)]);
  md += `\nReference (${PAPER_TABLE_SOURCE}):\n\n${markdownTable(PAPER_TABLE)}`;
  for (const r of results) {
    const s: BenchScore = r.score;
    md += `\n## ${r.benchmark}\n\n${fmt(s.headline)} — ${s.rule}. ${s.n} items, ${s.errors} failed generations.\n\n`;
    const cats = Object.entries(s.categories);
    const levels = chance.get(r.benchmark);
    if (cats.length && levels) {
      md += `| category | score | chance |\n|---|---|---|\n${cats.map(([k, v]) => `| ${k} | ${fmt(v)} | ${levels[k] ? fmt(levels[k]!.chance * 100) : '–'} |`).join('\n')}\n`;
    } else if (cats.length) md += `| category | score |\n|---|---|\n${cats.map(([k, v]) => `| ${k} | ${fmt(v)} |`).join('\n')}\n`;
    const variants = Object.entries(s.variants).filter(([, v]) => v !== undefined);
    if (variants.length) md += `\n| variant | score | rule |\n|---|---|---|\n${variants.map(([k, v]) => `| ${k} | ${fmt(v!.headline)} | ${v!.label} |`).join('\n')}\n`;
    for (const n of s.notes ?? []) md += `\nNote: ${n}\n`;
  }
  return md;
}

/** Writes a run folder atomically: `predictions.jsonl`, `scores.json`, `report.md` and `run.json`. */
export async function writeRunFolder(
  out: string,
  summary: RunSummary,
  results: readonly RunResult[],
  records: readonly PredictionRecord[],
  manifest: RunManifest,
  chance: ChanceLevels = new Map(),
): Promise<void> {
  const lines = records.map((r) => JSON.stringify(r));
  await writeFileAtomic(join(out, 'predictions.jsonl'), lines.join('\n') + (lines.length ? '\n' : ''));
  await writeFileAtomic(join(out, 'scores.json'), JSON.stringify(summary, null, 2) + '\n');
  await writeFileAtomic(join(out, 'report.md'), renderReport(summary, results, manifest, chance));
  await writeFileAtomic(join(out, 'run.json'), JSON.stringify(manifest, null, 2) + '\n');
}

/** The `scores.json` summary of run results. */
export function runSummary(model: string, cot: boolean, sampling: RunSummary['sampling'], results: readonly RunResult[]): RunSummary {
  return { model, cot, sampling, benchmarks: Object.fromEntries(results.map((r) => [r.benchmark, r.score as RunSummary['benchmarks'][string]])) };
}

/** Runs every requested benchmark (the shard's items only with `--shard`), resuming from `<out>/cache.jsonl`, and writes the run folder. */
export async function runCommand(args: RunArgs, io: { stderr: NodeJS.WriteStream; signal: AbortSignal }): Promise<RunSummary> {
  const policy = await createPolicy(args.model, args.client);
  const cache = await PredictionCache.open(join(args.out, 'cache.jsonl'));
  const progress = progressReporter(io.stderr);
  const results: RunResult[] = [];
  const records: PredictionRecord[] = [];
  const counts: RunManifest['benchmarks'] = [];
  const chance = new Map<string, Record<string, TaskChance>>();
  let registry: TaskRegistry | undefined;
  try {
    for (const name of args.benches) {
      const loaded = await loadBenchmark(name, args.data.get(name)!, { ...args.load, cot: args.cot });
      const { benchmark } = loaded;
      const { items, positions } = shardItems(loaded.items, args.shard);
      const part = args.shard ? ` (shard ${args.shard.index}/${args.shard.count}: ${items.length} of ${loaded.items.length})` : '';
      io.stderr.write(`${benchmark.title}: ${loaded.items.length} items from ${args.data.get(name)}${part}\n`);
      const result = await runBenchmark({
        policy,
        benchmark,
        items,
        sampling: args.sampling,
        cache,
        signal: io.signal,
        onProgress: (p) => progress.update(p),
      });
      progress.end();
      results.push(result);
      records.push(...predictionRecords(result, items, positions));
      counts.push({ name, total: loaded.items.length, items: items.length });
      // Samples of pretext tasks: their chance levels, from the params the dataset recorded.
      if (items.length > 0 && items.every((it) => it.task !== undefined)) {
        const dataset = await readDatasetManifest(args.data.get(name)!).catch(() => undefined);
        if (dataset) {
          if (!registry) {
            registry = defaultRegistry();
            for (const plugin of args.plugins) await loadTaskPlugin(registry, plugin);
          }
          chance.set(result.benchmark, chanceByTask(registry, dataset.config.tasks, items.map((it) => ({ task: it.task!, ...(it.variant !== undefined ? { variant: it.variant } : {}) }))));
        }
      }
      io.stderr.write(`${benchmark.title}: ${fmt(result.score.headline)} (${result.score.rule})\n`);
      const failed = result.predictions.filter((p) => p.error !== undefined);
      if (failed.length) io.stderr.write(`${benchmark.title}: ${failed.length} items failed and count as wrong; first: ${failed[0]!.id}: ${failed[0]!.error}\n`);
    }
  } finally {
    progress.end();
    cache.close();
  }
  const summary = runSummary(policy.id, args.cot, args.sampling, results);
  const manifest: RunManifest = { model: policy.id, cot: args.cot, sampling: args.sampling, ...(args.shard ? { shard: args.shard } : {}), benchmarks: counts };
  await writeRunFolder(args.out, summary, results, records, manifest, chance);
  return summary;
}
