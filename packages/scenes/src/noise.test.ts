import { describe, expect, it } from 'vitest';
import { addNoiseLayer, detailNoise2, detailWeight, fbm2, fbm3, filteredPulse, hash2, valueNoise2, valueNoise3 } from './noise.js';

describe('hashes and value noise', () => {
  it('hashes to [0, 1) and depends on every input', () => {
    const values = new Set<number>();
    for (let i = -20; i < 20; i++) {
      for (let j = -20; j < 20; j++) {
        const h = hash2(i, j, 3);
        expect(h >= 0 && h < 1).toBe(true);
        values.add(h);
      }
    }
    expect(values.size).toBe(1600);
    expect(hash2(1, 2, 3)).not.toBe(hash2(1, 2, 4));
    expect(hash2(1, 2, 3)).not.toBe(hash2(2, 1, 3));
  });

  it('value noise interpolates the lattice: continuous, in range, equal to lattice values at integers', () => {
    let maxStep = 0;
    let prev = valueNoise2(0, 0.3, 5);
    for (let i = 1; i <= 4000; i++) {
      const x = i * 0.001;
      const v = valueNoise2(x, 0.3, 5);
      expect(v >= 0 && v < 1).toBe(true);
      maxStep = Math.max(maxStep, Math.abs(v - prev));
      prev = v;
    }
    expect(maxStep).toBeLessThan(0.01);
    // At a lattice point the noise equals that point's value whatever the fractional neighbour.
    expect(valueNoise2(3, 4, 9)).toBe(valueNoise2(3, 4 + 1e-15, 9));
    const z = valueNoise3(1.5, 2.5, 3, 1);
    expect(z >= 0 && z < 1).toBe(true);
    expect(valueNoise3(1.5, 2.5, 3, 1)).not.toBe(valueNoise3(1.5, 2.5, 3, 2));
  });

  it('handles negative coordinates without seams', () => {
    const a = valueNoise2(-1e-9, 0.5, 2);
    const b = valueNoise2(1e-9, 0.5, 2);
    expect(Math.abs(a - b)).toBeLessThan(1e-6);
  });
});

describe('footprint filtering', () => {
  it('keeps coarse patterns and removes ones finer than a pixel', () => {
    expect(detailWeight(1, 0.01)).toBe(1);
    expect(detailWeight(1, 0.6)).toBe(0);
    const mid = detailWeight(1, 0.3);
    expect(mid > 0 && mid < 1).toBe(true);
    expect(detailNoise2(0.37, 0.52, 1, 10)).toBe(0.5);
    expect(detailNoise2(0.37, 0.52, 1, 0)).toBe(valueNoise2(0.37, 0.52, 1));
  });

  it('fbm stays in [0, 1] and tends to 0.5 when every octave is filtered out', () => {
    for (let i = 0; i < 500; i++) {
      const v = fbm2(i * 0.137, i * 0.071, 4, 5, 0);
      expect(v >= 0 && v <= 1).toBe(true);
      const w = fbm3(i * 0.137, i * 0.071, i * 0.05, 4, 3, 0);
      expect(w >= 0 && w <= 1).toBe(true);
    }
    expect(fbm2(1.3, 2.7, 4, 5, 100)).toBe(0.5);
    expect(fbm3(1.3, 2.7, 0.2, 4, 3, 100)).toBe(0.5);
  });

  it('filteredPulse equals a numeric box-filter of the pulse train', () => {
    for (const [x, width, duty] of [
      [0.3, 0.2, 0.5],
      [2.95, 0.4, 0.06],
      [-1.2, 1.7, 0.5],
      [10.01, 0.05, 0.3],
    ] as const) {
      const n = 20000;
      let covered = 0;
      for (let i = 0; i < n; i++) {
        const s = x - width / 2 + ((i + 0.5) / n) * width;
        if (s - Math.floor(s) < duty) covered++;
      }
      expect(filteredPulse(x, width, duty)).toBeCloseTo(covered / n, 3);
    }
    expect(filteredPulse(0.2, 0, 0.5)).toBe(1);
    expect(filteredPulse(0.7, 0, 0.5)).toBe(0);
    expect(filteredPulse(0.7, 50, 0.25)).toBe(0.25);
  });
});

describe('noise along a run of points', () => {
  it('adds exactly the faded value noise at every point when neighbours are a cell or more apart', () => {
    const n = 200;
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      // Steps of 0.3 cells in x and y: several points share a cell, then the cell changes.
      xs[i] = -7.3 + i * 0.3;
      ys[i] = 2.1 - i * 0.3;
    }
    const out = new Float64Array(n).fill(0.25);
    addNoiseLayer(out, xs, ys, 10, 190, 1.5, 2, 41, 0.6, 0.5);
    for (let i = 0; i < n; i++) {
      const expected = i < 10 || i >= 190 ? 0.25 : 0.25 + ((0.5 - 0.5 * 0.6) * 0.5 + valueNoise2(xs[i] * 1.5, ys[i] * 2, 41) * (0.6 * 0.5));
      expect(out[i]).toBe(expected);
    }
  });

  it('interpolates within 1% of the noise range where neighbours are much closer than a cell', () => {
    const n = 400;
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      xs[i] = 3 + i * 0.01;
      ys[i] = 5 + i * 0.004;
    }
    const out = new Float64Array(n);
    addNoiseLayer(out, xs, ys, 0, n, 1, 1, 7, 1, 1);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(out[i] - valueNoise2(xs[i], ys[i], 7)));
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThan(0.012);
  });
});
