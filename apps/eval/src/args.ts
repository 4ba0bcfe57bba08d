import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCHMARKS, parseShard, type Shard } from '@spatial-ssrl/bench';
import { normalizePluginSpecifier } from '@spatial-ssrl/tasks';
import { z } from 'zod';
import type { ContaminationArgs } from './contamination-command.js';
import { parseModelSpec, type ModelSpec, UsageError } from './model-spec.js';

/** Usage text of the CLI. */
export const USAGE = `ssrl-eval — evaluate a checkpoint or an OpenAI-compatible endpoint on spatial benchmarks

ssrl-eval run --model <spec> --bench <name>[,<name>…] --data <path> | --data <name>=<path> … --out <dir> [options]
  --model openai:<base-url>#<model-name>   e.g. openai:http://127.0.0.1:8000/v1#Qwen2.5-VL-7B-Instruct
          openai:<url>,<url>,…#<model-name> several servers of one model: each request goes to the
                                           live one with the fewest in flight; a dead one is retried later
          checkpoint:<dir>                 a local checkpoint, or a training run folder holding
                                           checkpoint/ (needs @spatial-ssrl/model)
  --bench       comma-separated: ${Object.keys(BENCHMARKS).join(', ')}
  --data        one path when one benchmark is run, else one --data <name>=<path> per benchmark
  --out         run folder: cache.jsonl (resumable), predictions.jsonl, scores.json, report.md
  --temperature (0)  --top-p (1)  --max-tokens (2048)  --seed (0)  --n (1)
  --concurrency (8, per server)  --timeout-ms (120000)  --max-retries (5)  --api-key (or OPENAI_API_KEY)
  --shard K/N   evaluate items i with i % N = K (K in 0…N−1), e.g. one Slurm array task; then merge
  --no-n        the server does not support n > 1: send one request per sample
  --image-format original|png|jpeg (original; images are never resized by the client)
  --limit N     first N items of each benchmark
  --no-cot      official direct-answer prompts instead of the chain-of-thought suffix
  --frames N    VSI-Bench frames per video (128)   --frames-dir <dir>   --videos-dir <dir> (needs ffmpeg)
  --whatsup-subset A|B (A)   --shuffle-seed N (What'sUp: shuffle options, track the answer)
  --no-resize   ViewSpatial-Bench: keep original image sizes instead of the official 420×280
  --plugin <module>  task plugin (as for ssrl-train generate), repeatable: ssrl-tasks reports
                the chance level of its tasks too

ssrl-eval generate-bench --bench synth-spatial|synth-general --count N --out DIR
              a synthetic benchmark from the scene renderer (ssrl-eval generate-bench --help)

ssrl-eval merge <shard-dir>… --out <dir>   combine the shards of one run: the scores of a single run
ssrl-eval compare <run-dir> <run-dir>… [--out compare.md] [--figure compare]
              tables in Markdown; with --out (or --figure) also a figure, compare.svg and
              compare.png: every benchmark and category, each run's score with its 95 % interval
ssrl-eval contamination --data <dataset-dir> --bench <name> --bench-data <path> [--out <dir>]
              every source image of a dataset against every image of a benchmark: resized,
              re-encoded, flipped, turned and cropped copies are found by a perceptual hash and
              local features, each confirmed pixel by pixel; writes contamination.md,
              near-duplicates.jsonl, near-duplicates.png (contact sheet) and reference-set.jsonl
              (reused by a later run, and by ssrl-train generate --exclude-near <dir>)
              --out (default <dataset-dir>/contamination-<name>)  --limit N  --sheet-limit N (48)
              --frames-dir/--videos-dir/--frames/--whatsup-subset as for run
ssrl-eval list    known benchmarks`;

const int = (name: string, min: number) =>
  z
    .string()
    .regex(/^-?\d+$/, `--${name} must be an integer`)
    .transform(Number)
    .refine((v) => v >= min, `--${name} must be ≥ ${min}`);
const num = (name: string) =>
  z
    .string()
    .refine((v) => v.trim() !== '' && Number.isFinite(Number(v)), `--${name} must be a number`)
    .transform(Number);

