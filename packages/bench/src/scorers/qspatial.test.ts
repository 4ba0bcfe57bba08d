import { describe, expect, it } from 'vitest';
import { judgeQspatial, qspatialHit, qspatialMultiplier, qspatialParse, scoreQspatial } from './qspatial.js';

const item = (v: number, u: string, t = 'horizontal_distance') => ({ category: t, meta: { answerValue: v, answerUnit: u } });

describe('Q-Spatial parsing', () => {
  it('converts units to centimetres; unknown units count 0', () => {
    expect(qspatialMultiplier('Meters ')).toBe(100);
    expect(qspatialMultiplier('cm')).toBe(1);
    expect(qspatialMultiplier('ft')).toBe(30.48);
    expect(qspatialMultiplier('inches')).toBe(2.54);
    expect(qspatialMultiplier('mm')).toBe(0.1);
    expect(qspatialMultiplier('yards')).toBe(0);
  });

  it('reads the last scalar{} (mean of its numbers) and distance_unit{}', () => {
    expect(qspatialParse('first \\scalar{9} \\distance_unit{m} then \\scalar{2-3} \\distance_unit{ft}')).toEqual({ cm: 2.5 * 30.48, value: 2.5, unit: 'ft' });
    expect(qspatialParse('\\scalar{40} \\distance_unit{in}')).toEqual({ cm: 40 * 2.54, value: 40, unit: 'in' });
    expect(qspatialParse('\\scalar{150} \\distance_unit{mm}')).toEqual({ cm: 15, value: 150, unit: 'mm' });
  });

  it('falls back to unit{} then to any {} for the unit', () => {
    expect(qspatialParse('\\scalar{3} \\unit{m}')).toMatchObject({ cm: 300 });
    expect(qspatialParse('\\scalar{3} in {cm}')).toMatchObject({ cm: 3 });
  });

  it('rewrites boxed answers the way the Spatial-SSRL script does', () => {
    expect(qspatialParse('<think>..</think> \\boxed{\\scalar{1.2} \\distance_unit{m}}')).toMatchObject({ value: 1.2, unit: 'm', cm: 120 });
    // "\boxed{3.5 m}" becomes "\scalar{3.5} m": the unit falls back to the letters after the last backslash.
    expect(qspatialParse('\\boxed{3.5 m}')).toMatchObject({ value: 3.5, unit: 'scalar', cm: 0 });
  });

  it('reports unreadable responses and NaN for an empty scalar', () => {
    expect(qspatialParse('about two metres')).toBe('no-scalar');
    // The only braces hold the number, so the unit falls back to the letters after a backslash: none.
    expect(qspatialParse('scalar{3}')).toEqual({ value: 3, unit: '', cm: 0 });
    const r = qspatialParse('\\scalar{many} \\distance_unit{m}');
    expect(typeof r === 'object' && Number.isNaN(r.cm)).toBe(true);
  });

  it('hits when max(p/g, g/p) < 2 with 1e-8 added to both', () => {
    expect(qspatialHit(199.99, 100)).toBe(true);
    expect(qspatialHit(200, 100)).toBe(true);
    expect(qspatialHit(200.0001, 100)).toBe(false);
    expect(qspatialHit(50.01, 100)).toBe(true);
    expect(qspatialHit(0, 0)).toBe(true);
    expect(qspatialHit(Number.NaN, 100)).toBe(false);
  });

  it('scores success rates per question type, with the 1.5 variant', () => {
    const items = [item(1.5, 'm'), item(210, 'cm', 'vertical_distance'), item(3, 'ft', 'object_width'), item(20, 'inches')];
    const texts = [
      '\\scalar{1.2} \\distance_unit{m}', // 120 vs 150: hit at 2 and 1.5
      '\\scalar{1} \\distance_unit{m}', // 100 vs 210: miss
      '\\scalar{60} \\distance_unit{cm}', // 60 vs 91.44: hit at 2, miss at 1.5
      null,
    ];
    const s = scoreQspatial('qspatial-plus', items, texts);
    expect(s.headline).toBe(50);
    expect(s.variants['delta_1_5']!.headline).toBe(25);
    expect(s.categories).toEqual({ horizontal_distance: 50, object_width: 100, vertical_distance: 0 });
    expect(judgeQspatial(items[0]!, texts[0]!).score).toBe(1);
  });
});
