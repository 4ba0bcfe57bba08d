import { readLines } from '@spatial-ssrl/spec/node';
import { SYNTH_BENCHES } from './categories.js';
import type { SynthOptions } from './generate.js';
import { LETTERS } from './select.js';

/** Counts of a finished synthetic benchmark, per category. */
export interface SynthCategorySummary {
  readonly description: string;
  readonly train: number;
  readonly test: number;
  /** Chance accuracy, 0-1: one over the number of options. */
  readonly chance: number;
  /** Items per answer key and per correct letter. */
  readonly answers: Readonly<Record<string, number>>;
  readonly letters: Readonly<Record<string, number>>;
  /** Rejected candidate questions per reason. */
  readonly rejected: Readonly<Record<string, number>>;
}

function sorted<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function bump(record: Record<string, number>, key: string, by = 1): void {
  record[key] = (record[key] ?? 0) + by;
}

/** Reads a written benchmark back into the manifest's counts, the per-category summary and the scenes per split. */
export async function countDataset(samplesPath: string, rejectionsPath: string, o: SynthOptions) {
  const byAnswer: Record<string, number> = {};
  const byVariant: Record<string, number> = {};
  const bySplit: Record<string, number> = {};
  const categories: Record<string, { description: string; train: number; test: number; chance: number; answers: Record<string, number>; letters: Record<string, number>; rejected: Record<string, number> }> = {};
  for (const c of SYNTH_BENCHES[o.bench].categories) categories[c.id] = { description: c.description, train: 0, test: 0, chance: 0, answers: {}, letters: {}, rejected: {} };
  const trainScenes = new Set<number>();
  const testScenes = new Set<number>();
  let samples = 0;
  for await (const line of recordLines(samplesPath)) {
    const s = JSON.parse(line) as { variant: string; split: 'train' | 'test'; answer: string; meta: { scene: number; answerKey: string; choices: Record<string, string> } };
    const c = categories[s.variant]!;
    samples++;
    c[s.split]++;
    c.chance += 1 / Object.keys(s.meta.choices).length;
    bump(c.answers, s.meta.answerKey);
    bump(c.letters, s.answer);
    bump(byAnswer, s.answer);
    bump(byVariant, s.variant);
    bump(bySplit, s.split);
    (s.split === 'train' ? trainScenes : testScenes).add(s.meta.scene);
  }
  const byCode: Record<string, number> = {};
  let rejections = 0;
  for await (const line of recordLines(rejectionsPath)) {
    const r = JSON.parse(line) as { code: string; category: string };
    rejections++;
    bump(byCode, r.code);
    bump(categories[r.category]!.rejected, r.code);
  }
  for (const c of Object.values(categories)) {
    const n = c.train + c.test;
    c.chance = n > 0 ? c.chance / n : 0;
    c.answers = sorted(c.answers);
    c.letters = sorted(c.letters);
    c.rejected = sorted(c.rejected);
  }
  const counts = {
    samples,
    failed: 0,
    byTask: { [o.bench]: samples },
    byVariant: { [o.bench]: sorted(byVariant) },
    byAnswer: { [o.bench]: sorted(byAnswer) },
    bySplit: sorted(bySplit),
    byTaskSplit: { [o.bench]: sorted(bySplit) },
    rejections: { total: rejections, byCode: sorted(byCode), byKind: rejections ? { task: rejections } : {}, badSources: 0 },
  };
  return { counts, categories: categories as Record<string, SynthCategorySummary>, scenes: { train: trainScenes.size, test: testScenes.size } };
}

async function* recordLines(path: string): AsyncGenerator<string> {
  for await (const line of readLines(path)) if (line.complete && line.text.trim() !== '') yield line.text;
}

const pct = (part: number, whole: number): string => (whole > 0 ? ((100 * part) / whole).toFixed(1) : '–');

/** The Markdown summary of a finished synthetic benchmark: items, chance, answer and letter balance, rejections. */
export function summaryMarkdown(o: SynthOptions, categories: Readonly<Record<string, SynthCategorySummary>>, scenes: { train: number; test: number }): string {
  const bench = SYNTH_BENCHES[o.bench];
  const rows = Object.entries(categories).map(([id, c]) => {
    const n = c.train + c.test;
    const answers = Object.entries(c.answers).map(([k, v]) => `${k} ${pct(v, n)}`).join(', ');
    const letters = LETTERS.filter((l) => c.letters[l] !== undefined).map((l) => `${l} ${pct(c.letters[l]!, n)}`).join(', ');
    const rejected = Object.entries(c.rejected).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
    return `| ${id} | ${c.train} | ${c.test} | ${(100 * c.chance).toFixed(1)} | ${answers} | ${letters} | ${rejected} |`;
  });
  const descriptions = Object.entries(categories).map(([id, c]) => `- \`${id}\`: ${c.description}.`);
  return [
    `# ${bench.title}: \`${o.bench}\``,
    '',
    `${o.count} items, seed ${o.seed}, ${o.width}×${o.height} images; scenes: ${scenes.train} train, ${scenes.test} test (held out by scene seed, test fraction ${o.testFraction}, split seed ${o.splitSeed}).`,
    '',
    '| category | train | test | chance % | answers % | correct letters % | rejected candidates |',
    '|---|---:|---:|---:|---|---|---|',
    ...rows,
    '',
    ...descriptions,
    '',
  ].join('\n');
}
