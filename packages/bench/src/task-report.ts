import { type BarGroup, drawBarPanel, drawLegend, f1, svgHeader } from './bar-chart.js';
import { BenchError } from './errors.js';
import { differenceVerdict, newcombePairedDifference, wilsonInterval, type Interval, type PairedCounts } from './stats.js';

/** Label of the row that pools every task. */
export const ALL_TASKS = 'all tasks';

/** Held-out counts of one run on one task. */
export interface TaskCounts {
  /** Items scored. */
  readonly n: number;
  /** Items answered exactly right. */
  readonly correct: number;
  /** Items whose response had the `<think>…</think>…\boxed{}` format. */
  readonly formatted: number;
}

/** One evaluated run (a checkpoint) with its counts per task. */
export interface TaskRun {
  readonly label: string;
  readonly tasks: Readonly<Record<string, TaskCounts>>;
}

/** Words for the three outcomes of a comparison, e.g. `GRPO helped` / `GRPO hurt` / `no clear difference`. */
interface VerdictPhrases {
  readonly higher: string;
  readonly lower: string;
  readonly unclear: string;
}

/** Two runs scored on the same items, compared per task by the paired difference first − second. */
export interface RunComparison {
  /** Column title, e.g. `GRPO − control`. */
  readonly title: string;
  /** Labels of the two runs (as in `TaskReport.runs`). */
  readonly first: string;
  readonly second: string;
  /** Right/wrong combinations per task, item by item. */
  readonly tasks: Readonly<Record<string, PairedCounts>>;
  readonly phrases?: VerdictPhrases;
}

/** Everything the per-task tables, findings and bar chart are drawn from. */
export interface TaskReport {
  readonly runs: readonly TaskRun[];
  /** Chance accuracy per task, 0-1 (see `chanceAccuracy`). */
  readonly chance: Readonly<Record<string, number>>;
  readonly comparisons?: readonly RunComparison[];
  /** Confidence level of every interval, default 0.95. */
  readonly confidence?: number;
}

/** The paired difference of one comparison on one task (or on all tasks pooled). */
export interface ComparisonFinding {
  readonly task: string;
  readonly n: number;
  readonly interval: Interval;
  readonly verdict: 'higher' | 'lower' | 'unclear';
}

const pct = (x: number): string => (100 * x).toFixed(1);
const signed = (x: number): string => {
  const v = (100 * x).toFixed(1);
  return v.startsWith('-') ? v : `+${v}`;
};

/** Tasks of a report, sorted, without the pooled row. */
function reportTasks(report: TaskReport): string[] {
  return [...new Set(report.runs.flatMap((r) => Object.keys(r.tasks)))].sort();
}

function pooled(run: TaskRun): TaskCounts | undefined {
  const all = Object.values(run.tasks);
  if (all.length === 0) return undefined;
  return all.reduce((a, t) => ({ n: a.n + t.n, correct: a.correct + t.correct, formatted: a.formatted + t.formatted }), { n: 0, correct: 0, formatted: 0 });
}

function countsOf(run: TaskRun, task: string): TaskCounts | undefined {
  return task === ALL_TASKS ? pooled(run) : run.tasks[task];
}

function itemsOf(report: TaskReport, task: string): number | undefined {
  for (const r of report.runs) {
    const c = countsOf(r, task);
    if (c) return c.n;
  }
  return undefined;
}

function chanceOf(report: TaskReport, task: string): number | undefined {
  if (task !== ALL_TASKS) return report.chance[task];
  let weighted = 0;
  let n = 0;
  for (const t of reportTasks(report)) {
    const k = itemsOf(report, t);
    const c = report.chance[t];
    if (k === undefined || c === undefined) return undefined;
    weighted += k * c;
    n += k;
  }
  return n > 0 ? weighted / n : undefined;
}

function pairedOf(comparison: RunComparison, task: string): PairedCounts | undefined {
  if (task !== ALL_TASKS) return comparison.tasks[task];
  const all = Object.values(comparison.tasks);
  if (all.length === 0) return undefined;
  return all.reduce(
    (a, t) => ({
      bothRight: a.bothRight + t.bothRight,
      onlyFirst: a.onlyFirst + t.onlyFirst,
      onlySecond: a.onlySecond + t.onlySecond,
      bothWrong: a.bothWrong + t.bothWrong,
    }),
    { bothRight: 0, onlyFirst: 0, onlySecond: 0, bothWrong: 0 },
  );
}

