import { describe, expect, it } from 'vitest';
import {
  accuracyBarChart,
  accuracyCell,
  ALL_TASKS,
  answerSpreadTable,
  comparisonFindings,
  differenceCell,
  findingsMarkdown,
  taskAccuracyTable,
  taskFormatTable,
  type TaskReport,
} from './task-report.js';

const report: TaskReport = {
  runs: [
    { label: 'SFT', tasks: { shuffle: { n: 500, correct: 100, formatted: 500 }, depth: { n: 400, correct: 200, formatted: 390 } } },
    { label: 'SFT+GRPO', tasks: { shuffle: { n: 500, correct: 150, formatted: 500 }, depth: { n: 400, correct: 210, formatted: 400 } } },
  ],
  chance: { shuffle: 0.05, depth: 1 / 6 },
  comparisons: [
    {
      title: 'GRPO − SFT',
      first: 'SFT+GRPO',
      second: 'SFT',
      tasks: {
        shuffle: { bothRight: 90, onlyFirst: 60, onlySecond: 10, bothWrong: 340 },
        depth: { bothRight: 180, onlyFirst: 30, onlySecond: 20, bothWrong: 170 },
      },
      phrases: { higher: 'GRPO helped', lower: 'GRPO hurt', unclear: 'no clear difference' },
    },
  ],
};

describe('taskAccuracyTable', () => {
  it('renders accuracy with Wilson intervals, chance, n and the paired difference per task', () => {
    expect(taskAccuracyTable(report).split('\n')).toEqual([
      '| task | n | chance | SFT | SFT+GRPO | GRPO − SFT |',
      '|---|---:|---:|---:|---:|---:|',
      '| depth | 400 | 16.7 | 50.0 [45.1, 54.9] | 52.5 [47.6, 57.3] | +2.5 [-1.0, +6.0] |',
      '| shuffle | 500 | 5.0 | 20.0 [16.7, 23.7] | 30.0 [26.1, 34.2] | +10.0 [+6.8, +13.2] |',
      '| all tasks | 900 | 10.2 | 33.3 [30.3, 36.5] | 40.0 [36.8, 43.2] | +6.7 [+4.3, +9.0] |',
      '',
    ]);
  });

  it('shows differing n per run and a dash for a task a run lacks', () => {
    const uneven: TaskReport = {
      runs: [
        { label: 'a', tasks: { flip: { n: 10, correct: 5, formatted: 10 }, crop: { n: 4, correct: 4, formatted: 4 } } },
        { label: 'b', tasks: { flip: { n: 9, correct: 0, formatted: 9 } } },
      ],
      chance: { flip: 1 / 8 },
    };
    const rows = taskAccuracyTable(uneven).split('\n');
    expect(rows[2]).toBe('| crop | 4 | – | 100.0 [51.0, 100.0] | – |');
    expect(rows[3]).toBe('| flip | 10/9 | 12.5 | 50.0 [23.7, 76.3] | 0.0 [0.0, 29.9] |');
    expect(rows[4]).toBe('| all tasks | 14/9 | – | 64.3 [38.8, 83.7] | 0.0 [0.0, 29.9] |');
  });

  it('refuses a comparison naming an unknown run, and duplicate labels', () => {
    expect(() => taskAccuracyTable({ ...report, comparisons: [{ ...report.comparisons![0], second: 'SFT-x' }] })).toThrow(/names run "SFT-x"/);
    expect(() => taskAccuracyTable({ runs: [report.runs[0], report.runs[0]], chance: {} })).toThrow(/unique/);
    expect(() => taskAccuracyTable({ runs: [], chance: {} })).toThrow(/at least one run/);
  });
});

describe('cells', () => {
  it('formats accuracy and differences in percent', () => {
    expect(accuracyCell({ n: 263, correct: 81, formatted: 0 })).toBe('30.8 [25.5, 36.6]');
    expect(accuracyCell(undefined)).toBe('–');
    expect(differenceCell({ estimate: -0.031, lower: -0.0704, upper: 0.0001 })).toBe('-3.1 [-7.0, +0.0]');
  });
});

