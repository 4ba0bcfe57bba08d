import { basename, extname } from 'node:path';
import { z } from 'zod';
import { defineBenchmark, type BenchItem, type Benchmark, type LoadOptions } from '../benchmark.js';
import { DataFormatError } from '../errors.js';
import { parseRow } from '../io/json-files.js';
import { imagePlaceholders } from '@spatial-ssrl/spec';
import { vlmevalTextPart } from '../prompts.js';
import { judgeMcq, scoreMcq } from '../scorers/mcq-score.js';
import { scoreThreeDsr } from '../scorers/threedsr.js';
import type { McqChoices } from '../scorers/vlmeval-mcq.js';
import { optionColumns, readVlmevalTsv } from './vlmeval-tsv.js';

/** Per-item data of VLMEvalKit-style multiple-choice items. */
export interface McqMeta {
  readonly [key: string]: unknown;
  readonly index: string;
  /** Option texts as VLMEvalKit reads them (pandas types: a numeric column with a blank cell gives `4.0`). */
  readonly choices: McqChoices;
  /** Option texts as written in the file, when they differ from `choices`. */
  readonly choicesAsWritten?: McqChoices;
  /** VLMEvalKit dataset name (the TSV file name without extension); decides CircularEval. */
  readonly dataset?: string;
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
function vlmevalMcqPrompt(question: string, choices: McqChoices, hint: string | undefined, cot: boolean): string {
  let p = '';
  if (hint !== undefined) p += `Hint: ${hint}\n`;
  p += `Question: ${question}\n`;
  const keys = Object.keys(choices).sort();
  if (keys.length > 0) {
    p += 'Options:\n';
    for (const k of keys) p += `${k}. ${choices[k]}\n`;
    p += 'Please select the correct answer from the options above. \n';
  }
  return vlmevalTextPart(p, cot);
}

/** Loads a VLMEvalKit multiple-choice TSV (MMBench, BLINK, RealWorldQA, SpatialEval, 3DSRBench, …) as bench items. */
export async function loadVlmevalMcq(path: string, options: LoadOptions = {}, requireQid = false): Promise<BenchItem<McqMeta>[]> {
  const { header, rows } = await readVlmevalTsv(path, options.imageRoot ? { imageRoot: options.imageRoot } : {});
  const letters = optionColumns(header);
  if (letters.length < 2) throw new DataFormatError(path, 'a multiple-choice TSV needs at least two option columns (A, B, …)', { field: 'A' });
  if (requireQid && !header.includes('qid')) throw new DataFormatError(path, 'missing the "qid" column (3DSRBench groups questions by it)', { field: 'qid' });
  const cot = options.cot ?? true;
  const dataset = basename(path, extname(path));
  const items: BenchItem<McqMeta>[] = [];
  for (const r of rows) {
    const row = parseRow(path, mcqRow, r.text, r.row);
    const choices: Record<string, string> = {};
    const asWritten: Record<string, string> = {};
    for (const k of letters) {
      const v = r.pandas[k];
      if (v !== null && v !== undefined) {
        choices[k] = v;
        asWritten[k] = r.text[k]!;
      }
    }
    const differs = Object.keys(choices).some((k) => choices[k] !== asWritten[k]);
    if (!(row.answer in choices)) throw new DataFormatError(path, `answer "${row.answer}" is not one of the options ${Object.keys(choices).join('')}`, { row: r.row, field: 'answer' });
    if (requireQid && !row.qid) throw new DataFormatError(path, 'empty qid', { row: r.row, field: 'qid' });
    const hint = r.pandas['hint'] ?? undefined;
    const category = r.pandas['category'] ?? undefined;
    const l2 = r.pandas['l2-category'] ?? undefined;
    items.push({
      id: row.index,
      prompt: imagePlaceholders(r.imageCount) + vlmevalMcqPrompt(r.pandas['question'] ?? 'nan', choices, hint, cot),
      images: r.images,
      gold: row.answer,
      category: category ?? 'all',
      meta: {
        index: row.index,
        choices,
        ...(differs ? { choicesAsWritten: asWritten } : {}),
        dataset,
        ...(l2 !== undefined ? { l2Category: l2 } : {}),
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
