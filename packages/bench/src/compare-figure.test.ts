import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wrapLabel } from './bar-chart.js';
import { compareFigureSvg, itemScoresInterval, readCompareFigureData } from './compare-figure.js';
import { wilsonInterval } from './stats.js';

describe('itemScoresInterval', () => {
  it('is the Wilson interval for right/wrong items', () => {
    expect(itemScoresInterval([1, 0, 1, 1])).toEqual(wilsonInterval(3, 4));
  });

  it('is the normal interval of the mean for partial scores, clamped to [0, 1]', () => {
    const s = [0.2, 0.4, 0.6, 0.8];
    const iv = itemScoresInterval(s);
    const sd = Math.sqrt(((0.3 ** 2 + 0.1 ** 2) * 2) / 3);
    expect(iv.estimate).toBeCloseTo(0.5, 12);
    expect(iv.upper - iv.estimate).toBeCloseTo((1.959963984540054 * sd) / 2, 12);
    expect(itemScoresInterval([0.9, 1, 1, 0.95]).upper).toBeLessThanOrEqual(1);
    expect(itemScoresInterval([0.5])).toEqual({ estimate: 0.5, lower: 0, upper: 1 });
    expect(() => itemScoresInterval([])).toThrow(/at least one/);
    expect(() => itemScoresInterval([1.5])).toThrow(/\[0, 1\]/);
  });
});

describe('compare figure', () => {
  it('reads per-item scores by benchmark and category and draws one panel per benchmark', async () => {
    const dirs = await Promise.all(['a', 'b'].map((x) => mkdtemp(join(tmpdir(), `bench-cmp-${x}-`))));
    const line = (benchmark: string, category: string, score: number) => JSON.stringify({ benchmark, id: 'x', category, gold: 'A', extracted: 'A', score, outputs: [], cached: false });
    await writeFile(join(dirs[0]!, 'predictions.jsonl'), [line('viewspatial', 'Camera', 1), line('viewspatial', 'Person', 0), line('vsi-bench', 'object_counting', 0.4)].join('\n') + '\n');
    await writeFile(join(dirs[1]!, 'predictions.jsonl'), [line('viewspatial', 'Camera', 1), line('viewspatial', 'Person', 1)].join('\n') + '\n');
    const data = await readCompareFigureData(dirs, ['first <run>', 'second']);
    expect(data.benchmarks.map((b) => b.name)).toEqual(['viewspatial', 'vsi-bench']);
    expect(data.benchmarks[0]!.groups.map((g) => g.label)).toEqual(['overall', 'Camera', 'Person']);
    expect(data.benchmarks[0]!.groups[0]!.scores).toEqual([[1, 0], [1, 1]]);
    expect(data.benchmarks[1]!.groups[0]!.scores).toEqual([[0.4], undefined]);
    const svg = compareFigureSvg(data);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="1000"')).toBe(true);
    expect(svg).toContain('>viewspatial</text>');
    expect(svg).toContain('>vsi-bench</text>');
    expect(svg).toContain('first &lt;run&gt;');
    // Bars: 3 groups × 2 runs + 2 groups × 1 run; legend squares: 2; background: 1.
    expect(svg.match(/<rect /g)).toHaveLength(3 * 2 + 2 + 2 + 1);
    expect(svg.match(/<path /g)).toHaveLength(3 * 2 + 2);
    expect(compareFigureSvg(data)).toBe(svg);
  });

  it('wraps long labels at spaces and underscores, cutting the last line', () => {
    expect(wrapLabel('object_rel_direction_medium\nn=4', 12, 4)).toEqual(['object_rel_', 'direction_', 'medium', 'n=4']);
    expect(wrapLabel('Person perspective - Scene Simulation Relative Direction', 22, 2)).toEqual(['Person perspective -', 'Scene Simulation…']);
  });
});
