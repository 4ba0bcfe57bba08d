import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { accuracyBarChart, answerSpreadTable, findingsMarkdown, pairedCounts, taskAccuracyTable, taskFormatTable, type AnswerSpread, type PairedCounts, type RunComparison, type TaskReport } from '@spatial-ssrl/bench';
import { extractBoxed } from '@spatial-ssrl/rewards';
import { writeFileAtomic, formatDuration } from '@spatial-ssrl/spec/node';
import type { TaskChance } from '@spatial-ssrl/tasks';
import { runPaths } from '@spatial-ssrl/trainer';
import type { EvaluationSummary, ScoredItem } from './evaluate-stage.js';
import { writeFigure, type FigureFiles } from './figures.js';
import type { MachineInfo } from './machine.js';
import type { PipelinePlan } from './plan.js';
import type { StageRecord } from './stage-record.js';

/** Labels of the three evaluated checkpoints, in table order. */
export const RUN_LABELS = { sft: 'SFT', grpo: 'SFT+GRPO', control: 'SFT-continued' } as const;

/** One evaluated checkpoint: its summary and item-by-item outcomes. */
export interface EvaluatedRun {
  readonly label: string;
  readonly summary: EvaluationSummary;
  readonly items: readonly ScoredItem[];
}

/** Everything `report.md` is written from. */
export interface ReportInput {
  /** The pipeline folder (report.md and figures/ go here). */
  readonly dir: string;
  /** The command that produced the run, as the user would type it. */
  readonly command: string;
  readonly plan: PipelinePlan;
  readonly machine: MachineInfo;
  readonly backend: string;
  /** Stage id → its record, in run order. */
  readonly stages: readonly { readonly id: string; readonly title: string; readonly record?: StageRecord; readonly skipped: boolean }[];
  readonly runs: { readonly sft: EvaluatedRun; readonly grpo?: EvaluatedRun; readonly control?: EvaluatedRun };
  readonly chance: Readonly<Record<string, TaskChance>>;
  /** Training run folders whose `curve.svg` become figures. */
  readonly curves: readonly { readonly name: string; readonly title: string; readonly runDir: string }[];
}

function paired(a: EvaluatedRun, b: EvaluatedRun): Record<string, PairedCounts> {
  const right = new Map(b.items.map((i) => [i.id, i.correct]));
  const byTask = new Map<string, { first: number[]; second: number[] }>();
  for (const item of a.items) {
    const other = right.get(item.id);
    if (other === undefined) continue;
    const t = byTask.get(item.task) ?? byTask.set(item.task, { first: [], second: [] }).get(item.task)!;
    t.first.push(item.correct);
    t.second.push(other);
  }
  return Object.fromEntries([...byTask].map(([task, o]) => [task, pairedCounts(o.first, o.second)]));
}

/** The per-task numbers of the report: three runs, chance levels and the paired comparisons of GRPO against SFT and against the control. */
export function taskReportOf(input: Pick<ReportInput, 'runs' | 'chance'>): TaskReport {
  const runs = [input.runs.sft, input.runs.grpo, input.runs.control].filter((r): r is EvaluatedRun => r !== undefined);
  const comparisons: RunComparison[] = [];
  const { sft, grpo, control } = input.runs;
  if (grpo) {
    comparisons.push({
      title: 'GRPO − SFT',
      first: grpo.label,
      second: sft.label,
      tasks: paired(grpo, sft),
      phrases: { higher: 'GRPO improved on the SFT checkpoint', lower: 'GRPO fell below the SFT checkpoint', unclear: 'no clear change from the SFT checkpoint' },
    });
  }
  if (grpo && control) {
    comparisons.push({
      title: 'GRPO − control',
      first: grpo.label,
      second: control.label,
      tasks: paired(grpo, control),
      phrases: { higher: 'GRPO helped', lower: 'GRPO did worse than more SFT', unclear: 'GRPO made no clear difference' },
    });
  }
  return {
    runs: runs.map((r) => ({ label: r.label, tasks: r.summary.tasks })),
    chance: Object.fromEntries(Object.entries(input.chance).map(([t, c]) => [t, c.chance])),
    comparisons,
  };
}

