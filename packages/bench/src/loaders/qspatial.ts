import { dirname, extname, isAbsolute, join } from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { z } from 'zod';
import { defineBenchmark, type BenchItem, type Benchmark, type LoadOptions } from '../benchmark.js';
import { BenchError, DataFormatError } from '../errors.js';
import { imageFromBase64, readImageFile, toPolicyImage } from '../io/images.js';
import { parseRow, readJsonFile, readJsonLines } from '../io/json-files.js';
import { imagePlaceholders, type PolicyImage } from '@spatial-ssrl/spec';
import { vlmevalTextPart } from '../prompts.js';
import { judgeQspatial, scoreQspatial } from '../scorers/qspatial.js';
import { readVlmevalTsv } from './vlmeval-tsv.js';

/** Per-item data of Q-Spatial items. */
interface QspatialMeta {
  readonly [key: string]: unknown;
  readonly answerValue: number;
  readonly answerUnit: string;
}

/** The system prompt of the Q-Spatial benchmark code (`prompt_templates/system_prompt.txt`). */
export const QSPATIAL_SYSTEM_PROMPT =
  'You will be provided with a question and a 2D image. The question involves measuring the precise distance in 3D space through a 2D image. ' +
  'You will answer the question by providing a numeric answer consisting of a scalar and a distance unit in the format of ' +
  '"""\\scalar{scalar} \\distance_unit{distance unit}""" at the end of your response.';

/** The Q-Spatial prompt as VLMEvalKit builds it: system prompt, newline, then the reasoning template (CoT) or the bare question. */
function qspatialPrompt(question: string, cot: boolean): string {
  const body = cot
    ? `Question: ${question}\nLet's thinkg step by step and start by finding good reference objects or object parts in the image.`
    : `Question: ${question}`;
  return vlmevalTextPart(`${QSPATIAL_SYSTEM_PROMPT}\n${body}`, cot);
}

const imageStruct = z.object({
  bytes: z.instanceof(Uint8Array).nullish(),
  path: z.string().nullish(),
});
const qRow = z.object({
  question: z.string().min(1, 'empty question'),
  answer_value: z.coerce.number().refine(Number.isFinite, 'answer_value must be a finite number'),
  answer_unit: z.string().min(1, 'empty answer_unit'),
  question_type: z.string().min(1, 'empty question_type'),
  image_path: z.string().nullish(),
  image: z.union([z.string(), imageStruct]).nullish(),
});
type QRow = z.infer<typeof qRow>;

function imageLoader(path: string, row: QRow, rowNumber: number, root: string): () => Promise<PolicyImage[]> {
  const img = row.image;
  if (typeof img === 'string' && img.length > 0) return async () => [await imageFromBase64(img)];
  if (img && typeof img === 'object' && img.bytes && img.bytes.length > 0) {
    const bytes = img.bytes;
    return async () => [await toPolicyImage(bytes)];
  }
  const rel = row.image_path ?? (img && typeof img === 'object' ? img.path : null);
  if (rel) {
    const file = isAbsolute(rel) ? rel : join(root, rel);
    return async () => [await readImageFile(file)];
  }
  throw new DataFormatError(path, 'no image: needs image bytes, a base64 image or an image_path', { row: rowNumber, field: 'image' });
}

async function readRows(path: string): Promise<{ row: number; value: unknown }[]> {
  const ext = extname(path).toLowerCase();
  if (ext === '.parquet') {
    let file;
    try {
      file = await asyncBufferFromFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BenchError('MISSING_FILE', `${path}: no such file`, { cause: err });
      throw err;
    }
    const rows = (await parquetReadObjects({ file, utf8: false })) as Record<string, unknown>[];
    const td = new TextDecoder();
    return rows.map((r, i) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r)) {
        if (k !== 'image') out[k] = v instanceof Uint8Array ? td.decode(v) : v;
        else if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
          const s = v as { bytes?: unknown; path?: unknown };
          out[k] = { bytes: s.bytes ?? null, path: s.path instanceof Uint8Array ? td.decode(s.path) : (s.path ?? null) };
        } else out[k] = v;
      }
      return { row: i + 1, value: out };
    });
  }
  if (ext === '.jsonl') {
    const out: { row: number; value: unknown }[] = [];
    for await (const [line, value] of readJsonLines(path)) out.push({ row: line, value });
    return out;
  }
  const data = await readJsonFile(path);
  if (!Array.isArray(data)) throw new DataFormatError(path, 'expected a JSON list of items');
  return data.map((value, i) => ({ row: i + 1, value }));
}

const TUPLE = /^\(\s*([^,]+?)\s*,\s*['"]([^'"]*)['"]\s*\)$/;

/**
 * Loads Q-Spatial (QSpatial_plus): the Hugging Face parquet (`question, answer_value,
 * answer_unit, question_type, image_path, image{bytes}`), the same rows as JSON/JSONL (image as
 * base64 or `image_path`), or a VLMEvalKit TSV whose `answer` is `(value, 'unit')`.
 */
async function loadQspatial(path: string, options: LoadOptions = {}): Promise<BenchItem<QspatialMeta>[]> {
  const cot = options.cot ?? true;
  const root = options.imageRoot ?? dirname(path);
  const items: BenchItem<QspatialMeta>[] = [];
  const push = (id: string, question: string, value: number, unit: string, type: string, images: () => Promise<PolicyImage[]>, count: number) => {
    items.push({
      id,
      prompt: imagePlaceholders(count) + qspatialPrompt(question, cot),
      images,
      gold: `${value} ${unit}`,
      category: type,
      meta: { answerValue: value, answerUnit: unit },
    });
  };
  if (extname(path).toLowerCase() === '.tsv') {
    const { rows } = await readVlmevalTsv(path, { imageRoot: root });
    for (const r of rows) {
      let value = r.text['answer_value'];
      let unit = r.text['answer_unit'];
      if (value === undefined || unit === undefined) {
        const m = TUPLE.exec((r.text['answer'] ?? '').trim());
        if (!m) throw new DataFormatError(path, `answer must look like (value, 'unit'), got "${r.text['answer'] ?? ''}"`, { row: r.row, field: 'answer' });
        value = m[1]!;
        unit = m[2]!;
      }
      const row = parseRow(path, qRow, { question: r.text['question'], answer_value: value, answer_unit: unit, question_type: r.text['question_type'] ?? r.text['category'] }, r.row);
      push(r.index, row.question, row.answer_value, row.answer_unit, row.question_type, r.images, r.imageCount);
      if (options.limit !== undefined && items.length >= options.limit) break;
    }
    return items;
  }
  for (const { row: n, value } of await readRows(path)) {
    const row = parseRow(path, qRow, value, n);
    push(String(n - 1), row.question, row.answer_value, row.answer_unit, row.question_type, imageLoader(path, row, n, root), 1);
    if (options.limit !== undefined && items.length >= options.limit) break;
  }
  return items;
}

/** Q-Spatial++ (QSpatial_plus, 101 items): metric distance estimation scored by the factor-2 success rate. */
export const qspatialBenchmark: Benchmark = defineBenchmark<QspatialMeta>({
  name: 'qspatial-plus',
  title: 'QSpatial_plus',
  column: 'QSp+',
  load: loadQspatial,
  judge: judgeQspatial,
  score: (items, texts) => scoreQspatial('qspatial-plus', items, texts),
});
