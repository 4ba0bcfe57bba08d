import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scriptedViewSpatial, viewSpatialOfficialHit, type ViewSpatialRaw } from '../__fixtures__/official-rules.js';
import { sharedBenchmarkFile } from '../__fixtures__/shared-dir.js';
import { scoreViewSpatial } from '../scorers/viewspatial.js';
import { loadViewSpatial } from './viewspatial.js';

const file = sharedBenchmarkFile('ViewSpatial-Bench.json');

describe.runIf(file.exists)('ViewSpatial-Bench, full annotation file (shared)', () => {
  it('loads all 5,712 items with the official type counts and prompts', async () => {
    const items = await loadViewSpatial(file.path);
    expect(items).toHaveLength(5712);
    const counts: Record<string, number> = {};
    for (const it of items) counts[it.category] = (counts[it.category] ?? 0) + 1;
    expect(counts).toEqual({
      'Camera perspective - Relative Direction': 1773,
      'Person perspective - Scene Simulation Relative Direction': 1105,
      'Camera perspective - Object View Orientation': 996,
      'Person perspective - Object View Orientation': 996,
      'Person perspective - Relative Direction': 842,
    });
    expect(items.filter((x) => x.meta.choices.split('\n').length === 2)).toHaveLength(173);
    for (const it of items) expect(it.prompt.match(/<image>/g)!.length).toBe(it.meta.imagePaths.length);
  });

  it('scores scripted responses exactly as the independently written official rule', async () => {
    const raw = JSON.parse(readFileSync(file.path, 'utf8')) as ViewSpatialRaw[];
    const items = await loadViewSpatial(file.path);
    const texts = raw.map((x, i) => scriptedViewSpatial(i, x.answer));
    const expected = raw.map((x, i) => viewSpatialOfficialHit(texts[i]!, x.answer, true));
    const s = scoreViewSpatial('viewspatial', items, texts);
    expect(s.headline).toBeCloseTo((expected.reduce((a, b) => a + b, 0) / raw.length) * 100, 9);
  });
});
