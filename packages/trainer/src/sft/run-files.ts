import path from 'node:path';
import { appendJsonl, readJsonlFile, writeJsonl } from '@spatial-ssrl/spec/node';
import { writeSvgChart } from '@spatial-ssrl/image';
import { renderLineChart, type ChartSeries } from '../svg-chart.js';
import type { EvalReport } from './evaluate.js';

/** One line of `metrics.jsonl`: a training interval or an evaluation. */
export type MetricsLine =
  | {
      readonly type: 'train';
      readonly step: number;
      /** Mean loss (nats per answer token) over the steps since the previous line. */
      readonly loss: number;
      readonly lr: number;
      readonly gradNorm: number;
      /** Training samples per second over the interval (wall clock). */
      readonly samplesPerSec: number;
      readonly elapsedSec: number;
    }
  | { readonly type: 'eval'; readonly step: number; readonly elapsedSec: number; readonly report: EvalReport };

/** Paths of a training run folder. */
export interface RunPaths {
  readonly dir: string;
  readonly checkpoint: string;
  readonly metrics: string;
  readonly curve: string;
  readonly curvePng: string;
  readonly config: string;
}

/** The files of run folder `dir`: `checkpoint/`, `metrics.jsonl`, `curve.svg`, `curve.png`, `run.json`. */
export function runPaths(dir: string): RunPaths {
  return {
    dir,
    checkpoint: path.join(dir, 'checkpoint'),
    metrics: path.join(dir, 'metrics.jsonl'),
    curve: path.join(dir, 'curve.svg'),
    curvePng: path.join(dir, 'curve.png'),
    config: path.join(dir, 'run.json'),
  };
}

/** Reads `metrics.jsonl` (missing file → no lines). */
export async function readMetrics(file: string): Promise<MetricsLine[]> {
  return readJsonlFile<MetricsLine>(file, { missing: 'empty' });
}

/** Rewrites `metrics.jsonl` keeping only lines up to `step` (used when a run resumes from a checkpoint). */
export async function truncateMetrics(file: string, step: number): Promise<MetricsLine[]> {
  const kept = (await readMetrics(file)).filter((m) => m.step <= step);
  await writeJsonl(file, kept);
  return kept;
}

/** Appends one line to `metrics.jsonl`. */
export async function appendMetrics(file: string, line: MetricsLine): Promise<void> {
  await appendJsonl(file, [line]);
}

const TASK_COLOURS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d'];

/** The loss-and-accuracy curve of a run as SVG: training loss (left axis) and held-out accuracy per task (right axis). */
export function renderTrainingCurve(lines: readonly MetricsLine[], title: string): string {
  const train = lines.filter((l): l is Extract<MetricsLine, { type: 'train' }> => l.type === 'train');
  const evals = lines.filter((l): l is Extract<MetricsLine, { type: 'eval' }> => l.type === 'eval');
  const tasks = [...new Set(evals.flatMap((e) => Object.keys(e.report.tasks)))].sort();
  const series: ChartSeries[] = [{ name: 'train loss', points: train.map((l) => [l.step, l.loss]), color: '#222' }];
  tasks.forEach((t, i) => {
    series.push({
      name: `${t} accuracy`,
      axis: 'right',
      markers: true,
      color: TASK_COLOURS[i % TASK_COLOURS.length],
      points: evals.filter((e) => e.report.tasks[t]).map((e) => [e.step, e.report.tasks[t].accuracy]),
    });
  });
  if (evals.length > 0) {
    series.push({
      name: 'format rate',
      axis: 'right',
      markers: true,
      color: '#999',
      points: evals.map((e) => [e.step, e.report.overall.format]),
    });
  }
  // The first steps' loss is many times the rest; cap the axis so the later curve stays readable.
  const losses = train.map((l) => l.loss).sort((a, b) => a - b);
  const cap = losses.length > 4 ? Math.min(losses[losses.length - 1], 3 * losses[Math.floor(losses.length / 2)]) : undefined;
  return renderLineChart({
    title,
    x: { label: 'step', min: 0 },
    left: { label: 'loss (nats / answer token)', min: 0, max: cap },
    right: { label: 'held-out accuracy', min: 0, max: 1 },
    series,
  });
}

/**
 * Writes the curve of the metrics lines to `file` (SVG) and, given `pngFile` and an image codec
 * that rasterises SVG, to `pngFile`; returns whether the PNG was written.
 */
export async function writeTrainingCurve(file: string, lines: readonly MetricsLine[], title: string, pngFile?: string): Promise<boolean> {
  return writeSvgChart(file, renderTrainingCurve(lines, title), pngFile);
}
