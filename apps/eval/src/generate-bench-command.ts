import { parseArgs } from 'node:util';
import { SYNTH_BENCHES, SYNTH_DEFAULTS, writeSynthBenchmark, type SynthProgress, type WriteSynthResult } from '@spatial-ssrl/bench';
import { createProgress, type Progress, type ProgressStream } from '@spatial-ssrl/spec/node';
import { z } from 'zod';
import { UsageError } from './model-spec.js';

/** Usage of `generate-bench`. */
export const GENERATE_BENCH_USAGE = `ssrl-eval generate-bench --bench ${Object.keys(SYNTH_BENCHES).join('|')} --count N --out DIR [options]
  --seed S (${SYNTH_DEFAULTS.seed})  --width W (${SYNTH_DEFAULTS.width})  --height H (${SYNTH_DEFAULTS.height})  --test-fraction F (${SYNTH_DEFAULTS.testFraction})  --split-seed S (${SYNTH_DEFAULTS.splitSeed})
  --per-scene K (${SYNTH_DEFAULTS.perScene})  --format png|jpeg (png)  --jpeg-quality Q (90)  --force  --quiet`;

const int = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `--${name} must be a whole number`)
    .transform(Number)
    .refine((v) => v >= min && v <= max, `--${name} must be from ${min} to ${max}`);

const schema = z.object({
  bench: z.enum(Object.keys(SYNTH_BENCHES) as [keyof typeof SYNTH_BENCHES], { error: `--bench must be one of ${Object.keys(SYNTH_BENCHES).join(', ')}` }),
  count: int('count', 1, 10_000_000),
  out: z.string({ error: '--out is required' }).min(1),
  seed: int('seed', 0, Number.MAX_SAFE_INTEGER).optional(),
  width: int('width', 16, 4096).optional(),
  height: int('height', 16, 4096).optional(),
  'test-fraction': z
    .string()
    .refine((v) => v.trim() !== '' && Number(v) >= 0 && Number(v) <= 1, '--test-fraction must be a number from 0 to 1')
    .transform(Number)
    .optional(),
  'split-seed': int('split-seed', 0, Number.MAX_SAFE_INTEGER).optional(),
  'per-scene': int('per-scene', 1, 32).optional(),
  format: z.enum(['png', 'jpeg'], { error: '--format must be png or jpeg' }).optional(),
  'jpeg-quality': int('jpeg-quality', 1, 100).optional(),
  force: z.boolean().default(false),
  quiet: z.boolean().default(false),
});

/** A validated `generate-bench` command. */
export type GenerateBenchArgs = z.output<typeof schema>;

/** Parses the arguments after `generate-bench`. */
export function parseGenerateBenchArgs(argv: readonly string[]): GenerateBenchArgs {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(Object.keys(schema.shape).map((k) => [k, { type: k === 'force' || k === 'quiet' ? 'boolean' : 'string' }])) as Record<string, { type: 'string' | 'boolean' }>,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.bench === undefined) throw new UsageError('--bench is required');
  if (values.count === undefined) throw new UsageError('--count is required');
  const r = schema.safeParse(values);
  if (!r.success) throw new UsageError(r.error.issues[0]?.message ?? 'invalid arguments');
  return r.data;
}

/** The note after the bar: scenes visited and rendered, candidates rejected. */
function progressNote(p: SynthProgress): string {
  return `scenes ${p.scenes} (${p.rendered} rendered), rejected ${p.rejected}`;
}

/** Writes a synthetic benchmark dataset directory, showing progress on stderr; resolves to what was written. */
export async function generateBenchCommand(args: GenerateBenchArgs, io: { stderr: ProgressStream; signal: AbortSignal }): Promise<WriteSynthResult> {
  let bar: Progress | undefined;
  let last: SynthProgress | undefined;
  const onProgress = (p: SynthProgress) => {
    if (args.quiet) return;
    bar ??= createProgress({ label: args.bench, total: p.total, stream: io.stderr, unit: 'items' });
    last = p;
    bar.update(p.done, progressNote(p));
  };
  const result = await writeSynthBenchmark({
    bench: args.bench,
    count: args.count,
    out: args.out,
    ...(args.seed !== undefined ? { seed: args.seed } : {}),
    ...(args.width !== undefined ? { width: args.width } : {}),
    ...(args.height !== undefined ? { height: args.height } : {}),
    ...(args['test-fraction'] !== undefined ? { testFraction: args['test-fraction'] } : {}),
    ...(args['split-seed'] !== undefined ? { splitSeed: args['split-seed'] } : {}),
    ...(args['per-scene'] !== undefined ? { perScene: args['per-scene'] } : {}),
    ...(args.format !== undefined ? { format: args.format } : {}),
    ...(args['jpeg-quality'] !== undefined ? { jpegQuality: args['jpeg-quality'] } : {}),
    force: args.force,
    signal: io.signal,
    onProgress,
  });
  if (bar && last) bar.finish(progressNote(last));
  return result;
}

/** The closing summary: per category the split sizes, chance and rejected candidates. */
export function generateSummary(result: WriteSynthResult): string {
  const rows = Object.entries(result.categories).map(([id, c]) => {
    const rejected = Object.values(c.rejected).reduce((a, b) => a + b, 0);
    return `  ${id.padEnd(15)} ${String(c.train).padStart(6)} ${String(c.test).padStart(5)} ${(100 * c.chance).toFixed(1).padStart(7)} ${String(rejected).padStart(9)}`;
  });
  const how = result.alreadyComplete
    ? 'already complete'
    : `${result.scenes} scenes (${result.rendered} rendered)${result.resumedFrom > 0 ? `, resumed at scene ${result.resumedFrom}` : ''} in ${(result.elapsedMs / 1000).toFixed(1)} s`;
  return [`wrote ${result.out}: ${result.items} items, ${how}`, `  ${'category'.padEnd(15)} ${'train'.padStart(6)} ${'test'.padStart(5)} ${'chance%'.padStart(7)} ${'rejected'.padStart(9)}`, ...rows, ''].join('\n');
}
