import { describe, expect, it } from 'vitest';
import { createAdaptiveKlController, createFixedKlController } from './kl-controller.js';

describe('KL controllers', () => {
  it('fixed keeps its value', () => {
    const c = createFixedKlController(0.01);
    c.update(5, 128);
    expect(c.value).toBe(0.01);
    expect(() => createFixedKlController(-1)).toThrowError(/coef/);
    expect(() => c.update(Number.NaN, 1)).toThrowError(/currentKl/);
  });

  it('adaptive scales β by 1 + clip(kl/target − 1, ±0.2)·n/horizon', () => {
    const c = createAdaptiveKlController({ initKlCoef: 0.1, targetKl: 0.05, horizon: 100 });
    c.update(0.06, 10);
    expect(c.value).toBeCloseTo(0.1 * (1 + 0.2 * 0.1), 15);
    c.update(1, 50);
    expect(c.value).toBeCloseTo(0.1 * 1.02 * 1.1, 15);
    c.update(0, 100);
    expect(c.value).toBeCloseTo(0.1 * 1.02 * 1.1 * 0.8, 15);
    c.update(0.05, 100);
    expect(c.value).toBeCloseTo(0.1 * 1.02 * 1.1 * 0.8, 15);
  });

  it('adaptive validates its settings', () => {
    expect(() => createAdaptiveKlController({ initKlCoef: 0.1, targetKl: 0, horizon: 10 })).toThrowError(/targetKl/);
    expect(() => createAdaptiveKlController({ initKlCoef: 0.1, targetKl: 1, horizon: 0 })).toThrowError(/horizon/);
  });
});
