import { resolve } from 'node:path';
import { excludeNearDuplicates, loadReferenceImages, referenceIndex, type ImageSource, type NearDuplicateIndex } from '@spatial-ssrl/image';
import { builtinTasks, generateDataset, resolveSource, type GenerateDatasetResult } from '@spatial-ssrl/tasks';
import { DatasetError } from '@spatial-ssrl/spec';
import { createProgress, type Progress } from '@spatial-ssrl/spec/node';
import { parseCommandArgs, resolvePlugin, UsageError, type Command } from '../command.js';
import { generateArgs, GENERATE_FLAGS } from './generate-args.js';
import { formatSummary } from './generate-summary.js';
import { TASK_EXAMPLES } from '../task-examples.js';

const HELP = `Usage: ssrl-train generate --count N --out DIR [options]

Generates a dataset of self-supervised spatial samples: DIR/dataset.json, DIR/samples.jsonl,
DIR/rejections.jsonl and DIR/images/<task>/. Running the same command again resumes an
interrupted run; the output is the same for any --workers and any --shard split.

Options:
  --source SPEC        image source, repeatable (default: synthetic):
                         synthetic[:COUNT[:WxH]][:seed=S]
                                                  embedded RGB-D scenes (default 1000 at 640x480)
                         folder:DIR               RGB images (jpg, png, webp), recursive
                         diode:DIR                DIODE RGB-D tree
                         megadepth:DIR            MegaDepth RGB-D tree
  --tasks LIST         tasks with optional weights, e.g. ${TASK_EXAMPLES.weighted}
                       (default: ${TASK_EXAMPLES.all}, equal weights)
  --params JSON        task params by task id, e.g. ${TASK_EXAMPLES.params}
  --count N            samples in the whole dataset (all shards)           [required]
  --seed S             run seed, 0..4294967295 (default 0)
  --out DIR            output directory                                     [required]
  --workers W          worker threads (default: number of CPU cores)
  --shard K/N          write only shard K of N (contiguous index range; shards concatenate)
  --format png|jpeg    image encoding (default png)
  --jpeg-quality Q     JPEG quality 1-100 (default 90)
  --test-fraction F    share of source images held out as split "test" (default 0.1)
  --split-seed S       seed of the held-out split (default 0; keep it fixed across runs)
  --max-attempts K     attempts per sample before it is recorded as failed (default 16)
  --exclude-near DIR   leave out source images that are near-duplicates (resized, re-encoded,
                       flipped, turned or cropped copies) of the images in DIR: a report folder of
                       ssrl-eval contamination (its reference-set.jsonl) or any folder of images;
                       each sample that lands on one is a rejection "near-duplicate" naming the
                       match. Generation then runs in one thread.
  --plugin MODULE      module exporting \`tasks\` or \`register(registry)\`, repeatable
  --force              overwrite DIR when it holds a dataset with another config
  --quiet              no progress output
  -h, --help           show this help

Examples:
  ssrl-train generate --count 200 --out runs/demo
  ssrl-train generate --source folder:data/coco --source diode:data/diode \\
      --tasks ${TASK_EXAMPLES.mix} --count 20000 --out runs/mix
  ssrl-train generate --count 100000 --out runs/part3 --shard 3/8
  ssrl-train generate --source folder:data/coco --exclude-near runs/demo/contamination-whatsup \\
      --count 5000 --out runs/clean
  ssrl-train generate --plugin ./dist/index.js --tasks rotation --count 50 --out runs/rot
`;

/** `ssrl-train generate`: argument parsing and progress around `generateDataset`. */
export const generateCommand: Command = {
  name: 'generate',
  summary: 'generate a dataset of pretext-task samples (resumable, shardable)',
  help: HELP,
  async run(argv, io) {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.out.write(HELP);
      return 0;
    }
    const args = parseCommandArgs('generate', argv, GENERATE_FLAGS, generateArgs);
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
  },
};


// Relative directories in file sources are resolved against the working directory, so the
// recorded config and the worker threads see the same absolute paths.
function absolutizeSource(spec: string, cwd: string): string {
  const m = /^(folder|diode|megadepth):(.+)$/.exec(spec);
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
