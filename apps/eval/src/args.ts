import { join } from 'node:path';
import { BENCHMARKS, parseShard, type Shard } from '@spatial-ssrl/bench';
import { normalizePluginSpecifier } from '@spatial-ssrl/tasks';
import { z } from 'zod';
import type { ContaminationArgs } from './contamination-command.js';
import { defineCommand, UsageError } from '@spatial-ssrl/spec/node';
import { parseModelSpec, type ModelSpec } from './model-spec.js';

const benchmarkNames = Object.keys(BENCHMARKS);

const benchList = z
  .array(z.string())
  .superRefine((list, ctx) => {
    const unknown = list.filter((b) => !(b in BENCHMARKS));
    if (unknown.length) ctx.addIssue({ code: 'custom', message: `unknown benchmark ${unknown.join(', ')}; known: ${benchmarkNames.join(', ')}` });
  });

const modelSpec = z.string().transform((v, ctx) => {
  try {
    return parseModelSpec(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message.replace(/^--model /, '') });
    return z.NEVER;
  }
});

const shard = z.string().transform((v, ctx) => {
  try {
    return parseShard(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message.replace(/^shard /, '') });
    return z.NEVER;
  }
});

/** Loader options `run` and `contamination` share. */
const loadOptions = {
  limit: { type: 'int', value: 'N', min: 1, description: 'first N items of each benchmark' },
  frames: { type: 'int', value: 'N', min: 1, defaultText: '128', description: 'VSI-Bench frames per video' },
  'frames-dir': { type: 'string', value: 'DIR', description: 'VSI-Bench: folder of extracted frames' },
  'videos-dir': { type: 'string', value: 'DIR', description: 'VSI-Bench: folder of videos, frames extracted with ffmpeg' },
  'whatsup-subset': { type: 'enum', choices: ['A', 'B'], defaultText: 'A', description: "What'sUp subset" },
} as const;

/** The command line of `ssrl-eval run`. */
export const runCli = defineCommand({
  program: 'ssrl-eval',
  name: 'run',
  summary: 'evaluate a checkpoint or an OpenAI-compatible endpoint on benchmarks (resumable, shardable)',
  usage: 'ssrl-eval run --model <spec> --bench <name>[,<name>…] --data <path> | --data <name>=<path> … --out <dir> [options]',
  description: `Evaluates a model on benchmarks with their official scoring rules. --model is one of
  openai:<base-url>#<model-name>   e.g. openai:http://127.0.0.1:8000/v1#Qwen2.5-VL-7B-Instruct
  openai:<url>,<url>,…#<model-name> several servers of one model: each request goes to the
                                   live one with the fewest in flight; a dead one is retried later
  checkpoint:<dir>                 a local checkpoint, or a training run folder holding
                                   checkpoint/ (needs @spatial-ssrl/model)`,
  options: {
    model: { type: 'string', value: '<spec>', schema: modelSpec, required: true, description: 'the model: openai:<base-url>#<model-name> or checkpoint:<dir>' },
    bench: { type: 'list', value: '<names>', schema: benchList, required: true, description: `comma-separated: ${benchmarkNames.join(', ')}` },
    data: {
      type: 'string',
      value: '<path>',
      repeatable: true,
      required: true,
      description: 'one path when one benchmark is run, else one --data <name>=<path> per benchmark',
    },
    out: { type: 'string', value: '<dir>', required: true, description: 'run folder: cache.jsonl (resumable), predictions.jsonl, scores.json, report.md' },
    temperature: { type: 'number', value: 'T', min: 0, default: 0, description: 'sampling temperature' },
    'top-p': { type: 'number', value: 'P', min: 0, exclusiveMin: true, max: 1, default: 1, description: 'nucleus size' },
    'max-tokens': { type: 'int', value: 'N', min: 1, default: 2048, description: 'response length limit' },
    seed: { type: 'int', value: 'S', min: 0, default: 0, description: 'sampling seed' },
    n: { type: 'int', value: 'N', min: 1, default: 1, description: 'samples per item' },
    concurrency: { type: 'int', value: 'N', min: 1, default: 8, description: 'requests in flight, per server' },
    'timeout-ms': { type: 'int', value: 'MS', min: 1, default: 120_000, description: 'per-request time limit' },
    'max-retries': { type: 'int', value: 'N', min: 0, default: 5, description: 'retries of a failed request' },
    'api-key': { type: 'string', value: 'KEY', defaultText: '$OPENAI_API_KEY', description: 'API key of the server' },
    shard: { type: 'string', value: 'K/N', schema: shard, description: 'evaluate items i with i % N = K (K in 0…N−1), e.g. one Slurm array task; then merge' },
    'no-n': { type: 'boolean', description: 'the server does not support n > 1: send one request per sample' },
    'image-format': { type: 'enum', choices: ['original', 'png', 'jpeg'], default: 'original', description: 'image encoding sent; images are never resized by the client' },
    'no-cot': { type: 'boolean', description: 'official direct-answer prompts instead of the chain-of-thought suffix' },
    ...loadOptions,
    'shuffle-seed': { type: 'int', value: 'N', min: 0, description: "What'sUp: shuffle options, track the answer" },
    'no-resize': { type: 'boolean', description: 'ViewSpatial-Bench: keep original image sizes instead of the official 420×280' },
    plugin: {
      type: 'string',
      value: '<module>',
      repeatable: true,
      description: 'task plugin (as for ssrl-train generate): ssrl-tasks reports\nthe chance level of its tasks too',
    },
  },
  epilog: `Examples:
  ssrl-eval run --model openai:http://127.0.0.1:8000/v1#Qwen2.5-VL-7B-Instruct --bench whatsup --data data/whatsup --out runs/eval
  ssrl-eval run --model checkpoint:runs/sft --bench ssrl-tasks --data runs/sft-data --out runs/sft-eval`,
});

