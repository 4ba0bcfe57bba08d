import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { firstLetter, scriptedViewSpatial, viewSpatialOfficialHit, type ViewSpatialRaw } from '../__fixtures__/official-rules.js';
import { scoreViewSpatial, viewSpatialLetter, viewSpatialPrediction } from './viewspatial.js';

const excerpt = JSON.parse(readFileSync(fileURLToPath(new URL('../__fixtures__/viewspatial-excerpt.json', import.meta.url)), 'utf8')) as ViewSpatialRaw[];

describe('ViewSpatial-Bench scorer on the real annotation excerpt', () => {
  const items = excerpt.map((x) => ({ gold: x.answer, category: x.question_type, meta: { cot: true } }));

  it('reproduces the official CoT rule item by item and in aggregate', () => {
    const texts = items.map((x, i) => scriptedViewSpatial(i, x.gold));
    const expected = items.map((x, i) => viewSpatialOfficialHit(texts[i]!, x.gold, true));
    const s = scoreViewSpatial('viewspatial', items, texts);
    expect(s.n).toBe(40);
    expect(s.headline).toBeCloseTo((expected.reduce((a, b) => a + b, 0) / 40) * 100, 10);
    for (const type of new Set(items.map((x) => x.category))) {
      const idx = items.map((x, i) => (x.category === type ? i : -1)).filter((i) => i >= 0);
      expect(s.categories[type]).toBeCloseTo((idx.reduce((a, i) => a + expected[i]!, 0) / idx.length) * 100, 10);
    }
    expect(expected.some((h) => h === 0) && expected.some((h) => h === 1)).toBe(true);
  });

  it('reproduces the no-CoT rule (first letter of the whole response) and counts errors as wrong', () => {
    const plain = items.map((x) => ({ ...x, meta: { cot: false } }));
    const texts: (string | null)[] = plain.map((x, i) => (i % 7 === 0 ? null : i % 2 ? `${firstLetter(x.gold)}. yes` : 'I would say a lot'));
    const expected = plain.map((x, i) => viewSpatialOfficialHit(texts[i]!, x.gold, false));
    const s = scoreViewSpatial('viewspatial', plain, texts);
    expect(s.headline).toBeCloseTo((expected.reduce((a, b) => a + b, 0) / 40) * 100, 10);
    expect(s.errors).toBe(texts.filter((t) => t === null).length);
  });

  it('scores the two-option items by the same letter rule', () => {
    const two = items.filter((_, i) => excerpt[i]!.choices.split('\n').length === 2);
    expect(two.length).toBe(5);
    expect(scoreViewSpatial('viewspatial', two, two.map((x) => `\\boxed{${firstLetter(x.gold)}}`)).headline).toBe(100);
    expect(scoreViewSpatial('viewspatial', two, two.map(() => '\\boxed{C}')).headline).toBe(0);
  });

  it('reads letters with Unicode word boundaries like Python re', () => {
    expect(viewSpatialLetter('éA')).toBeNull();
    expect(viewSpatialLetter('(b)')).toBe('B');
    expect(viewSpatialLetter('A1 c')).toBe('C');
    expect(viewSpatialPrediction('no box here: A', true)).toBeNull();
  });
});
