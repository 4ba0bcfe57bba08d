import { z } from 'zod';
import { defineBenchmark, type BenchItem, type Benchmark, type LoadOptions } from '../benchmark.js';
import { DataFormatError } from '../errors.js';
import { parseRow } from '../io/json-files.js';
import { COT_SUFFIX, imagePlaceholders } from '../prompts.js';
import { judgeMcq, scoreMcq } from '../scorers/mcq-score.js';
import { scoreThreeDsr } from '../scorers/threedsr.js';
import type { McqChoices } from '../scorers/vlmeval-mcq.js';
import { isPandasNa, optionColumns, readVlmevalTsv } from './vlmeval-tsv.js';

/** Per-item data of VLMEvalKit-style multiple-choice items. */
export interface McqMeta {
  readonly [key: string]: unknown;
  readonly index: string;
  readonly choices: McqChoices;
  readonly l2Category?: string;
  readonly qid?: string;
}

const mcqRow = z.object({
  index: z.string().min(1),
  question: z.string().min(1, 'empty question'),
  answer: z.string().regex(/^[A-Z]$/, 'answer must be a single option letter A-Z'),
  category: z.string().optional(),
  hint: z.string().optional(),
  'l2-category': z.string().optional(),
  qid: z.string().optional(),
});

/** The VLMEvalKit multiple-choice prompt: optional hint, question, lettered options and the selection instruction (plus the CoT suffix). */
export function vlmevalMcqPrompt(question: string, choices: McqChoices, hint: string | undefined, cot: boolean): string {
  let p = '';
  if (hint !== undefined) p += `Hint: ${hint}\n`;
  p += `Question: ${question}\n`;
  const keys = Object.keys(choices).sort();
  if (keys.length > 0) {
    p += 'Options:\n';
    for (const k of keys) p += `${k}. ${choices[k]}\n`;
    p += 'Please select the correct answer from the options above. \n';
  }
  return cot ? p + COT_SUFFIX : p;
}

/** Loads a VLMEvalKit multiple-choice TSV (MMBench, BLINK, RealWorldQA, SpatialEval, 3DSRBench, …) as bench items. */
export async function loadVlmevalMcq(path: string, options: LoadOptions = {}, requireQid = false): Promise<BenchItem<McqMeta>[]> {
  const { header, rows } = await readVlmevalTsv(path, options.imageRoot ? { imageRoot: options.imageRoot } : {});
  const letters = optionColumns(header);
  if (letters.length < 2) throw new DataFormatError(path, 'a multiple-choice TSV needs at least two option columns (A, B, …)', { field: 'A' });
  if (requireQid && !header.includes('qid')) throw new DataFormatError(path, 'missing the "qid" column (3DSRBench groups questions by it)', { field: 'qid' });
  const cot = options.cot ?? true;
  const items: BenchItem<McqMeta>[] = [];
  for (const r of rows) {
    const row = parseRow(path, mcqRow, r.text, r.row);
    const choices: Record<string, string> = {};
    for (const k of letters) {
      const v = r.text[k];
      if (v !== undefined && !isPandasNa(v)) choices[k] = v;
    }
    if (!(row.answer in choices)) throw new DataFormatError(path, `answer "${row.answer}" is not one of the options ${Object.keys(choices).join('')}`, { row: r.row, field: 'answer' });
    if (requireQid && !row.qid) throw new DataFormatError(path, 'empty qid', { row: r.row, field: 'qid' });
    const hint = row.hint !== undefined && !isPandasNa(row.hint) ? row.hint : undefined;
    const l2 = row['l2-category'];
    items.push({
      id: row.index,
      prompt: imagePlaceholders(r.imageCount) + vlmevalMcqPrompt(row.question, choices, hint, cot),
      images: r.images,
      gold: row.answer,
      category: row.category !== undefined && !isPandasNa(row.category) ? row.category : 'all',
      meta: {
        index: row.index,
        choices,
        ...(l2 !== undefined && !isPandasNa(l2) ? { l2Category: l2 } : {}),
        ...(row.qid ? { qid: row.qid } : {}),
      },
    });
    if (options.limit !== undefined && items.length >= options.limit) break;
  }
  return items;
}

/** Any VLMEvalKit multiple-choice TSV (MMBench, BLINK, RealWorldQA, …), scored with VLMEvalKit exact matching. */
export const mcqBenchmark: Benchmark = defineBenchmark<McqMeta>({
  name: 'mcq',
  title: 'VLMEvalKit multiple choice',
  load: (source, options) => loadVlmevalMcq(source, options),
  judge: judgeMcq,
  score: (items, texts) => scoreMcq('mcq', items, texts),
});

/** SpatialEval (Spatial-Map, Maze-Nav, Spatial-Grid, Spatial-Real) in VLMEvalKit's TSV. */
export const spatialEvalBenchmark: Benchmark = defineBenchmark<McqMeta>({
  name: 'spatialeval',
  title: 'SpatialEval',
  column: 'SpEval',
  load: (source, options) => loadVlmevalMcq(source, options),
  judge: judgeMcq,
  score: (items, texts) => scoreMcq('spatialeval', items, texts),
});

/** 3DSRBench in VLMEvalKit's TSV, scored in its four settings (vanilla, flip, circular, flip+circular). */
export const threeDsrBenchmark: Benchmark = defineBenchmark<McqMeta & { readonly qid: string }>({
  name: '3dsrbench',
  title: '3DSRBench',
  column: '3DSR',
  load: (source, options) => loadVlmevalMcq(source, options, true) as Promise<BenchItem<McqMeta & { readonly qid: string }>[]>,
  judge: judgeMcq,
  score: (items, texts) => scoreThreeDsr('3dsrbench', items, texts),
});
