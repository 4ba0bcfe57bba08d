import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { defineBenchmark, type BenchItem, type Benchmark, type LoadOptions } from '../benchmark.js';
import { readImageFile } from '../io/images.js';
import { readJsonList } from '../io/json-files.js';
import { createRng, deriveSeed, FORMAT_INSTRUCTION, imagePlaceholders } from '@spatial-ssrl/spec';
import { judgeWhatsUp, scoreWhatsUp } from '../scorers/whatsup.js';

/** Per-item data of What'sUp items. */
interface WhatsUpMeta {
  readonly [key: string]: unknown;
  readonly cot: boolean;
  readonly options: readonly string[];
  readonly imagePath: string;
}

/** Annotation file of each What'sUp controlled subset. */
const WHATSUP_FILES = { A: 'controlled_images_dataset.json', B: 'controlled_clevr_dataset.json' } as const;

const LETTERS = ['A', 'B', 'C', 'D'] as const;

const row = z.object({
  image_path: z.string().min(1, 'empty image_path'),
  caption_options: z.array(z.string()).length(4, 'caption_options must hold exactly 4 captions'),
});

/** The preposition a What'sUp image shows, read from its file name as the official evaluation does. */
function whatsUpPreposition(imagePath: string, subset: 'A' | 'B'): string {
  if (imagePath.includes('left_of')) return 'left_of';
  if (imagePath.includes('right_of')) return 'right_of';
  if (subset === 'A') return imagePath.includes('_on_') ? 'on' : 'under';
  return imagePath.includes('_in-front_of_') ? 'in-front_of' : 'behind';
}

/** The Spatial-SSRL What'sUp prompt: instruction (with the CoT suffix, or the direct-letter request), then `A: caption` lines. */
function whatsUpPrompt(options: readonly string[], cot: boolean): string {
  const head = cot
    ? `Based on the image, choose the correct option from the list below.${FORMAT_INSTRUCTION}`
    : 'Based on the image, choose the correct option from the list below. Only respond the corresponding letter (e.g., C).\n\n';
  return head + options.map((o, i) => `${LETTERS[i]}: ${o}`).join('\n');
}

/** The option order of item `index` under `seed`: a permutation of 0-3 (Fisher-Yates over the project's seeded RNG); position `k` shows caption `perm[k]`. */
export function whatsUpShuffle(seed: number, index: number): number[] {
  return createRng(deriveSeed(seed, 'whatsup-options', index)).shuffle([0, 1, 2, 3]);
}

async function resolveJson(source: string, subset: 'A' | 'B'): Promise<string> {
  const s = await stat(source).catch(() => null);
  return s?.isDirectory() ? join(source, WHATSUP_FILES[subset]) : source;
}

/**
 * Loads a What'sUp controlled subset (`{image_path, caption_options[4]}`, first caption correct).
 * Image paths starting with `data/` are taken relative to `imageRoot` (default: the JSON's
 * folder), as the official loader substitutes its root for `data`. With `shuffleSeed` the
 * options are permuted per item and the correct letter is tracked (not in the official protocol).
 */
async function loadWhatsUp(source: string, options: LoadOptions = {}): Promise<BenchItem<WhatsUpMeta>[]> {
  const subset = options.subset ?? 'A';
  const path = await resolveJson(source, subset);
  const rows = await readJsonList(path, row);
  const root = options.imageRoot ?? dirname(path);
  const cot = options.cot ?? true;
  const limited = options.limit !== undefined ? rows.slice(0, options.limit) : rows;
  return limited.map((r, i) => {
    const rel = r.image_path.startsWith('data/') ? r.image_path.slice('data/'.length) : r.image_path;
    const file = isAbsolute(rel) ? rel : join(root, rel);
    const perm = options.shuffleSeed !== undefined ? whatsUpShuffle(options.shuffleSeed, i) : [0, 1, 2, 3];
    const shown = perm.map((k) => r.caption_options[k]!);
    const gold = LETTERS[perm.indexOf(0)]!;
    return {
      id: String(i),
      prompt: imagePlaceholders(1) + whatsUpPrompt(shown, cot),
      images: async () => [await readImageFile(file)],
      gold,
      category: whatsUpPreposition(r.image_path, subset),
      meta: { cot, options: shown, imagePath: r.image_path },
    };
  });
}

/** What'sUp controlled images (subset A by default, as the Spatial-SSRL scripts run it). */
export const whatsUpBenchmark: Benchmark = defineBenchmark<WhatsUpMeta>({
  name: 'whatsup',
  title: "What'sUp",
  column: 'WhatsUp',
  load: loadWhatsUp,
  judge: judgeWhatsUp,
  score: (items, texts) => scoreWhatsUp('whatsup', items, texts),
});
