import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { BenchScore } from './benchmark.js';
import { BenchError, DataFormatError } from './errors.js';

/** Columns of the paper's headline table, in order (Avg is computed). */
export const PAPER_COLUMNS = ['Sp457', '3DSR', 'SpEval', 'QSp+', 'WhatsUp', 'ViewSp', 'VSI'] as const;
/** One of {@link PAPER_COLUMNS}. */
export type PaperColumn = (typeof PAPER_COLUMNS)[number];

/** Registry name of the benchmark behind each paper column. */
const PAPER_COLUMN_BENCHMARK: Readonly<Record<PaperColumn, string>> = {
  Sp457: 'spatial457',
  '3DSR': '3dsrbench',
  SpEval: 'spatialeval',
  'QSp+': 'qspatial-plus',
  WhatsUp: 'whatsup',
  ViewSp: 'viewspatial',
  VSI: 'vsi-bench',
};

/** One row of a results table: a model, whether it answered with chain of thought, and headline scores (0-100) by column or benchmark name. */
export interface ResultRow {
  readonly model: string;
  readonly cot?: boolean;
  readonly scores: Readonly<Record<string, number>>;
}

/**
 * The headline table of the Spatial-SSRL paper (arXiv 2510.27606): Qwen2.5-VL base models
 * against Spatial-SSRL, seven spatial benchmarks, Avg = unweighted mean of the seven.
 */
export const PAPER_TABLE: readonly ResultRow[] = [
  { model: 'Qwen2.5-VL-3B', cot: false, scores: { Sp457: 33.7, '3DSR': 50.3, SpEval: 54.65, 'QSp+': 33.66, WhatsUp: 85.85, ViewSp: 35.38, VSI: 27.84 } },
  { model: 'Spatial-SSRL-3B', cot: true, scores: { Sp457: 46.07, '3DSR': 51.72, SpEval: 59.59, 'QSp+': 39.6, WhatsUp: 86.71, ViewSp: 36.62, VSI: 33.49 } },
  { model: 'Qwen2.5-VL-7B', cot: false, scores: { Sp457: 44.67, '3DSR': 53.39, SpEval: 62.37, 'QSp+': 46.53, WhatsUp: 86.95, ViewSp: 36.83, VSI: 38.08 } },
  { model: 'Spatial-SSRL-7B', cot: true, scores: { Sp457: 53.34, '3DSR': 56.53, SpEval: 64.03, 'QSp+': 54.46, WhatsUp: 90.61, ViewSp: 37.81, VSI: 39.29 } },
];

/** Where {@link PAPER_TABLE} comes from, for reports. */
export const PAPER_TABLE_SOURCE = 'Spatial-SSRL (arXiv 2510.27606), headline table: Qwen2.5-VL base vs Spatial-SSRL; Avg = unweighted mean of the 7';

function columnScore(row: ResultRow, col: PaperColumn): number | undefined {
  return row.scores[col] ?? row.scores[PAPER_COLUMN_BENCHMARK[col]];
}

function cell(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(2);
}

/**
 * A Markdown table in the paper's layout: one row per model, one column per benchmark, then
 * Avg (unweighted mean; marked `*` when some of the seven are missing, then averaged over the
 * present ones). Scores under other names (e.g. `ssrl-tasks`) become extra columns after Avg.
 */
export function markdownTable(rows: readonly ResultRow[]): string {
  const known = new Set<string>([...PAPER_COLUMNS, ...Object.values(PAPER_COLUMN_BENCHMARK)]);
  const extra = [...new Set(rows.flatMap((r) => Object.keys(r.scores).filter((k) => !known.has(k))))].sort();
  const head = ['model', 'CoT', ...PAPER_COLUMNS, 'Avg', ...extra];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  let partial = false;
  for (const r of rows) {
    const vals = PAPER_COLUMNS.map((c) => columnScore(r, c));
    const present = vals.filter((v): v is number => v !== undefined && Number.isFinite(v));
    const avg = present.length ? present.reduce((a, b) => a + b, 0) / present.length : undefined;
    const mark = present.length > 0 && present.length < PAPER_COLUMNS.length ? '*' : '';
    if (mark) partial = true;
    const cot = r.cot === undefined ? '–' : r.cot ? 'yes' : 'no';
    lines.push(`| ${[r.model, cot, ...vals.map(cell), cell(avg) + mark, ...extra.map((e) => cell(r.scores[e]))].join(' | ')} |`);
  }
  let out = lines.join('\n') + '\n';
  if (partial) out += '\n\\* mean over the benchmarks present in that row only.\n';
  return out;
}

