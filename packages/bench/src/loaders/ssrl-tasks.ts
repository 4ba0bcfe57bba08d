import { join } from 'node:path';
import { defineBenchmark, type BenchItem, type Benchmark, type BenchMeta, type LoadedBenchmark, type LoadOptions } from '../benchmark.js';
import { BenchError, DataFormatError } from '../errors.js';
import { readImageFile } from '../io/images.js';
import { parseRow, readJsonLines } from '../io/json-files.js';
import { countImagePlaceholders, FORMAT_INSTRUCTION, sampleRecord } from '@spatial-ssrl/spec';
import { judgeSsrlTask, scoreSsrlTasks } from '../scorers/ssrl-tasks.js';

/**
 * Loads the held-out records (`split === 'test'`) of a Spatial-SSRL dataset directory
 * (`samples.jsonl`, image paths relative to the directory). Prompts get the RL format suffix
 * (`{prompt} You FIRST think …`) unless `cot` is false.
 */
export async function loadSsrlTasks(datasetDir: string, options: LoadOptions = {}): Promise<BenchItem[]> {
  const file = join(datasetDir, 'samples.jsonl');
  const cot = options.cot ?? true;
  const items: BenchItem[] = [];
  for await (const [line, value] of readJsonLines(file)) {
    const s = parseRow(file, sampleRecord, value, line);
    if (s.split !== 'test') continue;
    let placeholders: number;
    try {
      placeholders = countImagePlaceholders(s.prompt);
    } catch (err) {
      throw new DataFormatError(file, (err as Error).message, { row: line, field: 'prompt' }, { cause: err });
    }
    if (placeholders !== s.images.length) {
      throw new DataFormatError(file, `prompt has ${placeholders} image placeholders but ${s.images.length} images`, { row: line, field: 'images' });
    }
    const paths = s.images.map((p) => join(datasetDir, p));
    items.push({
      id: s.id,
      prompt: cot ? `${s.prompt} ${FORMAT_INSTRUCTION}` : s.prompt,
      images: () => Promise.all(paths.map(readImageFile)),
      gold: s.answer,
      category: s.task,
      meta: { images: s.images },
      task: s.task,
      ...(s.variant !== undefined ? { variant: s.variant } : {}),
    });
    if (options.limit !== undefined && items.length >= options.limit) break;
  }
  if (items.length === 0) throw new BenchError('BAD_DATA', `${file}: no records with split "test" to evaluate`);
  return items;
}

/** Held-out Spatial-SSRL pretext-task samples, scored with the training reward (exact match of the boxed answer). */
export const ssrlTasksBenchmark: Benchmark = defineBenchmark<BenchMeta>({
  name: 'ssrl-tasks',
  title: 'Spatial-SSRL held-out tasks',
  load: loadSsrlTasks,
  judge: judgeSsrlTask,
  score: (items, texts) => scoreSsrlTasks('ssrl-tasks', items, texts),
});

/** Loads the held-out task benchmark of one dataset directory, ready for `runBenchmark`. */
export async function spatialSsrlTasksBenchmark(datasetDir: string, options: LoadOptions = {}): Promise<LoadedBenchmark> {
  return { benchmark: ssrlTasksBenchmark, items: await loadSsrlTasks(datasetDir, options) };
}
