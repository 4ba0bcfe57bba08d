import { join } from 'node:path';
import { z } from 'zod';
import { type BarGroup, drawBarPanel, drawLegend, escapeXml, f1, svgHeader } from './bar-chart.js';
import { BenchError } from './errors.js';
import { parseRow, readJsonLines } from './io/json-files.js';
import { normalQuantile, wilsonInterval, type Interval } from './stats.js';

/**
 * The interval of a mean of per-item scores in [0, 1]: Wilson's when every score is 0 or 1,
 * otherwise the normal interval of the mean (sample standard deviation, clamped to [0, 1]; a
 * single item gives [0, 1]). `confidence` in (0, 1), default 0.95.
 */
export function itemScoresInterval(scores: readonly number[], confidence = 0.95): Interval {
  if (scores.length === 0) throw new BenchError('BAD_ARGUMENT', 'an interval needs at least one item score');
  if (scores.some((s) => !(s >= 0 && s <= 1))) throw new BenchError('BAD_ARGUMENT', 'item scores must lie in [0, 1]');
  const n = scores.length;
  if (scores.every((s) => s === 0 || s === 1)) return wilsonInterval(scores.filter((s) => s === 1).length, n, confidence);
  const mean = scores.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { estimate: mean, lower: 0, upper: 1 };
  const variance = scores.reduce((a, s) => a + (s - mean) ** 2, 0) / (n - 1);
  const half = normalQuantile(1 - (1 - confidence) / 2) * Math.sqrt(variance / n);
  return { estimate: mean, lower: Math.max(0, mean - half), upper: Math.min(1, mean + half) };
}

/** Per-item scores of several runs, per benchmark and category, for {@link compareFigureSvg}. */
export interface CompareFigureData {
  /** One label per run, in legend order. */
  readonly labels: readonly string[];
  /** Benchmarks in drawing order; each group (`overall`, then categories) holds one score list per run (`undefined` where a run has none). */
  readonly benchmarks: readonly { readonly name: string; readonly groups: readonly { readonly label: string; readonly scores: readonly (readonly number[] | undefined)[] }[] }[];
}

const scoredLine = z.object({ benchmark: z.string(), category: z.string(), score: z.number().min(0).max(1) });

/**
 * Reads the per-item scores (headline rule, first sample) of run folders from their
 * `predictions.jsonl`, grouped by benchmark (sorted) and category (`overall` first).
 */
export async function readCompareFigureData(runDirs: readonly string[], labels: readonly string[]): Promise<CompareFigureData> {
  if (runDirs.length !== labels.length) throw new BenchError('BAD_ARGUMENT', `${runDirs.length} run folders but ${labels.length} labels`);
  const perRun: Map<string, Map<string, number[]>>[] = [];
  for (const dir of runDirs) {
    const file = join(dir, 'predictions.jsonl');
    const byBench = new Map<string, Map<string, number[]>>();
    for await (const [line, value] of readJsonLines(file)) {
      const r = parseRow(file, scoredLine, value, line);
      let cats = byBench.get(r.benchmark);
      if (!cats) byBench.set(r.benchmark, (cats = new Map([['overall', []]])));
      cats.get('overall')!.push(r.score);
      let list = cats.get(r.category);
      if (!list) cats.set(r.category, (list = []));
      list.push(r.score);
    }
    perRun.push(byBench);
  }
  const names = [...new Set(perRun.flatMap((m) => [...m.keys()]))].sort();
  return {
    labels,
    benchmarks: names.map((name) => {
      const cats = [...new Set(perRun.flatMap((m) => [...(m.get(name)?.keys() ?? [])]))].filter((c) => c !== 'overall').sort();
      return { name, groups: ['overall', ...cats].map((label) => ({ label, scores: perRun.map((m) => m.get(name)?.get(label)) })) };
    }),
  };
}

/** Options of {@link compareFigureSvg}. */
export interface CompareFigureOptions {
  readonly title?: string;
  /** Confidence level of the intervals, default 0.95. */
  readonly confidence?: number;
  /** Width in px, default 1000. */
  readonly width?: number;
}

const PANEL = { title: 26, plot: 170, labels: 70 };

/**
 * A figure comparing runs: one panel per benchmark, in each a group for the overall score and
 * one per category, one bar per run at its mean per-item score (percent) with a whisker for the
 * interval of {@link itemScoresInterval}, and `n` items under each group.
 */
export function compareFigureSvg(data: CompareFigureData, options: CompareFigureOptions = {}): string {
  if (data.labels.length === 0) throw new BenchError('BAD_ARGUMENT', 'a comparison figure needs at least one run');
  const confidence = options.confidence ?? 0.95;
  const width = options.width ?? 1000;
  const m = { left: 64, right: 16, top: 56 };
  const panelH = PANEL.title + PANEL.plot + PANEL.labels;
  const height = m.top + Math.max(1, data.benchmarks.length) * panelH + 8;
  const level = `${Math.round(confidence * 1000) / 10} %`;
  const out = svgHeader(width, height, options.title ?? `Scores per benchmark and category, mean per-item score with ${level} intervals`);
  drawLegend(out, m.left, 30, data.labels);
  data.benchmarks.forEach((b, k) => {
    const top = m.top + k * panelH;
    const counts = (g: (typeof b.groups)[number]) => [...new Set(g.scores.map((s) => s?.length).filter((n): n is number => n !== undefined))].join('/');
    out.push(`<text x="${m.left}" y="${f1(top + 16)}" font-size="13" font-weight="bold">${escapeXml(b.name)}</text>`);
    const groups: BarGroup[] = b.groups.map((g) => ({
      label: `${g.label}\nn=${counts(g)}`,
      bars: g.scores.map((s) => (s && s.length > 0 ? itemScoresInterval(s, confidence) : undefined)),
    }));
    drawBarPanel(out, { left: m.left, top: top + PANEL.title, width: width - m.left - m.right, height: PANEL.plot }, groups, data.labels.length, 'score (%)');
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
