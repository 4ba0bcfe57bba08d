import { describe, expect, it } from 'vitest';
import { createRng } from '@spatial-ssrl/spec';
import { percentilesLinear } from './percentile.js';

function sortedPercentile(values: number[], q: number): number {
  const s = values.slice().sort((a, b) => a - b);
  const index = (q / 100) * (s.length - 1);
  const lo = Math.floor(index);
  const t = index - lo;
  if (lo + 1 >= s.length) return s[lo];
  const d = s[lo + 1] - s[lo];
  return t >= 0.5 ? s[lo + 1] - d * (1 - t) : s[lo] + d * t;
}

describe('percentilesLinear', () => {
  it('matches numpy linear percentiles on known values', () => {
    // numpy.percentile([1, 2, 3, 4], [0, 25, 50, 99.5, 100]) = [1, 1.75, 2.5, 3.985, 4]
    const out = percentilesLinear(new Float64Array([4, 1, 3, 2]), [0, 25, 50, 99.5, 100]);
    expect(out[0]).toBe(1);
    expect(out[1]).toBeCloseTo(1.75, 12);
    expect(out[2]).toBeCloseTo(2.5, 12);
    expect(out[3]).toBeCloseTo(3.985, 12);
    expect(out[4]).toBe(4);
  });

  it('agrees with a full sort on random data with many ties', () => {
    const rng = createRng(7);
    for (let trial = 0; trial < 40; trial++) {
      const n = rng.int(1, 3000);
      const values: number[] = [];
      for (let i = 0; i < n; i++) values.push(trial % 2 === 0 ? rng.int(0, 9) : Math.fround(rng.next() * 100));
      const qs = [0.5, 99.5, 50, 0, 100, 12.3];
      const got = percentilesLinear(Float32Array.from(values), qs);
      qs.forEach((q, i) => expect(got[i]).toBeCloseTo(sortedPercentile(values.map(Math.fround), q), 9));
    }
  });

  it('returns NaN for an empty input and rejects out-of-range q', () => {
    expect(percentilesLinear(new Float32Array(0), [50])).toEqual([Number.NaN]);
    expect(() => percentilesLinear(new Float32Array([1]), [101])).toThrow(RangeError);
  });
});
