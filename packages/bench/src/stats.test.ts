import { describe, expect, it } from 'vitest';
import { BenchError } from './errors.js';
import {
  differenceVerdict,
  newcombeDifference,
  newcombePairedDifference,
  normalQuantile,
  pairedCounts,
  wilsonInterval,
} from './stats.js';

const near = (actual: number, expected: number, digits = 4) => expect(actual).toBeCloseTo(expected, digits);

describe('normalQuantile', () => {
  it('matches published quantiles of the standard normal', () => {
    near(normalQuantile(0.975), 1.959963984540054, 12);
    near(normalQuantile(0.95), 1.6448536269514722, 12);
    near(normalQuantile(0.995), 2.5758293035489004, 12);
    near(normalQuantile(0.8413447460685429), 1, 12);
    near(normalQuantile(0.025), -1.959963984540054, 12);
    expect(normalQuantile(0.5)).toBe(0);
  });

  it('refuses probabilities outside its range', () => {
    expect(() => normalQuantile(0)).toThrow(BenchError);
    expect(() => normalQuantile(1)).toThrow(/p in/);
    expect(() => normalQuantile(Number.NaN)).toThrow(BenchError);
  });
});

describe('wilsonInterval', () => {
  // Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table I, method 3.
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i/%i → [%f, %f]', (x, n, lo, hi) => {
    const ci = wilsonInterval(x, n);
    near(ci.estimate, x / n, 12);
    near(ci.lower, lo);
    near(ci.upper, hi);
  });

  it('is exactly 0 or 1 at the boundaries and narrows with the confidence level', () => {
    expect(wilsonInterval(0, 20).lower).toBe(0);
    expect(wilsonInterval(29, 29).upper).toBe(1);
    near(wilsonInterval(29, 29).lower, 0.8830302015002593, 12);
    const wide = wilsonInterval(40, 100, 0.99);
    const narrow = wilsonInterval(40, 100, 0.9);
    expect(wide.lower).toBeLessThan(narrow.lower);
    expect(wide.upper).toBeGreaterThan(narrow.upper);
  });

  it('names the bad argument', () => {
    expect(() => wilsonInterval(3, 0)).toThrow(/n must be at least 1/);
    expect(() => wilsonInterval(5, 4)).toThrow(/exceed n/);
    expect(() => wilsonInterval(1.5, 4)).toThrow(/whole number/);
    expect(() => wilsonInterval(1, 4, 1)).toThrow(/confidence must be in \(0, 1\)/);
  });
});

describe('newcombeDifference', () => {
  // Newcombe (1998), "Interval estimation for the difference between independent proportions", method 10.
  it.each([
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [10, 10, 0, 20, 0.6791, 1],
  ])('%i/%i − %i/%i → [%f, %f]', (x1, n1, x2, n2, lo, hi) => {
    const ci = newcombeDifference(x1, n1, x2, n2);
    near(ci.estimate, x1 / n1 - x2 / n2, 12);
    near(ci.lower, lo);
    near(ci.upper, hi);
  });

  it('is antisymmetric in the two samples', () => {
    const ab = newcombeDifference(30, 90, 45, 100);
    const ba = newcombeDifference(45, 100, 30, 90);
    near(ab.lower, -ba.upper, 12);
    near(ab.upper, -ba.lower, 12);
  });

  it('names the sample with the bad count', () => {
    expect(() => newcombeDifference(3, 2, 1, 2)).toThrow(/first successes/);
    expect(() => newcombeDifference(1, 2, 1, 0)).toThrow(/second n/);
  });
});

describe('newcombePairedDifference', () => {
  // Newcombe (1998), "Improved confidence intervals for the difference between binomial proportions based on paired data", method 10.
  it.each([
    [36, 12, 2, 0, 0.0569, 0.3404],
    [18, 12, 2, 18, 0.0562, 0.329],
    [53, 0, 0, 1, -0.0729, 0.0729],
    [0, 30, 0, 0, 0.8395, 1],
  ])('(%i, %i, %i, %i) → [%f, %f]', (bothRight, onlyFirst, onlySecond, bothWrong, lo, hi) => {
    const ci = newcombePairedDifference({ bothRight, onlyFirst, onlySecond, bothWrong });
    near(ci.estimate, (onlyFirst - onlySecond) / (bothRight + onlyFirst + onlySecond + bothWrong), 12);
    near(ci.lower, lo);
    near(ci.upper, hi);
  });

  it('is narrower than the independent interval when the runs agree on most items', () => {
    const paired = newcombePairedDifference({ bothRight: 300, onlyFirst: 40, onlySecond: 20, bothWrong: 140 });
    const independent = newcombeDifference(340, 500, 320, 500);
    expect(paired.upper - paired.lower).toBeLessThan(independent.upper - independent.lower);
    near(paired.estimate, independent.estimate, 12);
  });

  it('refuses empty or negative tables', () => {
    expect(() => newcombePairedDifference({ bothRight: 0, onlyFirst: 0, onlySecond: 0, bothWrong: 0 })).toThrow(/all zero/);
    expect(() => newcombePairedDifference({ bothRight: -1, onlyFirst: 0, onlySecond: 0, bothWrong: 3 })).toThrow(/bothRight/);
  });
});

describe('differenceVerdict', () => {
  it('reads the side of zero the interval lies on', () => {
    expect(differenceVerdict({ estimate: 0.1, lower: 0.02, upper: 0.2 })).toBe('higher');
    expect(differenceVerdict({ estimate: -0.1, lower: -0.2, upper: -0.01 })).toBe('lower');
    expect(differenceVerdict({ estimate: 0.05, lower: -0.01, upper: 0.1 })).toBe('unclear');
    expect(differenceVerdict({ estimate: 0, lower: 0, upper: 0.1 })).toBe('unclear');
  });
});

describe('pairedCounts', () => {
  it('tallies the four right/wrong combinations item by item', () => {
    expect(pairedCounts([true, true, false, false, 1, 0], [true, false, true, false, 1, 1])).toEqual({
      bothRight: 2,
      onlyFirst: 1,
      onlySecond: 2,
      bothWrong: 1,
    });
    expect(() => pairedCounts([true], [])).toThrow(/same items/);
  });
});