function checkReport(report: TaskReport): void {
  if (report.runs.length === 0) throw new BenchError('BAD_ARGUMENT', 'a task report needs at least one run');
  const labels = new Set(report.runs.map((r) => r.label));
  if (labels.size !== report.runs.length) throw new BenchError('BAD_ARGUMENT', 'run labels of a task report must be unique');
  for (const c of report.comparisons ?? []) {
    for (const l of [c.first, c.second]) {
      if (!labels.has(l)) throw new BenchError('BAD_ARGUMENT', `comparison "${c.title}" names run "${l}", which the report does not have`);
    }
  }
}

/** Accuracy with its Wilson interval, as a table cell: `41.2 [37.0, 45.6]` (percent). */
export function accuracyCell(counts: TaskCounts | undefined, confidence = 0.95): string {
  if (!counts || counts.n === 0) return '–';
  const ci = wilsonInterval(counts.correct, counts.n, confidence);
  return `${pct(ci.estimate)} [${pct(ci.lower)}, ${pct(ci.upper)}]`;
}

/** A difference with its interval, as a table cell in percentage points: `+3.2 [-0.8, +7.1]`. */
export function differenceCell(interval: Interval | undefined): string {
  if (!interval) return '–';
  return `${signed(interval.estimate)} [${signed(interval.lower)}, ${signed(interval.upper)}]`;
}

/** The paired difference first − second of a comparison for every task and for all tasks pooled. */
export function comparisonFindings(report: TaskReport, comparison: RunComparison): ComparisonFinding[] {
  const out: ComparisonFinding[] = [];
  for (const task of [...reportTasks(report), ALL_TASKS]) {
    const counts = pairedOf(comparison, task);
    if (!counts) continue;
    const n = counts.bothRight + counts.onlyFirst + counts.onlySecond + counts.bothWrong;
    if (n === 0) continue;
    const interval = newcombePairedDifference(counts, report.confidence ?? 0.95);
    out.push({ task, n, interval, verdict: differenceVerdict(interval) });
  }
  return out;
}

/**
 * The per-task accuracy table in Markdown: task, n, chance, one column per run (accuracy and
 * Wilson interval, percent), one column per comparison (paired Newcombe difference,
 * percentage points), then a row pooling all tasks.
 */
