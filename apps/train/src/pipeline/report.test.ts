import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvaluationSummary, ScoredItem } from './evaluate-stage.js';
import type { MachineInfo } from './machine.js';
import { resolvePlan } from './plan.js';
import { RUN_LABELS, taskReportOf, writeReport, type EvaluatedRun, type ReportInput } from './report.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ssrl-report-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const N = 40;
function run(label: string, flip: (i: number) => boolean, crop: (i: number) => boolean): EvaluatedRun {
  const items: ScoredItem[] = [];
  for (const [task, right] of [['crop', crop], ['flip', flip]] as const) {
    for (let i = 0; i < N; i++) {
      const correct = right(i) ? 1 : 0;
      items.push({ id: `${task}-${i}`, task, variant: task === 'crop' ? 'separate' : '2x2', gold: 'A', text: correct ? '<think></think>\\boxed{A}' : 'B', correct, format: correct });
    }
  }
  const tasks: Record<string, { n: number; correct: number; formatted: number }> = {};
  for (const it of items) {
    const t = (tasks[it.task] ??= { n: 0, correct: 0, formatted: 0 });
    t.n++;
    t.correct += it.correct;
    t.formatted += it.format;
  }
  const correct = items.reduce((a, i) => a + i.correct, 0);
  const summary: EvaluationSummary = { policy: label, n: items.length, correct, formatted: correct, tasks, errors: 0, wallSec: 1 };
  return { label, summary, items };
}

const runs = {
  sft: run(RUN_LABELS.sft, (i) => i < 12, (i) => i % 2 === 0),
  grpo: run(RUN_LABELS.grpo, (i) => i < 28, (i) => i % 2 === 0),
  control: run(RUN_LABELS.control, (i) => i >= 4 && i < 20, (i) => i % 4 !== 3),
};
const chance = { crop: { chance: 0.25, variants: { separate: [40, 0.25] as const } }, flip: { chance: 0.125, variants: { '2x2': [40, 0.125] as const } } };
const machine: MachineInfo = { cpu: 'Test CPU', cores: 2, memoryGiB: 8, os: 'Linux 6', node: 'v20.0.0', packages: { '@spatial-ssrl/model': '0.1.0' } };

describe('taskReportOf', () => {
  it('pairs the runs item by item for both comparisons', () => {
    const report = taskReportOf({ runs, chance });
    expect(report.runs.map((r) => r.label)).toEqual(['SFT', 'SFT+GRPO', 'SFT-continued']);
    expect(report.chance).toEqual({ crop: 0.25, flip: 0.125 });
    const [vsSft, vsControl] = report.comparisons!;
    expect(vsSft.tasks.flip).toEqual({ bothRight: 12, onlyFirst: 16, onlySecond: 0, bothWrong: 12 });
    expect(vsControl.tasks.flip).toEqual({ bothRight: 16, onlyFirst: 12, onlySecond: 0, bothWrong: 12 });
    expect(vsControl.tasks.crop).toEqual({ bothRight: 20, onlyFirst: 0, onlySecond: 10, bothWrong: 10 });
  });
});