const runSchema = z.object({
  model: z.string({ error: '--model is required' }).transform((v, ctx) => {
    try {
      return parseModelSpec(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  }),
  bench: z
    .string({ error: '--bench is required' })
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .refine((list) => list.length > 0, '--bench needs at least one benchmark name')
    .superRefine((list, ctx) => {
      const unknown = list.filter((b) => !(b in BENCHMARKS));
      if (unknown.length) ctx.addIssue({ code: 'custom', message: `unknown benchmark ${unknown.join(', ')} in --bench; known: ${Object.keys(BENCHMARKS).join(', ')}` });
    }),
  data: z.array(z.string()).min(1, '--data is required'),
  out: z.string({ error: '--out is required' }).min(1),
  temperature: num('temperature').default(0).refine((v) => v >= 0, '--temperature must be ≥ 0'),
  'top-p': num('top-p').default(1).refine((v) => v > 0 && v <= 1, '--top-p must be in (0, 1]'),
  'max-tokens': int('max-tokens', 1).default(2048),
  seed: int('seed', 0).default(0),
  n: int('n', 1).default(1),
  concurrency: int('concurrency', 1).default(8),
  'timeout-ms': int('timeout-ms', 1).default(120_000),
  'max-retries': int('max-retries', 0).default(5),
  'api-key': z.string().optional(),
  'no-n': z.boolean().default(false),
  'image-format': z.enum(['original', 'png', 'jpeg']).default('original'),
  limit: int('limit', 1).optional(),
  'no-cot': z.boolean().default(false),
  frames: int('frames', 1).optional(),
  'frames-dir': z.string().optional(),
  'videos-dir': z.string().optional(),
  'whatsup-subset': z.enum(['A', 'B']).optional(),
  'shuffle-seed': int('shuffle-seed', 0).optional(),
  'no-resize': z.boolean().default(false),
  shard: z
    .string()
    .transform((v, ctx) => {
      try {
        return parseShard(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `--shard ${(err as Error).message.replace(/^shard /, '')}` });
        return z.NEVER;
      }
    })
    .optional(),
  plugin: z.array(z.string().min(1)).default([]),
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

function firstIssue(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'invalid arguments';
}

/** Parses the arguments after `run`. */
export function parseRunArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): RunArgs {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        model: { type: 'string' },
        bench: { type: 'string' },
        data: { type: 'string', multiple: true },
        out: { type: 'string' },
        temperature: { type: 'string' },
        'top-p': { type: 'string' },
        'max-tokens': { type: 'string' },
        seed: { type: 'string' },
        n: { type: 'string' },
        concurrency: { type: 'string' },
        'timeout-ms': { type: 'string' },
        'max-retries': { type: 'string' },
        'api-key': { type: 'string' },
        'no-n': { type: 'boolean' },
        'image-format': { type: 'string' },
        limit: { type: 'string' },
        'no-cot': { type: 'boolean' },
        frames: { type: 'string' },
        'frames-dir': { type: 'string' },
        'videos-dir': { type: 'string' },
        'whatsup-subset': { type: 'string' },
        'shuffle-seed': { type: 'string' },
        'no-resize': { type: 'boolean' },
        shard: { type: 'string' },
        plugin: { type: 'string', multiple: true },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const r = runSchema.safeParse(values);
  if (!r.success) throw new UsageError(firstIssue(r.error));
  const v = r.data;
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
      ...(v.limit !== undefined ? { limit: v.limit } : {}),
      ...(v.frames !== undefined ? { frames: v.frames } : {}),
      ...(v['frames-dir'] !== undefined ? { framesDir: v['frames-dir'] } : {}),
      ...(v['videos-dir'] !== undefined ? { videosDir: v['videos-dir'] } : {}),
      ...(v['whatsup-subset'] !== undefined ? { subset: v['whatsup-subset'] } : {}),
      ...(v['shuffle-seed'] !== undefined ? { shuffleSeed: v['shuffle-seed'] } : {}),
      resize: !v['no-resize'],
    },
  };
}

/** Parses the arguments after `compare`. */
export function parseCompareArgs(argv: readonly string[]): { runs: string[]; out?: string; figure?: string } {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], strict: true, allowPositionals: true, options: { out: { type: 'string' }, figure: { type: 'string' } } });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (parsed.positionals.length === 0) throw new UsageError('compare needs at least one run folder');
  const figure = parsed.values.figure?.replace(/\.(svg|png)$/i, '');
  return { runs: parsed.positionals, ...(parsed.values.out ? { out: parsed.values.out } : {}), ...(figure ? { figure } : {}) };
}

/** Parses the arguments after `merge`. */
export function parseMergeArgs(argv: readonly string[]): { runs: string[]; out: string } {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], strict: true, allowPositionals: true, options: { out: { type: 'string' } } });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (parsed.positionals.length === 0) throw new UsageError('merge needs the run folders of the shards');
  if (!parsed.values.out) throw new UsageError('merge needs --out <dir> for the combined run folder');
  return { runs: parsed.positionals, out: parsed.values.out };
}

const contaminationSchema = z.object({
  data: z.string({ error: '--data <dataset-dir> is required' }).min(1),
  bench: z
    .string({ error: '--bench <name> is required' })
    .superRefine((b, ctx) => {
      if (!(b in BENCHMARKS)) ctx.addIssue({ code: 'custom', message: `unknown benchmark ${b} in --bench; known: ${Object.keys(BENCHMARKS).join(', ')}` });
    }),
  'bench-data': z.string({ error: '--bench-data <path> is required' }).min(1),
  out: z.string().min(1).optional(),
  limit: int('limit', 1).optional(),
  'sheet-limit': int('sheet-limit', 1).default(48),
  frames: int('frames', 1).optional(),
  'frames-dir': z.string().optional(),
  'videos-dir': z.string().optional(),
  'whatsup-subset': z.enum(['A', 'B']).optional(),
});

/** Parses the arguments after `contamination`. */
export function parseContaminationArgs(argv: readonly string[]): ContaminationArgs {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        data: { type: 'string' },
        bench: { type: 'string' },
        'bench-data': { type: 'string' },
        out: { type: 'string' },
        limit: { type: 'string' },
        'sheet-limit': { type: 'string' },
        frames: { type: 'string' },
        'frames-dir': { type: 'string' },
        'videos-dir': { type: 'string' },
        'whatsup-subset': { type: 'string' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const r = contaminationSchema.safeParse(values);
  if (!r.success) throw new UsageError(firstIssue(r.error));
  const v = r.data;
  return {
    data: v.data,
    bench: v.bench,
    benchData: v['bench-data'],
    out: v.out ?? join(v.data, `contamination-${v.bench}`),
    sheetLimit: v['sheet-limit'],
    load: {
      ...(v.limit !== undefined ? { limit: v.limit } : {}),
      ...(v.frames !== undefined ? { frames: v.frames } : {}),
      ...(v['frames-dir'] !== undefined ? { framesDir: v['frames-dir'] } : {}),
      ...(v['videos-dir'] !== undefined ? { videosDir: v['videos-dir'] } : {}),
      ...(v['whatsup-subset'] !== undefined ? { subset: v['whatsup-subset'] } : {}),
    },
  };
}
