import { resolve } from 'node:path';
import { excludeNearDuplicates, loadReferenceImages, referenceIndex, type ImageSource, type NearDuplicateIndex } from '@spatial-ssrl/image';
import { builtinTasks, generateDataset, resolveSource, type GenerateDatasetResult } from '@spatial-ssrl/tasks';
import { DatasetError } from '@spatial-ssrl/spec';
import { createProgress, UsageError, type Progress } from '@spatial-ssrl/spec/node';
import { command, resolvePlugin, type Command } from '../command.js';
import { generateCli } from './generate-args.js';
import { formatSummary } from './generate-summary.js';

/** `ssrl-train generate`: argument parsing and progress around `generateDataset`. */
export const generateCommand: Command = command(generateCli, async (args, io) => {
  const plugins = args.plugin.map((spec) => resolvePlugin(spec, io.cwd, 'generate'));
  const taskList = args.tasks ?? builtinTasks.map((t) => ({ id: t.id, weight: 1 }));
  const unknownParams = Object.keys(args.params).filter((id) => !taskList.some((t) => t.id === id));
  if (unknownParams.length > 0) {
    throw new UsageError(
      `--params: no task ${unknownParams.map((id) => `"${id}"`).join(', ')} in this run (tasks: ${taskList.map((t) => t.id).join(', ')})`,
      'generate',
    );
  }
  const specs = args.source.map((spec) => absolutizeSource(spec, io.cwd));
  let sources: (string | ImageSource)[] = specs;
  let workers = args.workers;
  if (args['exclude-near'] !== undefined) {
    const dir = resolve(io.cwd, args['exclude-near']);
    const references = await loadReferenceImages(dir);
    if (references.images.length === 0) throw new UsageError(`--exclude-near ${dir}: no reference images there (a folder of images, or a report folder of ssrl-eval contamination)`, 'generate');
    if (!args.quiet) {
      io.err.write(`leaving out near-duplicates of ${references.images.length} images (${references.description})${references.skipped.length > 0 ? `; ${references.skipped.length} unreadable, first: ${references.skipped[0]}` : ''}\n`);
      if (workers !== undefined && workers > 1) io.err.write('--exclude-near: generating in one thread\n');
    }
    const index = referenceIndex(references.images);
    sources = specs.map((spec) => excludingNearDuplicates(resolveSource(spec), index, dir));
    workers = 1;
  }
  let bar: Progress | undefined;
  let result: GenerateDatasetResult;
  try {
    result = await generateDataset({
      sources,
      clips: (args.clips ?? []).map((spec) => absolutizeSource(spec, io.cwd)),
      viewPairs: args['view-pairs'] ?? [],
      tasks: taskList.map((t) => ({ task: t.id, weight: t.weight, params: args.params[t.id] })),
      plugins,
      count: args.count,
      seed: args.seed,
      out: resolve(io.cwd, args.out),
      workers,
      shard: args.shard,
      format: args.format,
      jpegQuality: args['jpeg-quality'],
      testFraction: args['test-fraction'],
      splitSeed: args['split-seed'],
      maxAttempts: args['max-attempts'],
      force: args.force,
      signal: io.signal,
      onProgress: args.quiet
        ? undefined
        : (p) => {
            if (!bar) {
              if (p.resumed > 0) io.err.write(`resuming at index ${p.resumed} of ${p.total}\n`);
              bar = createProgress({ label: 'generate', total: p.total, stream: io.err, unit: 'samples' });
            }
            bar.update(p.done, `${p.rejections} rejected`);
          },
    });
  } catch (error) {
    if (error instanceof DatasetError && error.code === 'aborted') {
      io.err.write('\ninterrupted: run the same command again to resume\n');
      return 130;
    }
    throw error;
  }
  bar?.finish(`${result.manifest.counts?.rejections.total ?? 0} rejected`);
  io.out.write(formatSummary(result, args.out));
  return 0;
});


// Relative directories in file sources are resolved against the working directory, so the
// recorded config and the worker threads see the same absolute paths.
function absolutizeSource(spec: string, cwd: string): string {
  const m = /^(folder|diode|megadepth|video|frames):(.+)$/.exec(spec);
  return m ? `${m[1]}:${resolve(cwd, m[2])}` : spec;
}


// The source with its near-duplicates of the reference images left out; its name records the
// reference folder, so resuming with another folder is a config change.
function excludingNearDuplicates(source: ImageSource, index: NearDuplicateIndex, dir: string): ImageSource {
  return {
    name: `${source.name} excluding near-duplicates of ${dir}`,
    hasDepth: source.hasDepth,
    list: async () => excludeNearDuplicates(await source.list(), index),
  };
}