describe('writeReport', () => {
  it('writes the per-task table, the findings, the figures and the stage timings', async () => {
    const curveRun = join(dir, 'sft');
    await mkdir(curveRun, { recursive: true });
    await writeFile(join(curveRun, 'curve.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#f00"/></svg>');
    const input: ReportInput = {
      dir,
      command: 'ssrl-train pipeline --preset quick --out runs/quick',
      plan: {
        ...resolvePlan('quick'),
        modelInput: { imageSize: 48, patchSize: 16, features: { rgb: true, gradients: true, edges: true } },
        sft: { ...resolvePlan('quick').sft, taskWeights: { flip: 1.5, depth: 0.5 }, mirror: { shuffle: 0.5, flip: 0.25 } },
      },
      machine,
      backend: 'wasm',
      stages: [
        {
          id: 'sft',
          title: 'SFT',
          skipped: true,
          record: { stage: 'sft', status: 'complete', inputs: 'x', startedAt: '', wallSec: 301, loadStart: [1, 2, 3], loadEnd: [4, 5, 6], result: { step: 900, stopped: 'time' }, priorSec: 0 },
        },
      ],
      runs,
      chance,
      curves: [
        { name: 'sft-curve', title: 'SFT curve', runDir: curveRun },
        { name: 'grpo-curve', title: 'GRPO curve', runDir: join(dir, 'missing') },
      ],
    };
    const md = await writeReport(input);
    expect(await readFile(join(dir, 'report.md'), 'utf8')).toBe(md);
    const lines = md.split('\n');
    expect(lines).toContain('| task | n | chance | SFT | SFT+GRPO | SFT-continued | GRPO − SFT | GRPO − control |');
    expect(lines).toContain('| crop | 40 | 25.0 | 50.0 [35.2, 64.8] | 50.0 [35.2, 64.8] | 75.0 [59.8, 85.8] | +0.0 [-4.7, +4.7] | -25.0 [-38.0, -10.3] |');
    expect(lines).toContain('| flip | 40 | 12.5 | 30.0 [18.1, 45.4] | 70.0 [54.6, 81.9] | 40.0 [26.3, 55.4] | +40.0 [+22.7, +53.4] | +30.0 [+14.3, +43.1] |');
    expect(lines).toContain('| all tasks | 80 | 18.8 | 40.0 [30.0, 51.0] | 60.0 [49.0, 70.0] | 57.5 [46.6, 67.7] | +20.0 [+10.7, +28.5] | +2.5 [-9.1, +13.9] |');
    expect(lines).toContain('- **GRPO helped** (SFT+GRPO above SFT-continued, interval above 0): flip +30.0 [+14.3, +43.1].');
    expect(lines).toContain('- **GRPO did worse than more SFT** (SFT+GRPO below SFT-continued, interval below 0): crop -25.0 [-38.0, -10.3].');
    expect(lines).toContain('- **GRPO made no clear difference** (interval covers 0): all tasks +2.5 [-9.1, +13.9].');
    expect(md).toContain('crop: separate 40× 1/4; flip: 2x2 40× 1/8');
    expect(md).toContain(
      'cosine decay; targets: position `<think>{meta.direction}</think>\\boxed{{answer}}`, the other tasks `<think></think>\\boxed{answer}` (SFT and the control); task weights per epoch: depth 0.5, flip 1.5, the others 1; rows shown mirrored left-right (answer mapped by the task) with chance flip 0.25, shuffle 0.5 (SFT and the control).',
    );
    expect(md).toContain(
      'with 48-px inputs in 16-px patches, input channels: RGB, luminance gradients, edge channels (|dx|, |dy|, diagonal slant), tfjs backend `wasm`.',
    );
    expect(lines).toContain('| task | SFT | SFT+GRPO | SFT-continued | gold answers |');
    expect(lines).toContain('| flip | 2 | 2 | 2 | 1 |');
    expect(md).toContain('Fewer than 500 test records for: crop (40), flip (40)');
    expect(md).toContain('| SFT | 5:01 (from an earlier invocation) | 1.00 / 2.00 / 3.00 | 4.00 / 5.00 / 6.00 | 900 steps (time budget reached) |');
    expect(md).toContain('Test CPU, 2 cores, 8 GiB RAM');
    expect(md).toContain('lr 0.0001, training prompts drawn from the first 200 of each task (a pool the run revisits;');
    expect(md).toContain(
      'all five tasks with equal weights; task params: depth `markerRadius: 16`, `markerFill: "by-label"`; position `markerRadius: 16`, `markerFill: "by-label"`.',
    );
    expect(md).toContain('![SFT curve](figures/sft-curve.svg) ([PNG](figures/sft-curve.png))');
    expect(md).not.toContain('GRPO curve');
    for (const f of ['accuracy.svg', 'accuracy.png', 'sft-curve.svg', 'sft-curve.png']) expect(existsSync(join(dir, 'figures', f))).toBe(true);
    const png = await readFile(join(dir, 'figures', 'accuracy.png'));
    expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });
});