/** Distinct boxed answers per task for each run, and distinct gold answers. */
function answerSpreadOf(runs: ReportInput['runs']): AnswerSpread {
  const distinct = (items: readonly ScoredItem[], pick: (i: ScoredItem) => string): Record<string, number> => {
    const sets = new Map<string, Set<string>>();
    for (const i of items) (sets.get(i.task) ?? sets.set(i.task, new Set()).get(i.task)!).add(pick(i));
    return Object.fromEntries([...sets].map(([t, set]) => [t, set.size]));
  };
  const list = [runs.sft, runs.grpo, runs.control].filter((r): r is EvaluatedRun => r !== undefined);
  return {
    gold: distinct(runs.sft.items, (i) => i.gold),
    runs: list.map((r) => ({ label: r.label, tasks: distinct(r.items, (i) => (i.text === null ? '<error>' : extractBoxed(i.text))) })),
  };
}

const loadText = (l: readonly number[] | undefined): string => (l ? l.map((x) => x.toFixed(2)).join(' / ') : '–');

function stageRows(input: ReportInput): string {
  const lines = ['| stage | wall-clock | load at start | load at end | result |', '|---|---:|---|---|---|'];
  let total = 0;
  for (const s of input.stages) {
    const r = s.record;
    const wall = r?.wallSec;
    if (wall !== undefined) total += wall;
    const result = r?.result ? stageResultText(s.id, r.result) : '';
    const note = s.skipped ? ' (from an earlier invocation)' : '';
    lines.push(`| ${s.title} | ${wall === undefined ? '–' : formatDuration(wall)}${note} | ${loadText(r?.loadStart)} | ${loadText(r?.loadEnd)} | ${result} |`);
  }
  lines.push(`| **total** | ${formatDuration(total)} | | | |`);
  return lines.join('\n') + '\n';
}

const STOP_REASONS: Readonly<Record<string, string>> = {
  steps: 'planned steps done',
  time: 'time budget reached',
  aborted: 'interrupted',
};

function stageResultText(id: string, result: Record<string, unknown>): string {
  if (typeof result.train === 'number' && typeof result.test === 'number') return `${result.train} train, ${result.test} test records`;
  if (typeof result.step === 'number') {
    const why = STOP_REASONS[String(result.stopped)] ?? String(result.stopped);
    const budget = typeof result.budgetSec === 'number' ? `; budget ${formatDuration(result.budgetSec)}` : '';
    return `${result.step} steps (${why}${budget})`;
  }
  if (typeof result.n === 'number' && typeof result.correct === 'number') {
    return `${result.n} items, ${((100 * result.correct) / Math.max(1, result.n)).toFixed(1)}% right`;
  }
  return '';
}

function taskParamsText(params: Readonly<Record<string, Readonly<Record<string, unknown>>>>): string {
  const parts = Object.keys(params)
    .sort()
    .map((id) => `${id} ${Object.entries(params[id]).map(([k, v]) => `\`${k}: ${JSON.stringify(v)}\``).join(', ')}`);
  return parts.length === 0 ? '' : `; task params: ${parts.join('; ')}`;
}

function sftTargetsText(templates: Readonly<Record<string, string>>, weights: Readonly<Record<string, number>>): string {
  const t = Object.keys(templates)
    .sort()
    .map((task) => `${task} \`${templates[task]}\``);
  const w = Object.keys(weights)
    .sort()
    .map((task) => `${task} ${weights[task]}`);
  return [
    t.length > 0 ? `; targets: ${t.join(', ')}, the other tasks \`<think></think>\\boxed{answer}\` (SFT and the control)` : '',
    w.length > 0 ? `; task weights per epoch: ${w.join(', ')}, the others 1` : '',
  ].join('');
}

function featuresText(features: { rgb: boolean; gradients: boolean; edges: boolean } | undefined): string {
  if (!features) return '';
  const names = [features.rgb ? 'RGB' : '', features.gradients ? 'luminance gradients' : '', features.edges ? 'edge channels (|dx|, |dy|, diagonal slant)' : ''];
  return `, input channels: ${names.filter((n) => n !== '').join(', ')}`;
}

