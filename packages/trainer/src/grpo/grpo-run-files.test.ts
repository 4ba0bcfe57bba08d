import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeImage } from '@spatial-ssrl/image';
import { describe, expect, it } from 'vitest';
import { appendJsonLine, grpoRunPaths, readGrpoMetrics, renderRewardCurve, truncateJsonLines, writeRewardCurve, type GrpoMetricsLine, type GrpoStepLine } from './grpo-run-files.js';

function stepLine(step: number, overall: number): GrpoStepLine {
  const reward = { overall, accuracy: overall, format: 1, n: 10 };
  return {
    type: 'train',
    step,
    reward,
    rewardByTask: { depth: reward },
    rolloutKl: 0.001 * step,
    klCoef: 0.01,
    klLoss: 0.001 * step,
    responseLength: 8,
    clippedResponses: 0,
    groupsKept: 2,
    groupsFiltered: 0,
    updates: 1,
    lr: 1e-4,
    rolloutSec: 1,
    scoreSec: 0.1,
    updateSec: 1,
    elapsedSec: step,
  };
}

const lines: GrpoMetricsLine[] = [
  { type: 'eval', step: 0, elapsedSec: 0, report: { tasks: { depth: { n: 4, accuracy: 0.25, format: 1 } }, overall: { n: 4, accuracy: 0.25, format: 1 } } },
  ...Array.from({ length: 30 }, (_, i) => stepLine(i + 1, 0.2 + 0.02 * i)),
];

describe('reward curve and run files', () => {
  it('draws the reward per step, its smoothed mean, the KL and held-out accuracy', () => {
    const svg = renderRewardCurve(lines, 'GRPO');
    for (const name of ['reward (per step)', 'reward (mean of 2)', 'accuracy reward', 'KL to reference', 'depth held-out']) expect(svg).toContain(name);
    expect(svg.match(/<path /g)).toHaveLength(5);
  });

  it('writes curve.svg and a PNG rendered from it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ssrl-curve-'));
    try {
      const paths = grpoRunPaths(dir);
      expect(await writeRewardCurve(paths, lines, 'GRPO')).toBe(true);
      expect(await readFile(paths.curve, 'utf8')).toContain('<svg');
      const png = await decodeImage(paths.curvePng);
      expect([png.width, png.height]).toEqual([800, 450]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('truncates the metrics of a resumed run to its checkpoint step', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ssrl-metrics-'));
    try {
      const paths = grpoRunPaths(dir);
      for (const l of lines.slice(0, 6)) await appendJsonLine(paths.metrics, l);
      const kept = await truncateJsonLines<GrpoMetricsLine>(paths.metrics, 3);
      expect(kept.map((l) => l.step)).toEqual([0, 1, 2, 3]);
      expect(await readGrpoMetrics(dir)).toEqual(kept);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