export function taskAccuracyTable(report: TaskReport): string {
  checkReport(report);
  const confidence = report.confidence ?? 0.95;
  const comparisons = report.comparisons ?? [];
  const findings = comparisons.map((c) => new Map(comparisonFindings(report, c).map((f) => [f.task, f.interval])));
  const head = ['task', 'n', 'chance', ...report.runs.map((r) => r.label), ...comparisons.map((c) => c.title)];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const task of [...reportTasks(report), ALL_TASKS]) {
    const ns = [...new Set(report.runs.map((r) => countsOf(r, task)?.n).filter((n): n is number => n !== undefined))];
    const chance = chanceOf(report, task);
    const cells = [
      task,
      ns.join('/') || '–',
      chance === undefined ? '–' : pct(chance),
      ...report.runs.map((r) => accuracyCell(countsOf(r, task), confidence)),
      ...findings.map((f) => differenceCell(f.get(task))),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}

/** The format rate (share of `<think>…</think>…\boxed{}` responses) per task and run, in percent, as a Markdown table. */
export function taskFormatTable(report: TaskReport): string {
  checkReport(report);
  const head = ['task', ...report.runs.map((r) => r.label)];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const task of [...reportTasks(report), ALL_TASKS]) {
    const cells = report.runs.map((r) => {
      const c = countsOf(r, task);
      return c && c.n > 0 ? pct(c.formatted / c.n) : '–';
    });
    lines.push(`| ${[task, ...cells].join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}

const DEFAULT_PHRASES: VerdictPhrases = { higher: 'higher', lower: 'lower', unclear: 'no clear difference' };

/**
 * Plain-words findings of every comparison, decided by the intervals alone: for each outcome
 * (first higher, first lower, interval covering 0) one bullet listing the tasks with their
 * differences.
 */
export function findingsMarkdown(report: TaskReport): string {
  checkReport(report);
  const level = `${Math.round((report.confidence ?? 0.95) * 1000) / 10} %`;
  const blocks: string[] = [];
  for (const c of report.comparisons ?? []) {
    const phrases = c.phrases ?? DEFAULT_PHRASES;
    const findings = comparisonFindings(report, c);
    const lines = [`${c.title} (${c.first} minus ${c.second}, paired ${level} intervals in percentage points):`, ''];
    const rule: Record<ComparisonFinding['verdict'], string> = {
      higher: `${c.first} above ${c.second}, interval above 0`,
      lower: `${c.first} below ${c.second}, interval below 0`,
      unclear: 'interval covers 0',
    };
    for (const verdict of ['higher', 'lower', 'unclear'] as const) {
      const hits = findings.filter((f) => f.verdict === verdict);
      const list = hits.length === 0 ? 'none' : hits.map((f) => `${f.task} ${differenceCell(f.interval)}`).join('; ');
      lines.push(`- **${phrases[verdict]}** (${rule[verdict]}): ${list}.`);
    }
    blocks.push(lines.join('\n'));
  }
  return blocks.length ? blocks.join('\n\n') + '\n' : '';
}

/** How many different answers each run gave per task, beside how many different gold answers the items have. */
export interface AnswerSpread {
  /** Task → distinct gold answers among the evaluated items. */
  readonly gold: Readonly<Record<string, number>>;
  /** Per run: task → distinct answers it gave (unparseable responses count as one answer). */
  readonly runs: readonly { readonly label: string; readonly tasks: Readonly<Record<string, number>> }[];
}

/**
 * A Markdown table of answer spread per task and run, then one line per run naming the tasks on
 * which it gave a single answer to every item (a policy that has not learned to look at the image
 * yet answers with the most frequent training answer).
 */
export function answerSpreadTable(spread: AnswerSpread): string {
  const tasks = Object.keys(spread.gold).sort();
  const head = ['task', ...spread.runs.map((r) => r.label), 'gold answers'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const t of tasks) lines.push(`| ${[t, ...spread.runs.map((r) => String(r.tasks[t] ?? '–')), String(spread.gold[t])].join(' | ')} |`);
  const notes = spread.runs
    .map((r) => ({ label: r.label, single: tasks.filter((t) => r.tasks[t] === 1 && spread.gold[t] > 1) }))
    .filter((r) => r.single.length > 0)
    .map((r) => `${r.label} gave one and the same answer to every item of: ${r.single.join(', ')}.`);
  return lines.join('\n') + '\n' + (notes.length ? '\n' + notes.join('\n') + '\n' : '');
}

/** Options of `accuracyBarChart`. */
export interface BarChartOptions {
  readonly title?: string;
  /** Size in px; default 900×440. */
  readonly width?: number;
  readonly height?: number;
}

/**
 * A grouped bar chart (SVG) of held-out accuracy per task: one bar per run, whiskers for the
 * Wilson interval, a dashed line at the task's chance level, and a group pooling all tasks.
 */
export function accuracyBarChart(report: TaskReport, options: BarChartOptions = {}): string {
  checkReport(report);
  const confidence = report.confidence ?? 0.95;
  const width = options.width ?? 900;
  const height = options.height ?? 440;
  const m = { left: 56, right: 16, top: 64, bottom: 48 };
  const groups: BarGroup[] = [...reportTasks(report), ALL_TASKS].map((task) => {
    const chance = chanceOf(report, task);
    return {
      label: task,
      bars: report.runs.map((run) => {
        const c = countsOf(run, task);
        return c && c.n > 0 ? wilsonInterval(c.correct, c.n, confidence) : undefined;
      }),
      ...(chance !== undefined ? { reference: chance } : {}),
    };
  });
  const out = svgHeader(width, height, options.title ?? `Held-out accuracy per task (${Math.round(confidence * 100)} % Wilson intervals)`);
  drawBarPanel(out, { left: m.left, top: m.top, width: width - m.left - m.right, height: height - m.top - m.bottom }, groups, report.runs.length, 'accuracy (%)');
  const lx = drawLegend(
    out,
    m.left,
    34,
    report.runs.map((r) => r.label),
  );
  out.push(`<line x1="${f1(lx)}" y1="40" x2="${f1(lx + 22)}" y2="40" stroke="#000" stroke-dasharray="4 3"/>`);
  out.push(`<text x="${f1(lx + 26)}" y="44">chance</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
