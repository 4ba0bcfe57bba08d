import path from 'node:path';
import { appendJsonl, readJsonlFile, writeJsonl } from '@spatial-ssrl/spec/node';
import { writeSvgChart } from '@spatial-ssrl/image';
import type { EvalReport } from '../sft/evaluate.js';
import { renderLineChart, type ChartSeries } from '../svg-chart.js';

/** Mean rewards of a set of responses, each in [0, 1]. */
export interface RewardMeans {
  readonly overall: number;
  readonly accuracy: number;
  readonly format: number;
  /** Responses averaged. */
  readonly n: number;
}

/** One training step of `metrics.jsonl` (EasyR1 metric names in camelCase where one exists). */
export interface GrpoStepLine {
  readonly type: 'train';
  readonly step: number;
  /** Rewards of every response of the step, before filtering. */
  readonly reward: RewardMeans;
  /** The same per task. */
  readonly rewardByTask: Readonly<Record<string, RewardMeans>>;
  /** KL(rollout policy ‖ reference) estimated with `klKind` on the sampled tokens, nats per token. */
  readonly rolloutKl: number;
  /** β used in this step. */
  readonly klCoef: number;
  /** Means over the step's optimizer steps (absent when every group was filtered). */
  readonly loss?: number;
  readonly pgLoss?: number;
  readonly klLoss?: number;
  readonly ppoKl?: number;
  readonly pgClipfracHigher?: number;
  readonly pgClipfracLower?: number;
  readonly entropyLoss?: number;
  readonly gradNorm?: number;
  /** Largest |ratio − 1| on the first mini-batch of the first pass, before any update of this step. */
  readonly firstRatioMaxDev?: number;
  /** Mean response length in tokens (EOS included). */
  readonly responseLength: number;
  /** Share of responses cut off by `maxNewTokens`. */
  readonly clippedResponses: number;
  readonly groupsKept: number;
  readonly groupsFiltered: number;
  /** Optimizer steps taken in this step. */
  readonly updates: number;
  readonly lr: number;
  readonly rolloutSec: number;
  /** Reference log-probabilities and advantages. */
  readonly scoreSec: number;
  readonly updateSec: number;
  readonly elapsedSec: number;
}

/** One held-out evaluation (the same shape as the SFT runs' evaluation lines). */
export interface GrpoEvalLine {
  readonly type: 'eval';
  readonly step: number;
  readonly elapsedSec: number;
  readonly report: EvalReport;
}

/** One line of a GRPO run's `metrics.jsonl`. */
export type GrpoMetricsLine = GrpoStepLine | GrpoEvalLine;

/** One group of responses as written to `rollouts.jsonl`. */
export interface RolloutLogLine {
  readonly step: number;
  readonly id: string;
  readonly task: string;
  readonly answer: string;
  readonly responses: readonly { readonly text: string; readonly finishReason: string; readonly overall: number; readonly accuracy: number; readonly format: number; readonly advantage?: number }[];
}

/** Paths of a GRPO run folder. */
export interface GrpoRunPaths {
  readonly dir: string;
  readonly checkpoint: string;
  readonly config: string;
  readonly metrics: string;
  readonly rollouts: string;
  readonly curve: string;
  readonly curvePng: string;
}

/** The files of GRPO run folder `dir`. */
export function grpoRunPaths(dir: string): GrpoRunPaths {
  return {
    dir,
    checkpoint: path.join(dir, 'checkpoint'),
    config: path.join(dir, 'config.json'),
    metrics: path.join(dir, 'metrics.jsonl'),
    rollouts: path.join(dir, 'rollouts.jsonl'),
    curve: path.join(dir, 'curve.svg'),
    curvePng: path.join(dir, 'curve.png'),
  };
}

/** Reads a GRPO run's `metrics.jsonl` (missing file → no lines). */
export async function readGrpoMetrics(dir: string): Promise<GrpoMetricsLine[]> {
  return readJsonlFile<GrpoMetricsLine>(grpoRunPaths(dir).metrics, { missing: 'empty' });
}

/** Reads a GRPO run's `rollouts.jsonl` (missing file → no lines). */
export async function readRolloutLog(dir: string): Promise<RolloutLogLine[]> {
  return readJsonlFile<RolloutLogLine>(grpoRunPaths(dir).rollouts, { missing: 'empty' });
}

/** Rewrites a JSON-lines file keeping the lines whose `step` is at most `step` (on resume). */
export async function truncateJsonLines<T extends { step: number }>(file: string, step: number): Promise<T[]> {
  const kept = (await readJsonlFile<T>(file, { missing: 'empty' })).filter((l) => l.step <= step);
  await writeJsonl(file, kept);
  return kept;
}

/** Appends one JSON line. */
export async function appendJsonLine(file: string, line: unknown): Promise<void> {
  await appendJsonl(file, [line]);
}

const TASK_COLOURS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d'];

// A centred moving average over `window` points, so the trend shows through per-step noise.
function smooth(points: readonly (readonly [number, number])[], window: number): [number, number][] {
  return points.map((p, i) => {
    const lo = Math.max(0, i - Math.floor(window / 2));
    const hi = Math.min(points.length, lo + window);
    let s = 0;
    for (let j = lo; j < hi; j++) s += points[j][1];
    return [p[0], s / (hi - lo)];
  });
}

/**
 * The reward curve of a GRPO run as SVG: mean training reward per step (raw and smoothed) with
 * its accuracy part on the left axis, held-out accuracy per task as markers, and the KL to the
 * reference on the right axis.
 */
export function renderRewardCurve(lines: readonly GrpoMetricsLine[], title: string): string {
  const train = lines.filter((l): l is GrpoStepLine => l.type === 'train');
  const evals = lines.filter((l): l is GrpoEvalLine => l.type === 'eval');
  const reward = train.map((l) => [l.step, l.reward.overall] as [number, number]);
  const window = Math.max(1, Math.min(25, Math.round(train.length / 15)));
  const series: ChartSeries[] = [
    { name: 'reward (per step)', points: reward, color: '#bbb' },
    { name: `reward (mean of ${window})`, points: smooth(reward, window), color: '#222' },
    { name: 'accuracy reward', points: smooth(train.map((l) => [l.step, l.reward.accuracy]), window), color: '#1f78b4' },
    { name: 'KL to reference', axis: 'right', points: train.map((l) => [l.step, l.klLoss ?? l.rolloutKl]), color: '#e31a1c' },
  ];
  const tasks = [...new Set(evals.flatMap((e) => Object.keys(e.report.tasks)))].sort();
  tasks.forEach((t, i) => {
    series.push({
      name: `${t} held-out`,
      markers: true,
      color: TASK_COLOURS[i % TASK_COLOURS.length],
      points: evals.filter((e) => e.report.tasks[t]).map((e) => [e.step, e.report.tasks[t].accuracy]),
    });
  });
  return renderLineChart({
    title,
    x: { label: 'step', min: 0 },
    left: { label: 'reward / accuracy', min: 0, max: 1 },
    right: { label: 'KL (nats / token)', min: 0 },
    series,
  });
}

/**
 * Writes `curve.svg` and, when the image codec can rasterise SVG (sharp with librsvg), `curve.png`.
 * Returns whether the PNG was written.
 */
export async function writeRewardCurve(paths: GrpoRunPaths, lines: readonly GrpoMetricsLine[], title: string, png = true): Promise<boolean> {
  return writeSvgChart(paths.curve, renderRewardCurve(lines, title), png ? paths.curvePng : undefined);
}