/** The command line of `ssrl-eval merge`. */
export const mergeCli = defineCommand({
  program: 'ssrl-eval',
  name: 'merge',
  summary: 'combine the shards of one run: the scores of a single run',
  usage: 'ssrl-eval merge <shard-dir>… --out <dir>',
  positionals: [{ name: 'runs', description: 'run folders of the shards', required: true, variadic: true }],
  options: { out: { type: 'string', value: '<dir>', required: true, description: 'the combined run folder' } },
});

/** The command line of `ssrl-eval compare`. */
export const compareCli = defineCommand({
  program: 'ssrl-eval',
  name: 'compare',
  summary: 'compare run folders: Markdown tables and a figure with 95 % intervals',
  usage: 'ssrl-eval compare <run-dir> <run-dir>… [--out compare.md] [--figure compare]',
  description: `Tables in Markdown; with --out (or --figure) also a figure, compare.svg and
compare.png: every benchmark and category, each run's score with its 95 % interval.`,
  positionals: [{ name: 'runs', description: 'run folders', required: true, variadic: true }],
  options: {
    out: { type: 'string', value: 'FILE', defaultText: 'stdout', description: 'Markdown file to write' },
    figure: { type: 'string', value: 'PATH', defaultText: '--out without its extension', description: 'figure path, without .svg/.png' },
  },
});

/** The command line of `ssrl-eval contamination`. */
export const contaminationCli = defineCommand({
  program: 'ssrl-eval',
  name: 'contamination',
  summary: "find a benchmark's images among a dataset's source images (near-duplicates)",
  usage: 'ssrl-eval contamination --data <dataset-dir> --bench <name> --bench-data <path> [--out <dir>]',
  description: `Every source image of a dataset against every image of a benchmark: resized,
re-encoded, flipped, turned and cropped copies are found by a perceptual hash and
local features, each confirmed pixel by pixel; writes contamination.md,
near-duplicates.jsonl, near-duplicates.png (contact sheet) and reference-set.jsonl
(reused by a later run, and by ssrl-train generate --exclude-near <dir>).`,
  options: {
    data: { type: 'string', value: '<dataset-dir>', required: true, description: 'dataset whose source images are checked' },
    bench: { type: 'string', value: '<name>', schema: z.string().transform((b) => [b]).pipe(benchList).transform(([b]) => b!), required: true, description: `one of ${benchmarkNames.join(', ')}` },
    'bench-data': { type: 'string', value: '<path>', required: true, description: "the benchmark's data" },
    out: { type: 'string', value: '<dir>', defaultText: '<dataset-dir>/contamination-<name>', description: 'report folder' },
    'sheet-limit': { type: 'int', value: 'N', min: 1, default: 48, description: 'most pairs drawn on the contact sheet' },
    ...loadOptions,
  },
});

