import { resolve } from 'node:path';
import { z } from 'zod';
import { createProgress, type Progress } from '@spatial-ssrl/spec/node';
import { parseCommandArgs, type Command } from '../command.js';
import { formatImportSummary } from './interop-summary.js';

const HELP = `Usage: ssrl-train import --from easyr1|verl FILE_OR_DIR --out DIR [options]

Reads an EasyR1 or verl parquet (a file, or a folder searched for *.parquet) into a dataset
directory that sft, grpo, export and ssrl-eval --bench ssrl-tasks read. The Spatial-SSRL-81k
release is an EasyR1 parquet (problem, answer, images). Task and variant come from the file
when it says (exports of this toolkit do), otherwise from the prompt's wording. A row with a
missing field, a missing or undecodable image, a placeholder count unlike its image count or a
prompt no task writes is skipped and counted; the rest is imported.

Options:
  --from easyr1|verl   layout of the file                                          [required]
  --out DIR            dataset directory to write                                  [required]
  --image-dir DIR      folder that relative image paths are resolved against
                       (default: the parquet's folder and the two above it)
  --prompt-key NAME    EasyR1 prompt column (default problem, else prompt)
  --force              replace an existing directory
  --quiet              no progress output
  -h, --help           show this help

Examples:
  ssrl-train import --from easyr1 data/spatialssrl.parquet --image-dir data --out runs/ssrl81k
  ssrl-train import --from verl exports/mix-verl/data --out runs/mix-back
`;

const FLAGS = {
  from: { type: 'string' },
  out: { type: 'string' },
  'image-dir': { type: 'string' },
  'prompt-key': { type: 'string' },
  force: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const importArgs = z.object({
  input: z.string({ error: 'a parquet file or folder is required' }).min(1),
  from: z.enum(['easyr1', 'verl']),
  out: z.string().min(1),
  'image-dir': z.string().min(1).optional(),
  'prompt-key': z.string().min(1).optional(),
  force: z.boolean().default(false),
  quiet: z.boolean().default(false),
});

/** `ssrl-train import`: argument parsing and progress around `importDataset`. */
export const importCommand: Command = {
  name: 'import',
  summary: 'import an EasyR1 or verl parquet (e.g. Spatial-SSRL-81k) as a dataset',
  help: HELP,
  async run(argv, io) {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.out.write(HELP);
      return 0;
    }
    const args = parseCommandArgs('import', argv, FLAGS, importArgs, ['input']);
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
  },
};