/** The `scores.json` a run folder holds. */
export const runSummarySchema = z.object({
  model: z.string(),
  cot: z.boolean(),
  sampling: z.object({ temperature: z.number(), topP: z.number(), maxTokens: z.number(), seed: z.number(), n: z.number() }),
  benchmarks: z.record(
    z.string(),
    z.object({
      benchmark: z.string(),
      headline: z.number(),
      rule: z.string(),
      categories: z.record(z.string(), z.number()),
      n: z.number(),
      errors: z.number(),
      variants: z.record(z.string(), z.object({ label: z.string(), headline: z.number(), categories: z.record(z.string(), z.number()) })),
      notes: z.array(z.string()).optional(),
    }),
  ),
});
/** A run folder's `scores.json`. */
export type RunSummary = z.infer<typeof runSummarySchema>;

/** The table row of a run summary: headline score per benchmark. */
export function summaryRow(summary: RunSummary, label = summary.model): ResultRow {
  const scores: Record<string, number> = {};
  for (const [name, s] of Object.entries(summary.benchmarks)) scores[name] = s.headline;
  return { model: label, cot: summary.cot, scores };
}

/** Reads and validates `<runDir>/scores.json`. */
export async function readRunSummary(runDir: string): Promise<RunSummary> {
  const file = join(runDir, 'scores.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BenchError('MISSING_FILE', `${file}: no such file (is ${runDir} a run folder?)`, { cause: err });
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DataFormatError(file, `not valid JSON (${(err as Error).message})`, {}, { cause: err });
  }
  const r = runSummarySchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new DataFormatError(file, issue.message, { field: issue.path.join('.') });
  }
  return r.data;
}

function categoryTable(name: string, labels: readonly string[], scores: readonly (BenchScore | RunSummary['benchmarks'][string] | undefined)[]): string {
  const cats = [...new Set(scores.flatMap((s) => (s ? Object.keys(s.categories) : [])))].sort();
  const head = ['category', ...labels];
  const lines = [`### ${name}`, '', `| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  lines.push(`| **headline** | ${scores.map((s) => cell(s?.headline)).join(' | ')} |`);
  for (const c of cats) lines.push(`| ${c} | ${scores.map((s) => cell(s?.categories[c])).join(' | ')} |`);
  return lines.join('\n') + '\n';
}

/** Labels of compared runs: the model id, with the folder added when two runs share a model. */
export function runLabels(summaries: readonly RunSummary[], runDirs: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const s of summaries) counts.set(s.model, (counts.get(s.model) ?? 0) + 1);
  return summaries.map((s, i) => ((counts.get(s.model) ?? 0) > 1 ? `${s.model} (${runDirs[i]})` : s.model));
}

/**
 * Compares run folders: the paper-layout table with one row per run, then per-benchmark
 * category tables side by side. Runs are labelled by model id, suffixed with the folder when
 * two runs share a model.
 */
export async function compareRuns(runDirs: readonly string[]): Promise<string> {
  if (runDirs.length === 0) throw new BenchError('BAD_ARGUMENT', 'compareRuns needs at least one run folder');
  const summaries = await Promise.all(runDirs.map(readRunSummary));
  const labels = runLabels(summaries, runDirs);
  let out = '## Headline scores\n\n' + markdownTable(summaries.map((s, i) => summaryRow(s, labels[i])));
  const names = [...new Set(summaries.flatMap((s) => Object.keys(s.benchmarks)))].sort();
  for (const name of names) out += '\n' + categoryTable(name, labels, summaries.map((s) => s.benchmarks[name]));
  return out;
}