/** A validated `run` command. */
export interface RunArgs {
  readonly model: ModelSpec;
  readonly benches: readonly string[];
  readonly data: ReadonlyMap<string, string>;
  readonly out: string;
  readonly sampling: { temperature: number; topP: number; maxTokens: number; seed: number; n: number };
  readonly client: { apiKey?: string; concurrency: number; timeoutMs: number; maxRetries: number; supportsN: boolean; imageFormat: 'original' | 'png' | 'jpeg' };
  readonly cot: boolean;
  readonly shard?: Shard;
  /** Task plugin modules (import specifiers: paths become file URLs) whose tasks the chance levels may name. */
  readonly plugins: readonly string[];
  readonly load: {
    limit?: number;
    frames?: number;
    framesDir?: string;
    videosDir?: string;
    subset?: 'A' | 'B';
    shuffleSeed?: number;
    resize: boolean;
  };
}

interface SharedLoadValues {
  readonly limit?: number;
  readonly frames?: number;
  readonly 'frames-dir'?: string;
  readonly 'videos-dir'?: string;
  readonly 'whatsup-subset'?: 'A' | 'B';
}

/** The loader settings `run` and `contamination` read from the same flags. */
function sharedLoadOptions(v: SharedLoadValues): { limit?: number; frames?: number; framesDir?: string; videosDir?: string; subset?: 'A' | 'B' } {
  return {
    ...(v.limit !== undefined ? { limit: v.limit } : {}),
    ...(v.frames !== undefined ? { frames: v.frames } : {}),
    ...(v['frames-dir'] !== undefined ? { framesDir: v['frames-dir'] } : {}),
    ...(v['videos-dir'] !== undefined ? { videosDir: v['videos-dir'] } : {}),
    ...(v['whatsup-subset'] !== undefined ? { subset: v['whatsup-subset'] } : {}),
  };
}

/** Parses the arguments after `run`. */
export function parseRunArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): RunArgs {
  const v = runCli.parse(argv);
  const data = new Map<string, string>();
  for (const d of v.data) {
    const eq = d.indexOf('=');
    const name = eq > 0 ? d.slice(0, eq) : '';
    if (name && name in BENCHMARKS) {
      if (!v.bench.includes(name)) throw new UsageError(`--data ${d}: ${name} is not in --bench ${v.bench.join(',')}`);
      data.set(name, d.slice(eq + 1));
    } else if (v.bench.length === 1 && v.data.length === 1) {
      data.set(v.bench[0]!, d);
    } else {
      throw new UsageError(`--data ${d}: with several benchmarks, give one --data <name>=<path> per benchmark`);
    }
  }
  const missing = v.bench.filter((b) => !data.has(b));
  if (missing.length) throw new UsageError(`no --data for ${missing.join(', ')} (use --data ${missing[0]}=<path>)`);
  const apiKey = v['api-key'] ?? env['OPENAI_API_KEY'];
  return {
    model: v.model,
    benches: v.bench,
    data,
    out: v.out,
    sampling: { temperature: v.temperature, topP: v['top-p'], maxTokens: v['max-tokens'], seed: v.seed, n: v.n },
    client: {
      ...(apiKey ? { apiKey } : {}),
      concurrency: v.concurrency,
      timeoutMs: v['timeout-ms'],
      maxRetries: v['max-retries'],
      supportsN: !v['no-n'],
      imageFormat: v['image-format'],
    },
    cot: !v['no-cot'],
    ...(v.shard ? { shard: v.shard } : {}),
    plugins: v.plugin.map((p) => normalizePluginSpecifier(p)),
    load: {
      ...sharedLoadOptions(v),
      ...(v['shuffle-seed'] !== undefined ? { shuffleSeed: v['shuffle-seed'] } : {}),
      resize: !v['no-resize'],
    },
  };
}

/** Parses the arguments after `compare`. */
export function parseCompareArgs(argv: readonly string[]): { runs: string[]; out?: string; figure?: string } {
  const { runs, out, figure } = compareCli.parse(argv);
  const stem = figure?.replace(/\.(svg|png)$/i, '');
  return { runs, ...(out ? { out } : {}), ...(stem ? { figure: stem } : {}) };
}

/** Parses the arguments after `merge`. */
export function parseMergeArgs(argv: readonly string[]): { runs: string[]; out: string } {
  const { runs, out } = mergeCli.parse(argv);
  return { runs, out };
}

/** Parses the arguments after `contamination`. */
export function parseContaminationArgs(argv: readonly string[]): ContaminationArgs {
  const v = contaminationCli.parse(argv);
  return {
    data: v.data,
    bench: v.bench,
    benchData: v['bench-data'],
    out: v.out ?? join(v.data, `contamination-${v.bench}`),
    sheetLimit: v['sheet-limit'],
    load: sharedLoadOptions(v),
  };
}
