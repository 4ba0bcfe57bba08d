import { describe, expect, it } from 'vitest';
import { AdamW, learningRate, optimizerConfig } from './optimizer.js';
import type { ParamSpec } from '@spatial-ssrl/model/training';

const specs: ParamSpec[] = [
  { name: 'a.w', shape: [2], std: 1, decay: true },
  { name: 'a.b', shape: [1], std: 0, decay: false },
];

describe('learningRate', () => {
  it('warms up linearly and decays along a cosine to the floor', () => {
    const c = optimizerConfig.parse({ lr: 1, warmupSteps: 4, totalSteps: 14, minLrRatio: 0.1 });
    expect([0, 1, 2, 3].map((s) => learningRate(c, s))).toEqual([0.25, 0.5, 0.75, 1]);
    expect(learningRate(c, 4)).toBeCloseTo(1, 12);
    expect(learningRate(c, 9)).toBeCloseTo(0.55, 12);
    expect(learningRate(c, 14)).toBeCloseTo(0.1, 12);
    expect(learningRate(c, 100)).toBeCloseTo(0.1, 12);
  });
});

describe('AdamW', () => {
  it('matches a hand computation of two steps with decoupled decay on weights only', () => {
    const c = optimizerConfig.parse({ lr: 0.1, warmupSteps: 0, totalSteps: 1000, minLrRatio: 1, weightDecay: 0.5, clipNorm: 0 });
    const opt = new AdamW(specs, c);
    const w = new Map([
      ['a.w', new Float32Array([1, -2])],
      ['a.b', new Float32Array([3])],
    ]);
    const g = new Map([
      ['a.w', new Float32Array([0.5, 0])],
      ['a.b', new Float32Array([-1])],
    ]);
    opt.update(w, g);
    // Step 1: m̂ = g, v̂ = g², so the Adam step is sign(g)·lr (0 where g = 0), plus lr·wd·w on weights.
    expect(w.get('a.w')![0]).toBeCloseTo(1 - 0.1 * (0.5 / (0.5 + 1e-8) + 0.5 * 1), 6);
    expect(w.get('a.w')![1]).toBeCloseTo(-2 - 0.1 * (0 + 0.5 * -2), 6);
    expect(w.get('a.b')![0]).toBeCloseTo(3 + 0.1, 6);
    const before = w.get('a.b')![0];
    opt.update(w, g);
    expect(w.get('a.b')![0] - before).toBeCloseTo(0.1, 6);
    expect(opt.step).toBe(2);
  });

  it('clips the global gradient norm and reports it', () => {
    const c = optimizerConfig.parse({ lr: 0.1, warmupSteps: 0, totalSteps: 10, clipNorm: 1 });
    const opt = new AdamW(specs, c);
    const w = new Map([
      ['a.w', new Float32Array(2)],
      ['a.b', new Float32Array(1)],
    ]);
    const info = opt.update(w, new Map([
      ['a.w', new Float32Array([3, 0])],
      ['a.b', new Float32Array([4])],
    ]));
    expect(info.gradNorm).toBeCloseTo(5, 6);
    expect(info.clipped).toBe(true);
    expect(() =>
      opt.update(w, new Map([
        ['a.w', new Float32Array([NaN, 0])],
        ['a.b', new Float32Array([0])],
      ])),
    ).toThrow(/gradient norm is NaN/);
  });

  it('restores its moments exactly', () => {
    const c = optimizerConfig.parse({ lr: 0.01, warmupSteps: 2, totalSteps: 10 });
    const a = new AdamW(specs, c);
    const wa = new Map([
      ['a.w', new Float32Array([1, 2])],
      ['a.b', new Float32Array([3])],
    ]);
    const g = new Map([
      ['a.w', new Float32Array([0.3, -0.2])],
      ['a.b', new Float32Array([0.1])],
    ]);
    a.update(wa, g);
    const b = new AdamW(specs, c);
    b.loadMoments(a.saveMoments(), a.step);
    const wb = new Map([...wa].map(([k, v]) => [k, v.slice()]));
    a.update(wa, g);
    b.update(wb, g);
    expect(Array.from(wb.get('a.w')!)).toEqual(Array.from(wa.get('a.w')!));
    expect(() => b.loadMoments(new Float32Array(3), 1)).toThrow(/expected 6/);
  });
});