describe('taskFormatTable', () => {
  it('renders the format rate per task and run', () => {
    expect(taskFormatTable(report).split('\n')).toEqual([
      '| task | SFT | SFT+GRPO |',
      '|---|---:|---:|',
      '| depth | 97.5 | 100.0 |',
      '| shuffle | 100.0 | 100.0 |',
      '| all tasks | 98.9 | 100.0 |',
      '',
    ]);
  });
});

describe('findings', () => {
  it('sorts the tasks by where the interval lies', () => {
    const f = comparisonFindings(report, report.comparisons![0]);
    expect(f.map((x) => [x.task, x.verdict, x.n])).toEqual([
      ['depth', 'unclear', 400],
      ['shuffle', 'higher', 500],
      [ALL_TASKS, 'higher', 900],
    ]);
    expect(findingsMarkdown(report).split('\n')).toEqual([
      'GRPO − SFT (SFT+GRPO minus SFT, paired 95 % intervals in percentage points):',
      '',
      '- **GRPO helped** (SFT+GRPO above SFT, interval above 0): shuffle +10.0 [+6.8, +13.2]; all tasks +6.7 [+4.3, +9.0].',
      '- **GRPO hurt** (SFT+GRPO below SFT, interval below 0): none.',
      '- **no clear difference** (interval covers 0): depth +2.5 [-1.0, +6.0].',
      '',
    ]);
  });

  it('is empty without comparisons', () => {
    expect(findingsMarkdown({ runs: report.runs, chance: report.chance })).toBe('');
  });
});

describe('accuracyBarChart', () => {
  it('draws one bar and whisker per run and task, a chance line per group, and a legend', () => {
    const svg = accuracyBarChart(report);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="900" height="440"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    // 2 runs × 3 groups bars + 2 legend squares + the background.
    expect(svg.match(/<rect /g)).toHaveLength(2 * 3 + 2 + 1);
    expect(svg.match(/<path /g)).toHaveLength(6);
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(3 + 1);
    for (const label of ['depth', 'shuffle', 'all tasks', 'SFT', 'SFT+GRPO', 'chance']) expect(svg).toContain(`>${label}</text>`);
    expect(accuracyBarChart(report)).toBe(svg);
  });

  it('places a bar top at its accuracy', () => {
    // Plot area: top 64, height 440 - 64 - 48 = 328; 50 % of depth for SFT → y = 64 + 164 = 228, height 164.
    expect(accuracyBarChart(report)).toContain('y="228.0" width=');
    expect(accuracyBarChart(report)).toContain('height="164.0" fill="#4c78a8"');
  });

  it('escapes labels', () => {
    const svg = accuracyBarChart({ runs: [{ label: 'a<b>&', tasks: { x: { n: 1, correct: 1, formatted: 1 } } }], chance: {} });
    expect(svg).toContain('>a&lt;b&gt;&amp;</text>');
  });
});

describe('answerSpreadTable', () => {
  it('counts answers per run and names the runs that always answer the same', () => {
    const md = answerSpreadTable({
      gold: { depth: 6, crop: 4, single: 1 },
      runs: [
        { label: 'SFT', tasks: { depth: 1, crop: 1, single: 1 } },
        { label: 'SFT+GRPO', tasks: { depth: 5, crop: 1 } },
      ],
    });
    expect(md.split('\n')).toEqual([
      '| task | SFT | SFT+GRPO | gold answers |',
      '|---|---:|---:|---:|',
      '| crop | 1 | 1 | 4 |',
      '| depth | 1 | 5 | 6 |',
      '| single | 1 | – | 1 |',
      '',
      'SFT gave one and the same answer to every item of: crop, depth.',
      'SFT+GRPO gave one and the same answer to every item of: crop.',
      '',
    ]);
  });
});
