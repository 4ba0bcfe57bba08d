import { resolve } from 'node:path';
import type { ExportProgress } from '@spatial-ssrl/tasks/export';
import { z } from 'zod';
import { createProgress, type Progress } from '@spatial-ssrl/spec/node';
import { parseCommandArgs, type Command } from '../command.js';
import { int } from './generate-args.js';
import { formatExportSummary } from './interop-summary.js';

const HELP = `Usage: ssrl-train export --data DIR --to easyr1|verl|llamafactory|trl --out DIR [options]

Writes a dataset in a trainer's format, with what that trainer needs next to the data:
  easyr1        train/ and test/ parquet (problem, answer, images), format_prompt.jinja,
                easyr1_config.yaml (data.* and worker.reward.*)
  verl          data/ parquet rows {data_source, prompt, images, ability, reward_model,
                extra_info}, verl_config.yaml (verl >= 0.7.1, reward.* keys)
  llamafactory  SFT JSON (sharegpt or alpaca) with images/, dataset_info.json and
                llamafactory_sft.yaml
  trl           data/ parquet (conversational prompt, images, solution, task), trl_grpo.py
Every row is checked before anything is written: its <image> placeholders match its images
and, with --model-family, its image tokens fit the limit. The folder appears whole or not at
all; an interrupted parquet export resumes at its first unfinished data file when run again.

Options:
  --data DIR             dataset directory; repeat it for the shards of one sharded run  [required]
  --to TARGET            easyr1, verl, llamafactory or trl                              [required]
  --out DIR              export folder                                                   [required]
  --images embed|files   image bytes inside the parquet (default) or files next to it
                         (LLaMA-Factory: always files)
  --rows-per-shard N     rows per data file (default: files of about 512 MiB)
  --split train|test|all which split to export (default all)
  --cold-start N         LLaMA-Factory: a seeded, task-balanced subset of N training rows
  --seed S               seed of the cold-start subset (default 0)
  --style sharegpt|alpaca  LLaMA-Factory layout (default sharegpt)
  --sft-target TEXT      LLaMA-Factory answer text, {answer} standing for the answer
                         (default '<think></think>\\boxed{{answer}}')
  --model-family F       qwen2.5-vl (patch 14) or qwen3-vl (patch 16): check image tokens
  --min-pixels N         image processor's smallest area in px (default: the family's)
  --max-pixels N         image processor's largest area in px (default: the family's)
  --max-image-tokens N   most image tokens a row may take (default 8192)
  --force                replace an existing export folder
  --quiet                no progress output
  -h, --help             show this help

Examples:
  ssrl-train export --data runs/mix --to easyr1 --out exports/mix-easyr1 --model-family qwen2.5-vl
  ssrl-train export --data runs/part1 --data runs/part2 --to verl --out exports/mix-verl
  ssrl-train export --data runs/mix --to llamafactory --cold-start 3600 --out exports/coldstart
`;

const FLAGS = {
  data: { type: 'string', multiple: true },
  to: { type: 'string' },
  out: { type: 'string' },
  images: { type: 'string' },
  'rows-per-shard': { type: 'string' },
  split: { type: 'string' },
  'cold-start': { type: 'string' },
  seed: { type: 'string' },
  style: { type: 'string' },
  'sft-target': { type: 'string' },
  'model-family': { type: 'string' },
  'min-pixels': { type: 'string' },
  'max-pixels': { type: 'string' },
  'max-image-tokens': { type: 'string' },
  force: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const exportArgs = z.object({
  data: z.array(z.string().min(1)).min(1, 'is required'),
  to: z.enum(['easyr1', 'verl', 'llamafactory', 'trl']),
  out: z.string().min(1),
  images: z.enum(['embed', 'files']).optional(),
  'rows-per-shard': int(1).optional(),
  split: z.enum(['train', 'test', 'all']).default('all'),
  'cold-start': int(1).optional(),
  seed: int(0, 0xffffffff).optional(),
  style: z.enum(['sharegpt', 'alpaca']).optional(),
  'sft-target': z.string().includes('{answer}', { message: 'must contain {answer}' }).optional(),
  'model-family': z.enum(['qwen2.5-vl', 'qwen3-vl']).optional(),
  'min-pixels': int(1).optional(),
  'max-pixels': int(1).optional(),
  'max-image-tokens': int(1).optional(),
  force: z.boolean().default(false),
  quiet: z.boolean().default(false),
});

const PHASES: Readonly<Record<ExportProgress['phase'], string>> = { select: 'select', check: 'check', write: 'write' };

/** `ssrl-train export`: argument parsing and progress around `exportDataset`. */
export const exportCommand: Command = {
  name: 'export',
  summary: 'export a dataset to EasyR1, verl, LLaMA-Factory or TRL (checked, atomic)',
  help: HELP,
  async run(argv, io) {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.out.write(HELP);
      return 0;
    }
    const args = parseCommandArgs('export', argv, FLAGS, exportArgs);
    // Loaded here so the other commands do not pay for the parquet libraries at start-up.
    const { exportDataset, ExportError } = await import('@spatial-ssrl/tasks/export');
    const bars = new Map<string, Progress>();
    const onProgress = args.quiet
      ? undefined
      : (p: ExportProgress): void => {
          let bar = bars.get(p.phase);
          if (!bar) {
            for (const b of bars.values()) b.finish();
            bar = createProgress({ label: PHASES[p.phase], total: p.total, stream: io.err, unit: 'rows' });
            bars.set(p.phase, bar);
          }
          bar.update(p.done);
        };
    try {
      const result = await exportDataset({
        data: args.data.map((d) => resolve(io.cwd, d)),
        to: args.to,
        out: resolve(io.cwd, args.out),
        images: args.images,
        rowsPerShard: args['rows-per-shard'],
        split: args.split,
        coldStart: args['cold-start'],
        seed: args.seed,
        style: args.style,
        sftTarget: args['sft-target'],
        modelFamily: args['model-family'],
        minPixels: args['min-pixels'],
        maxPixels: args['max-pixels'],
        maxImageTokens: args['max-image-tokens'],
        force: args.force,
        onProgress,
        signal: io.signal,
      });
      for (const b of bars.values()) b.finish();
      io.out.write(formatExportSummary(result, args.out));
      return 0;
    } catch (error) {
      for (const b of bars.values()) b.finish();
      if (error instanceof ExportError && error.code === 'aborted') {
        io.err.write('interrupted: run the same command again to resume (finished data files are kept)\n');
        return 130;
      }
      throw error;
    }
  },
};
