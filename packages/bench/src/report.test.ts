import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareRuns, markdownTable, PAPER_TABLE, readRunSummary, type RunSummary } from './report.js';

const score = (headline: number, categories: Record<string, number> = {}) => ({
  benchmark: 'x',
  headline,
  rule: 'r',
  categories,
  n: 10,
  errors: 0,
  variants: {},
});

async function runDir(summary: RunSummary): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-report-'));
  await writeFile(join(dir, 'scores.json'), JSON.stringify(summary));
  return dir;
}

describe('markdownTable', () => {
  it("reproduces the paper's Avg column from its seven scores", () => {
    const md = markdownTable(PAPER_TABLE);
    const lines = md.trim().split('\n');
    expect(lines[0]).toBe('| model | CoT | Sp457 | 3DSR | SpEval | QSp+ | WhatsUp | ViewSp | VSI | Avg |');
    const avgs = lines.slice(2).map((l) => l.split('|').map((c) => c.trim())[10]);
    expect(avgs).toEqual(['45.91', '50.54', '52.69', '56.58']);
    expect(lines[3]).toBe('| Spatial-SSRL-3B | yes | 46.07 | 51.72 | 59.59 | 39.60 | 86.71 | 36.62 | 33.49 | 50.54 |');
  });

  it('accepts registry names, marks partial averages and adds other benchmarks after Avg', () => {
    const md = markdownTable([{ model: 'mine', cot: true, scores: { viewspatial: 40, 'vsi-bench': 30, 'ssrl-tasks': 77.5 } }]);
    expect(md).toContain('| model | CoT | Sp457 | 3DSR | SpEval | QSp+ | WhatsUp | ViewSp | VSI | Avg | ssrl-tasks |');
    expect(md).toContain('| mine | yes | – | – | – | – | – | 40.00 | 30.00 | 35.00* | 77.50 |');
    expect(md).toContain('mean over the benchmarks present');
  });
});

describe('compareRuns', () => {
  it('puts runs side by side, overall and per category', async () => {
    const base = { cot: true, sampling: { temperature: 0, topP: 1, maxTokens: 2048, seed: 0, n: 1 } };
    const a = await runDir({ ...base, model: 'openai:qwen-3b', benchmarks: { viewspatial: score(35, { cam: 30, person: 40 }) } });
    const b = await runDir({ ...base, model: 'openai:ssrl-3b', benchmarks: { viewspatial: score(37.5, { cam: 35 }), whatsup: score(86) } });
    const md = await compareRuns([a, b]);
    expect(md).toContain('| openai:qwen-3b | yes | – | – | – | – | – | 35.00 | – | 35.00* |');
    expect(md).toContain('| openai:ssrl-3b | yes | – | – | – | – | 86.00 | 37.50 | – | 61.75* |');
    expect(md).toContain('### viewspatial');
    expect(md).toContain('| person | 40.00 | – |');
  });

  it('explains a folder that is not a run, and a malformed scores.json', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'bench-report-'));
    await expect(compareRuns([empty])).rejects.toMatchObject({ code: 'MISSING_FILE' });
    const bad = join(empty, 'bad');
    await mkdir(bad);
    await writeFile(join(bad, 'scores.json'), JSON.stringify({ model: 1 }));
    await expect(readRunSummary(bad)).rejects.toThrow(/scores\.json.*field "model"/);
  });
});
