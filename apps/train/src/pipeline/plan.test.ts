import { describe, expect, it } from 'vitest';
import { pipelinePlan, planDifferences, resolvePlan } from './plan.js';

describe('resolvePlan', () => {
  it('gives valid plans for every preset', () => {
    for (const preset of ['quick', 'full', 'tiny'] as const) {
      const plan = resolvePlan(preset);
      expect(pipelinePlan.parse(plan)).toEqual(plan);
      expect(plan.seed).toBe(0);
      expect(plan.data.kind).toBe('generate');
    }
  });

  it('sizes quick for at least 500 held-out samples per task and a 20-minute budget', () => {
    const plan = resolvePlan('quick');
    if (plan.data.kind !== 'generate') throw new Error('quick generates its data');
    // Five tasks with equal weights; the split holds out a share of the source images.
    expect((plan.data.count / 5) * plan.data.testFraction).toBeGreaterThanOrEqual(550);
    expect((plan.sft.minutes ?? 0) + 2 * (plan.grpo.minutes ?? 0)).toBeLessThanOrEqual(12);
    expect(plan.evaluation.perTask).toBe(0);
    // 48-px inputs in 16-px patches (grid seams inside image tokens), with the edge channels.
    expect(plan.modelInput).toEqual({ imageSize: 48, patchSize: 16, features: { rgb: true, gradients: true, edges: true } });
    // Markers a small input still shows: 16 px, a colour per label.
    for (const task of ['depth', 'position']) expect(plan.data.params[task]).toEqual({ markerRadius: 16, markerFill: 'by-label' });
    // Position is trained with its direction word in <think> before the letter; the rest plain.
    for (const preset of ['quick', 'full'] as const) {
      expect(resolvePlan(preset).sft.taskTemplates).toEqual({ position: '<think>{meta.direction}</think>\\boxed{{answer}}' });
      // Half of the flip, shuffle and crop rows are shown mirrored; position cannot be.
      expect(resolvePlan(preset).sft.mirror).toEqual({ flip: 0.5, shuffle: 0.5, crop: 0.5 });
    }
  });

  it('applies sources, an existing data directory and the seed', () => {
    const sources = resolvePlan('quick', { sources: ['folder:/data/coco', 'synthetic:10'], seed: 7 });
    expect(sources.data).toMatchObject({ kind: 'generate', sources: ['folder:/data/coco', 'synthetic:10'], count: 13_000 });
    expect(sources.seed).toBe(7);
    expect(resolvePlan('full', { dataDir: '/data/set' }).data).toEqual({ kind: 'existing', dir: '/data/set' });
  });
});

describe('planDifferences', () => {
  it('names the dotted paths that differ', () => {
    const a = resolvePlan('quick');
    expect(planDifferences(a, resolvePlan('quick'))).toEqual([]);
    expect(planDifferences(a, resolvePlan('quick', { seed: 3 }))).toEqual(['seed']);
    expect(planDifferences(a, resolvePlan('quick', { sources: ['synthetic'] }))).toEqual(['data.sources']);
    expect(planDifferences(a, resolvePlan('full')).sort()).toContain('sft.minutes');
    expect(planDifferences(a, resolvePlan('quick', { dataDir: '/x' }))).toEqual(['data.count', 'data.dir', 'data.kind', 'data.params', 'data.sources', 'data.testFraction']);
  });
});