function mirrorText(mirror: Readonly<Record<string, number>>): string {
  const m = Object.keys(mirror)
    .filter((task) => mirror[task] > 0)
    .sort()
    .map((task) => `${task} ${mirror[task]}`);
  return m.length > 0 ? `; rows shown mirrored left-right (answer mapped by the task) with chance ${m.join(', ')} (SFT and the control)` : '';
}

function setupSection(input: ReportInput): string {
  const p = input.plan;
  const m = input.machine;
  const budget = (b: { minutes?: number; steps?: number }): string => (b.steps !== undefined ? `${b.steps} steps` : `${b.minutes} min budget`);
  const data =
    p.data.kind === 'generate'
      ? `generated: ${p.data.count.toLocaleString('en-US')} samples from ${p.data.sources.map((s) => `\`${s}\``).join(', ')}, ${Math.round(p.data.testFraction * 100)} % of the source images held out (split by image)`
      : `existing dataset \`${p.data.dir}\``;
  const lines = [
    `- Preset \`${p.preset}\`, seed ${p.seed} (data and weights; the control run's data order uses seed ${(p.seed + 1) >>> 0}).`,
    `- Data: ${data}${p.data.kind === 'generate' ? `; all five tasks with equal weights${taskParamsText(p.data.params)}` : ''}.`,
    `- Model: \`${p.model}\` preset of @spatial-ssrl/model${p.modelInput ? ` with ${p.modelInput.imageSize}-px inputs in ${p.modelInput.patchSize}-px patches` : ''}${featuresText(p.modelInput?.features)}, tfjs backend \`${input.backend}\`.`,
    `- SFT: ${budget(p.sft)}, batch ${p.sft.batchSize}, peak lr ${p.sft.lr}, warm-up ${p.sft.warmupSteps} steps, cosine decay${sftTargetsText(p.sft.taskTemplates, p.sft.taskWeights)}${mirrorText(p.sft.mirror)}.`,
    `- GRPO: ${budget(p.grpo)} from the SFT checkpoint, ${p.grpo.promptsPerStep} prompts × ${p.grpo.groupSize} responses per step, lr ${p.grpo.lr}${p.grpo.promptsPerTask !== undefined ? `, training prompts drawn from the first ${p.grpo.promptsPerTask} of each task (a pool the run revisits; its reward curve shows learning on those prompts, the held-out table whether it carries over)` : ''}; other settings are the \`trainGrpo\` defaults (Spatial-SSRL recipe: reward 0.9·accuracy + 0.1·format, low-variance KL 0.01, clip 0.2/0.3, dual clip 3; on the wasm and cpu backends a policy replica in a worker thread takes half of each step, as it does in SFT and the control).`,
    p.control.steps !== undefined
      ? `- Control: SFT continued from the SFT checkpoint for ${p.control.steps} steps, peak lr ${p.control.lr}, warm-up ${p.control.warmupSteps} steps, fresh optimizer.`
      : `- Control: SFT continued from the SFT checkpoint for the wall-clock time GRPO took, peak lr ${p.control.lr}, warm-up ${p.control.warmupSteps} steps, fresh optimizer.${controlTiming(input)}`,
    `- Evaluation: ${p.evaluation.perTask === 0 ? 'every test record' : `the first ${p.evaluation.perTask} test records per task`}, through the \`ssrl-tasks\` benchmark of @spatial-ssrl/bench (the runner \`ssrl-eval\` uses): prompt with the chain-of-thought suffix, greedy decoding, exact match of the last \`\\boxed{}\`.`,
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.os}; Node ${m.node}.`,
    `- Packages: ${Object.entries(m.packages)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
  ];
  return lines.join('\n') + '\n';
}

function controlTiming(input: ReportInput): string {
  const grpo = input.stages.find((s) => s.id === 'grpo')?.record?.wallSec;
  const control = input.stages.find((s) => s.id === 'control')?.record?.wallSec;
  if (grpo === undefined || control === undefined) return '';
  // trainSft fits its step count to the budget from its early speed, so a machine that speeds up
  // (or slows down) later makes the run end before (or at) the budget.
  return ` GRPO took ${formatDuration(grpo)}; the control was given that budget and ran ${formatDuration(control)} (its step count is fitted to the budget from the speed of its first steps, so it can end early when the machine speeds up).`;
}

