import { resolve } from 'node:path';
import type { ExportProgress } from '@spatial-ssrl/tasks/export';
import { z } from 'zod';
import { createProgress, defineCommand, type Progress } from '@spatial-ssrl/spec/node';
import { command, type Command } from '../command.js';
import { formatExportSummary } from './interop-summary.js';

const exportCli = defineCommand({
  program: 'ssrl-train',
  name: 'export',
  summary: 'export a dataset to EasyR1, verl, LLaMA-Factory or TRL (checked, atomic)',
  usage: 'ssrl-train export --data DIR --to easyr1|verl|llamafactory|trl --out DIR [options]',
  description: `Writes a dataset in a trainer's format, with what that trainer needs next to the data:
  easyr1        train/ and test/ parquet (problem, answer, images), format_prompt.jinja,
                easyr1_config.yaml (data.* and worker.reward.*)
  verl          data/ parquet rows {data_source, prompt, images, ability, reward_model,
                extra_info}, verl_config.yaml (verl >= 0.7.1, reward.* keys)
  llamafactory  SFT JSON (sharegpt or alpaca) with images/, dataset_info.json and
                llamafactory_sft.yaml
  trl           data/ parquet (conversational prompt, images, solution, task), trl_grpo.py
Every row is checked before anything is written: its <image> placeholders match its images
and, with --model-family, its image tokens fit the limit. The folder appears whole or not at
all; an interrupted parquet export resumes at its first unfinished data file when run again.`,
  options: {
    data: { type: 'string', value: 'DIR', repeatable: true, required: true, description: 'dataset directory; repeat it for the shards of one sharded run' },
    to: { type: 'enum', value: 'TARGET', choices: ['easyr1', 'verl', 'llamafactory', 'trl'], required: true, description: 'easyr1, verl, llamafactory or trl' },
    out: { type: 'string', value: 'DIR', required: true, description: 'export folder' },
    images: { type: 'enum', choices: ['embed', 'files'], defaultText: 'embed', description: 'image bytes inside the parquet or files next to it\n(LLaMA-Factory: always files)' },
    'rows-per-shard': { type: 'int', value: 'N', min: 1, defaultText: 'files of about 512 MiB', description: 'rows per data file' },
    split: { type: 'enum', choices: ['train', 'test', 'all'], default: 'all', description: 'which split to export' },
    'cold-start': { type: 'int', value: 'N', min: 1, description: 'LLaMA-Factory: a seeded, task-balanced subset of N training rows' },
    seed: { type: 'int', value: 'S', min: 0, max: 0xffffffff, defaultText: '0', description: 'seed of the cold-start subset' },
    style: { type: 'enum', choices: ['sharegpt', 'alpaca'], defaultText: 'sharegpt', description: 'LLaMA-Factory layout' },
    'sft-target': {
      type: 'string',
      value: 'TEXT',
      schema: z.string().includes('{answer}', { message: 'must contain {answer}' }),
      defaultText: "'<think></think>\\boxed{{answer}}'",
      description: 'LLaMA-Factory answer text, {answer} standing for the answer',
    },
    'model-family': { type: 'enum', value: 'F', choices: ['qwen2.5-vl', 'qwen3-vl'], description: 'qwen2.5-vl (patch 14) or qwen3-vl (patch 16): check image tokens' },
    'min-pixels': { type: 'int', value: 'N', min: 1, defaultText: "the family's", description: "image processor's smallest area in px" },
    'max-pixels': { type: 'int', value: 'N', min: 1, defaultText: "the family's", description: "image processor's largest area in px" },
    'max-image-tokens': { type: 'int', value: 'N', min: 1, defaultText: '8192', description: 'most image tokens a row may take' },
    force: { type: 'boolean', description: 'replace an existing export folder' },
    quiet: { type: 'boolean', description: 'no progress output' },
  },
  epilog: `Examples:
  ssrl-train export --data runs/mix --to easyr1 --out exports/mix-easyr1 --model-family qwen2.5-vl
  ssrl-train export --data runs/part1 --data runs/part2 --to verl --out exports/mix-verl
  ssrl-train export --data runs/mix --to llamafactory --cold-start 3600 --out exports/coldstart`,
});

const PHASES: Readonly<Record<ExportProgress['phase'], string>> = { select: 'select', check: 'check', write: 'write' };

/** `ssrl-train export`: argument parsing and progress around `exportDataset`. */
export const exportCommand: Command = command(exportCli, async (args, io) => {
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
});
