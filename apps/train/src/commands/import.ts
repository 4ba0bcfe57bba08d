import { resolve } from 'node:path';
import { createProgress, defineCommand, type Progress } from '@spatial-ssrl/spec/node';
import { command, type Command } from '../command.js';
import { formatImportSummary } from './interop-summary.js';

const importCli = defineCommand({
  program: 'ssrl-train',
  name: 'import',
  summary: 'import an EasyR1 or verl parquet (e.g. Spatial-SSRL-81k) as a dataset',
  usage: 'ssrl-train import --from easyr1|verl FILE_OR_DIR --out DIR [options]',
  description: `Reads an EasyR1 or verl parquet (a file, or a folder searched for *.parquet) into a dataset
directory that sft, grpo, export and ssrl-eval --bench ssrl-tasks read. The Spatial-SSRL-81k
release is an EasyR1 parquet (problem, answer, images). Task and variant come from the file
when it says (exports of this toolkit do), otherwise from the prompt's wording. A row with a
missing field, a missing or undecodable image, a placeholder count unlike its image count or a
prompt no task writes is skipped and counted; the rest is imported.`,
  positionals: [{ name: 'input', description: 'a parquet file, or a folder searched for *.parquet', required: true }],
  options: {
    from: { type: 'enum', choices: ['easyr1', 'verl'], required: true, description: 'layout of the file' },
    out: { type: 'string', value: 'DIR', required: true, description: 'dataset directory to write' },
    'image-dir': { type: 'string', value: 'DIR', defaultText: "the parquet's folder and the two above it", description: 'folder that relative image paths are resolved against' },
    'prompt-key': { type: 'string', value: 'NAME', defaultText: 'problem, else prompt', description: 'EasyR1 prompt column' },
    force: { type: 'boolean', description: 'replace an existing directory' },
    quiet: { type: 'boolean', description: 'no progress output' },
  },
  epilog: `Examples:
  ssrl-train import --from easyr1 data/spatialssrl.parquet --image-dir data --out runs/ssrl81k
  ssrl-train import --from verl exports/mix-verl/data --out runs/mix-back`,
});

/** `ssrl-train import`: argument parsing and progress around `importDataset`. */
export const importCommand: Command = command(importCli, async (args, io) => {
  const { importDataset, ExportError } = await import('@spatial-ssrl/tasks/export');
  let bar: Progress | undefined;
  try {
    const result = await importDataset({
      from: args.from,
      input: resolve(io.cwd, args.input),
      out: resolve(io.cwd, args.out),
      imageDir: args['image-dir'] !== undefined ? resolve(io.cwd, args['image-dir']) : undefined,
      promptKey: args['prompt-key'],
      force: args.force,
      signal: io.signal,
      onProgress: args.quiet
        ? undefined
        : (p) => {
            bar ??= createProgress({ label: 'import', total: p.total, stream: io.err, unit: 'rows' });
            bar.update(p.done);
          },
    });
    bar?.finish();
    io.out.write(formatImportSummary(result, args.out));
    return 0;
  } catch (error) {
    bar?.finish();
    if (error instanceof ExportError && error.code === 'aborted') {
      io.err.write('interrupted: nothing was written\n');
      return 130;
    }
    throw error;
  }
});