function chanceNote(chance: Readonly<Record<string, TaskChance>>): string {
  const parts = Object.entries(chance).map(
    ([task, c]) =>
      `${task}: ${Object.entries(c.variants)
        .map(([v, [n, p]]) => `${v} ${n}× ${fraction(p)}`)
        .join(', ')}`,
  );
  return parts.length
    ? `Chance = mean over the test items of the chance each item's task declares for its variant (1 / size of the answer space unless the task says otherwise): ${parts.join('; ')}.`
    : 'Chance levels are unknown for this dataset (no `dataset.json` with task params).';
}

// 1/k when the chance is the inverse of a whole number, else three decimals.
function fraction(p: number): string {
  const k = Math.round(1 / p);
  return Math.abs(1 / p - k) < 1e-9 ? `1/${k}` : p.toFixed(3);
}

function figureMarkdown(f: FigureFiles, alt: string): string {
  return `![${alt}](${f.svg})${f.png ? ` ([PNG](${f.png}))` : ''}`;
}

/** Writes `report.md` and `figures/` into the pipeline folder; returns the Markdown. */
export async function writeReport(input: ReportInput): Promise<string> {
  const report = taskReportOf(input);
  const bars = await writeFigure(input.dir, 'accuracy', accuracyBarChart(report));
  const curves: string[] = [];
  for (const c of input.curves) {
    const svg = await readFile(runPaths(c.runDir).curve, 'utf8').catch(() => undefined);
    if (svg !== undefined) curves.push(`${c.title}:\n\n${figureMarkdown(await writeFigure(input.dir, c.name, svg), c.title)}\n`);
  }
  const n = input.runs.sft.summary.tasks;
  const small = Object.entries(n).filter(([, c]) => c.n < 500);
  const md = [
    `# Spatial-SSRL pipeline report: preset \`${input.plan.preset}\``,
    '',
    `Command: \`${input.command}\``,
    '',
    '## Held-out accuracy per task',
    '',
    taskAccuracyTable(report),
    'Accuracy in percent with 95 % Wilson score intervals; n = held-out test records per task (split by source image, so no test image was trained on). ' +
      'Differences in percentage points with 95 % intervals by Newcombe\'s score method for paired proportions: every run answers the same test items, so the paired interval is the right one (and narrower than the independent-samples one when the runs agree on most items). ' +
      chanceNote(input.chance),
    ...(small.length ? ['', `Fewer than 500 test records for: ${small.map(([t, c]) => `${t} (${c.n})`).join(', ')}; their intervals are wider.`] : []),
    '',
    figureMarkdown(bars, 'Held-out accuracy per task with 95 % intervals and chance levels'),
    '',
    '## Where GRPO helped',
    '',
    findingsMarkdown(report) || 'GRPO did not run, so there is nothing to compare.\n',
    'A task counts as helped or hurt only when the whole 95 % interval of the difference lies on one side of zero.',
    '',
    '## Format rate',
    '',
    'Share of responses in the `<think>…</think>…\\boxed{…}` format (the format reward), in percent:',
    '',
    taskFormatTable(report),
    '## Answer spread',
    '',
    'Distinct answers (content of the last `\\boxed{}`) each run gave per task, beside the distinct gold answers of the test items:',
    '',
    answerSpreadTable(answerSpreadOf(input.runs)),
    '## Training curves',
    '',
    curves.join('\n') || 'No training curves were written.\n',
    '## Stages',
    '',
    stageRows(input),
    'Wall-clock includes interrupted earlier attempts of a stage. Load = 1 / 5 / 15-minute load averages of the machine (it is shared, so other work competes for the same cores).',
    '',
    '## Setup',
    '',
    setupSection(input),
  ].join('\n');
  await writeFileAtomic(join(input.dir, 'report.md'), md);
  return md;
}
