import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { defineBenchmark, type BenchItem, type Benchmark, type LoadOptions } from '../benchmark.js';
import { readImageFile, resizePolicyImage } from '../io/images.js';
import { readJsonList } from '../io/json-files.js';
import { FORMAT_INSTRUCTION, imagePlaceholders } from '@spatial-ssrl/spec';
import { judgeViewSpatial, scoreViewSpatial } from '../scorers/viewspatial.js';

/** Per-item data of ViewSpatial-Bench items. */
export interface ViewSpatialMeta {
  readonly [key: string]: unknown;
  readonly cot: boolean;
  readonly choices: string;
  readonly imagePaths: readonly string[];
}

/**
 * Image size of the official evaluation (width × height, px): its Qwen2.5-VL path passes
 * `resized_width=420, resized_height=280` to every image. This is the benchmark's own
 * preprocessing, applied on purpose, not a downscale for convenience; disable with `resize: false`.
 */
export const VIEWSPATIAL_IMAGE_SIZE = { width: 420, height: 280 } as const;

const row = z.object({
  question_type: z.string().min(1, 'empty question_type'),
  image_path: z.array(z.string().min(1)).min(1, 'needs at least one image path'),
  question: z.string().min(1, 'empty question'),
  answer: z.string().regex(/\b[A-Da-d]\b/, 'answer must contain an option letter A-D'),
  choices: z.string().min(1, 'empty choices'),
});

/** The official ViewSpatial-Bench prompt: question, newline, choices, then the CoT or the direct-answer instruction. */
function viewSpatialPrompt(question: string, choices: string, cot: boolean): string {
  const format = cot
    ? `\nThe final answer should be the option letter from the given choices.\n${FORMAT_INSTRUCTION}`
    : '\nReply only to the corresponding option.\nAnswer:';
  return `${question}\n${choices}${format}`;
}

async function resolveJson(source: string): Promise<string> {
  const s = await stat(source).catch(() => null);
  return s?.isDirectory() ? join(source, 'ViewSpatial-Bench.json') : source;
}

/**
 * Loads ViewSpatial-Bench from its JSON list (`question_type, image_path[], question, answer,
 * choices`); image paths are relative to `imageRoot` (default: the JSON's folder). `source` may
 * be the JSON file or a folder holding `ViewSpatial-Bench.json`.
 */
export async function loadViewSpatial(source: string, options: LoadOptions = {}): Promise<BenchItem<ViewSpatialMeta>[]> {
  const path = await resolveJson(source);
  const rows = await readJsonList(path, row);
  const root = options.imageRoot ?? dirname(path);
  const cot = options.cot ?? true;
  const resize = options.resize ?? true;
  const limited = options.limit !== undefined ? rows.slice(0, options.limit) : rows;
  return limited.map((r, i) => {
    const files = r.image_path.map((p) => (isAbsolute(p) ? p : join(root, p)));
    return {
      id: String(i),
      prompt: imagePlaceholders(files.length) + viewSpatialPrompt(r.question, r.choices, cot),
      images: async () => {
        const imgs = await Promise.all(files.map(readImageFile));
        if (!resize) return imgs;
        const { width, height } = VIEWSPATIAL_IMAGE_SIZE;
        return Promise.all(imgs.map((img) => resizePolicyImage(img, width, height)));
      },
      gold: r.answer,
      category: r.question_type,
      meta: { cot, choices: r.choices, imagePaths: r.image_path },
    };
  });
}

/** ViewSpatial-Bench (5,712 items, camera and person perspectives). */
export const viewSpatialBenchmark: Benchmark = defineBenchmark<ViewSpatialMeta>({
  name: 'viewspatial',
  title: 'ViewSpatial-Bench',
  column: 'ViewSp',
  load: loadViewSpatial,
  judge: judgeViewSpatial,
  score: (items, texts) => scoreViewSpatial('viewspatial', items, texts),
});
