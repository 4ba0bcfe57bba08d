import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { renderRewardCurve, runPaths, renderTrainingCurve, type GrpoMetricsLine, type MetricsLine } from '@spatial-ssrl/trainer';
import { readLines } from '@spatial-ssrl/spec/node';

/** A training run folder found under the runs directory. */
export interface RunFolder {
  /** Path relative to the runs directory, `/`-separated. */
  readonly name: string;
  /** `grpo` when its training lines carry rewards, otherwise `sft`. */
  readonly kind: 'sft' | 'grpo';
  /** Last step in `metrics.jsonl`. */
  readonly step: number;
  /** Evaluations written so far. */
  readonly evaluations: number;
  /** When `metrics.jsonl` last changed, ms since the epoch. */
  readonly updatedMs: number;
}

/** A pipeline folder holding `report.md`. */
export interface ReportFolder {
  readonly name: string;
  readonly updatedMs: number;
}

const SKIP = new Set(['node_modules', 'checkpoint', 'images', 'figures', '.git']);
const MAX_DEPTH = 4;

const toName = (root: string, dir: string): string => relative(root, dir).split(sep).join('/') || '.';

/**
 * Reads a `metrics.jsonl` that may be being written: lines that are not JSON (the one being
 * appended, a damaged one) are skipped rather than failing the whole file, and a file that
 * cannot be read gives the lines read so far.
 */
export async function readMetricsTolerant(file: string): Promise<Record<string, unknown>[]> {
  const lines: Record<string, unknown>[] = [];
  try {
    for await (const line of readLines(file)) {
      if (line.text.trim() === '') continue;
      try {
        const value = JSON.parse(line.text) as unknown;
        if (value && typeof value === 'object' && typeof (value as { step?: unknown }).step === 'number') lines.push(value as Record<string, unknown>);
      } catch {
        // a line still being written, or a damaged one
      }
    }
  } catch {
    // gone or unreadable: the run shows what could be read
  }
  return lines;
}

function kindOf(lines: readonly Record<string, unknown>[]): RunFolder['kind'] {
  return lines.some((l) => l.type === 'train' && typeof l.reward === 'object') ? 'grpo' : 'sft';
}

/** Finds run folders (`metrics.jsonl`) and pipeline reports (`report.md`) up to four levels under `root`. */
export async function findRuns(root: string): Promise<{ runs: RunFolder[]; reports: ReportFolder[] }> {
  const runs: RunFolder[] = [];
  const reports: ReportFolder[] = [];
  async function walk(dir: string, depth: number): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const names = new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
    const file = runPaths(dir).metrics;
    if (names.has(basename(file))) {
      const lines = await readMetricsTolerant(file);
      const updatedMs = (await stat(file).catch(() => ({ mtimeMs: 0 }))).mtimeMs;
      runs.push({
        name: toName(root, dir),
        kind: kindOf(lines),
        step: lines.reduce((m, l) => Math.max(m, l.step as number), 0),
        evaluations: lines.filter((l) => l.type === 'eval').length,
        updatedMs,
      });
    }
    if (names.has('report.md')) reports.push({ name: toName(root, dir), updatedMs: (await stat(join(dir, 'report.md'))).mtimeMs });
    if (depth >= MAX_DEPTH) return;
    for (const e of entries.filter((x) => x.isDirectory() && !SKIP.has(x.name) && !x.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      await walk(join(dir, e.name), depth + 1);
    }
  }
  await walk(root, 0);
  return { runs, reports };
}

/** The curve of a run as SVG, drawn now from its `metrics.jsonl` with the trainers' own chart (loss and accuracy for SFT, reward for GRPO). */
export async function runCurveSvg(dir: string, title: string): Promise<string> {
  const lines = await readMetricsTolerant(runPaths(dir).metrics);
  return kindOf(lines) === 'grpo' ? renderRewardCurve(lines as unknown as GrpoMetricsLine[], title) : renderTrainingCurve(lines as unknown as MetricsLine[], title);
}
