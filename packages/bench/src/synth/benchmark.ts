import { join } from 'node:path';
import { scoreResponse } from '@spatial-ssrl/rewards';
import { DATASET_FILES, sampleRecord, withFormatInstruction } from '@spatial-ssrl/spec';
import { z } from 'zod';
import { defineBenchmark, type BenchItem, type BenchScore, type Benchmark, type ItemJudgement, type LoadOptions } from '../benchmark.js';
import { BenchError, DataFormatError } from '../errors.js';
import { readImageFile } from '../io/images.js';
import { parseRow, readJsonLines } from '../io/json-files.js';
import { assertAligned, countErrors, percentByKey, percentMean } from '../scorers/aggregate.js';
import { boxedFirst, vlmevalMcqAnswer } from '../scorers/vlmeval-mcq.js';
import { taskAccuracyTable, type TaskCounts } from '../task-report.js';
import { SYNTH_BENCHES, type SynthBenchName } from './categories.js';

/** Per-item data of a synthetic benchmark item: lettered options and the correct option's text. */
export interface SynthMeta {
  readonly [key: string]: unknown;
  readonly choices: Readonly<Record<string, string>>;
  readonly answerText: string;
}

const letter = z.string().regex(/^[A-F]$/, 'must be an option letter A-F');
const sample = sampleRecord.extend({
  answer: letter,
  images: z.array(z.string().min(1)).length(1, 'must list exactly one image'),
  meta: z.looseObject({
    choices: z.record(letter, z.string().min(1)).refine((c) => Object.keys(c).length >= 2, 'must hold at least two options'),
    answerText: z.string(),
  }),
});

/**
 * Loads the held-out items (`split === 'test'`) of one synthetic benchmark from a dataset
 * directory written by `writeSynthBenchmark`; prompts get the chain-of-thought suffix unless
 * `cot` is false. A directory holding the other synthetic benchmark is a clear error.
 */
async function loadSynth(bench: SynthBenchName, dir: string, options: LoadOptions): Promise<BenchItem<SynthMeta>[]> {
  const file = join(dir, DATASET_FILES.samples);
  const cot = options.cot ?? true;
  const items: BenchItem<SynthMeta>[] = [];
  const others = new Set<string>();
  for await (const [line, value] of readJsonLines(file)) {
    const s = parseRow(file, sample, value, line);
    if (s.task !== bench) {
      others.add(s.task);
      continue;
    }
    if (s.split !== 'test') continue;
    if (s.meta.choices[s.answer] === undefined) throw new DataFormatError(file, `answer ${s.answer} is not one of the options ${Object.keys(s.meta.choices).join(', ')}`, { row: line, field: 'answer' });
    const image = join(dir, s.images[0]!);
    items.push({
      id: s.id,
      prompt: cot ? withFormatInstruction(s.prompt) : s.prompt,
      images: async () => [await readImageFile(image)],
      gold: s.answer,
      category: s.variant,
      meta: { choices: s.meta.choices, answerText: s.meta.answerText },
      task: s.task,
      variant: s.variant,
    });
    if (options.limit !== undefined && items.length >= options.limit) break;
  }
  if (items.length === 0) {
    const held = others.size ? ` (it holds ${[...others].sort().join(', ')} items)` : '';
    throw new BenchError('BAD_DATA', `${file}: no ${bench} items with split "test" to evaluate${held}`);
  }
  return items;
}

/** Judges one response: the letter read from the last `\boxed{}` (else the whole text) by VLMEvalKit's `can_infer`. */
function judgeSynth(item: BenchItem<SynthMeta>, text: string | null): ItemJudgement {
  if (text === null) return { extracted: '', score: 0 };
  const extracted = vlmevalMcqAnswer(boxedFirst(text), item.meta.choices);
  return { extracted, score: extracted === item.gold ? 1 : 0 };
}

/**
 * Scores a synthetic benchmark run: headline and per-category accuracy (boxed-first
 * `can_infer`), `raw` (`can_infer` on the whole response) and `chance` (one over the number of
 * options) beside it, and a note with the per-category table: n, chance and accuracy with its
 * 95 % Wilson interval.
 */
function scoreSynth(bench: SynthBenchName, items: readonly BenchItem<SynthMeta>[], texts: readonly (string | null)[]): BenchScore {
  assertAligned(bench, items, texts);
  const hits = items.map((item, i) => judgeSynth(item, texts[i] ?? null).score);
  const raw = items.map((item, i) => (texts[i] != null && vlmevalMcqAnswer(texts[i]!, item.meta.choices) === item.gold ? 1 : 0));
  const chance = items.map((item) => 1 / Object.keys(item.meta.choices).length);
  const categories = items.map((x) => x.category);
  const counts: Record<string, { n: number; correct: number; formatted: number }> = {};
  items.forEach((item, i) => {
    const c = (counts[item.category] ??= { n: 0, correct: 0, formatted: 0 });
    c.n++;
    c.correct += hits[i]!;
    const t = texts[i];
    if (t != null && scoreResponse(t, item.gold).format > 0) c.formatted++;
  });
  const chanceByCategory = Object.fromEntries(Object.entries(percentByKey(categories, chance)).map(([k, v]) => [k, v / 100]));
  const table = taskAccuracyTable({ runs: [{ label: 'accuracy % [95 % CI]', tasks: counts as Record<string, TaskCounts> }], chance: chanceByCategory });
  return {
    benchmark: bench,
    headline: percentMean(hits),
    rule: 'option letter from the last \\boxed{} content when present (else the whole response) by VLMEvalKit can_infer; unresolved = wrong',
    categories: percentByKey(categories, hits),
    n: items.length,
    errors: countErrors(texts),
    variants: {
      raw: { label: 'VLMEvalKit can_infer on the whole response', headline: percentMean(raw), categories: percentByKey(categories, raw) },
      chance: { label: 'chance: one over the number of options', headline: percentMean(chance), categories: percentByKey(categories, chance) },
    },
    notes: [`per-category accuracy (percent) with 95 % Wilson intervals, n and chance:\n\n${table}`],
  };
}

function synthBenchmark(bench: SynthBenchName): Benchmark {
  return defineBenchmark<SynthMeta>({
    name: bench,
    title: SYNTH_BENCHES[bench].title,
    load: (dir, options = {}) => loadSynth(bench, dir, options),
    judge: judgeSynth,
    score: (items, texts) => scoreSynth(bench, items, texts),
  });
}

/** Synthetic spatial VQA from the renderer's scene graph: eight relation categories, multiple choice. */
export const synthSpatialBenchmark: Benchmark = synthBenchmark('synth-spatial');

/** Synthetic general VQA on the same scenes: colour, shape, material, presence, count. */
export const synthGeneralBenchmark: Benchmark = synthBenchmark('synth-general');
