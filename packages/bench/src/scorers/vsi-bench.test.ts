import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  lastBoxed,
  scriptedVsi,
  vsiSpatialSsrlOfficial,
  vsiThinkingInSpaceOfficial,
  vsiThinkingInSpaceOverall,
  type VsiRaw,
} from '../__fixtures__/official-rules.js';
import { mraSpatialSsrl, mraThinkingInSpace, scoreVsi, thinkingInSpaceAggregate, tisFirstWord } from './vsi-bench.js';

const excerpt = JSON.parse(readFileSync(fileURLToPath(new URL('../__fixtures__/vsi-bench-excerpt.json', import.meta.url)), 'utf8')) as VsiRaw[];

describe('VSI-Bench scorer on the real annotation excerpt', () => {
  const items = excerpt.map((x) => ({ gold: x.answer, category: x.question_type, meta: { cot: true } }));
  const texts = excerpt.map((x, i) => scriptedVsi(i, x));

  it('headline = Spatial-SSRL mean over all items, per-type scores alike', () => {
    const expected = excerpt.map((x, i) => vsiSpatialSsrlOfficial(texts[i]!, x.answer));
    const s = scoreVsi('vsi-bench', items, texts);
    expect(s.n).toBe(40);
    expect(s.headline).toBeCloseTo((expected.reduce((a, b) => a + b, 0) / 40) * 100, 10);
    for (const t of new Set(items.map((x) => x.category))) {
      const idx = excerpt.map((x, i) => (x.question_type === t ? i : -1)).filter((i) => i >= 0);
      expect(s.categories[t]).toBeCloseTo((idx.reduce((a, i) => a + expected[i]!, 0) / idx.length) * 100, 10);
    }
    expect(new Set(expected).size).toBeGreaterThan(3);
  });

  it('thinking-in-space variant: first word, ≤, 8 task scores with rel_direction = mean of 3 levels', () => {
    const answers = texts.map((t) => (t.includes('\\boxed{') ? lastBoxed(t).trim() : t));
    const per = excerpt.map((x, i) => vsiThinkingInSpaceOfficial(answers[i]!, x.answer, x.A !== null));
    const want = vsiThinkingInSpaceOverall(
      excerpt.map((x) => x.question_type),
      per,
    );
    const s = scoreVsi('vsi-bench', items, texts);
    expect(s.variants['thinkingInSpace']!.headline).toBeCloseTo(want.overall * 100, 10);
    expect(s.variants['thinkingInSpace']!.categories['object_rel_direction']).toBeCloseTo(want.direction * 100, 10);
    expect(Object.keys(s.variants['thinkingInSpace']!.categories)).toHaveLength(8);
  });

  it('uses < in the Spatial-SSRL MRA and ≤ in the official one (exact boundary)', () => {
    // |2.5 − 2| / 2 = 0.25 = 1 − 0.75 exactly.
    expect(mraSpatialSsrl('2.5', '2')).toBe(0.5);
    expect(mraThinkingInSpace(2.5, 2)).toBe(0.6);
    expect(mraSpatialSsrl('2', '2')).toBe(1);
    expect(mraSpatialSsrl(' 2_0\n', '20')).toBe(1);
    expect(mraSpatialSsrl('abc', '2')).toBe(0);
    expect(mraSpatialSsrl('1', '0')).toBe(0);
  });

  it('averages missing direction levels as 0 over 3, as the official aggregation does', () => {
    const agg = thinkingInSpaceAggregate(['object_rel_direction_easy', 'object_counting'], [1, 0.5]);
    expect(agg['object_rel_direction']).toBeCloseTo(1 / 3, 12);
    expect(agg['overall']).toBeCloseTo((1 / 3 + 0.5) / 2, 12);
    expect(tisFirstWord('B. because')).toBe('B');
  });
});
