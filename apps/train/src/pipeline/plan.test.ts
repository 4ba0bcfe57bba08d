import { describe, expect, it } from 'vitest';
import { defaultRegistry, defineTask } from '@spatial-ssrl/tasks';
import { z } from 'zod';
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
    // Step budgets; the control is SFT steps of about GRPO's time (338 SFT and 96 GRPO steps a minute).
    expect([plan.sft.steps, plan.grpo.steps, plan.control.steps]).toEqual([1800, 290, 900]);
    expect(plan.sft.minutes).toBeUndefined();
    const timed = resolvePlan('quick', { budget: 'minutes' });
    expect((timed.sft.minutes ?? 0) + 2 * (timed.grpo.minutes ?? 0)).toBeLessThanOrEqual(12);
    expect([timed.sft.steps, timed.grpo.steps, timed.control.steps]).toEqual([undefined, undefined, undefined]);
    expect(() => resolvePlan('tiny', { budget: 'minutes' })).toThrow(/step budgets only/);
    expect(plan.evaluation.perTask).toBe(0);
    // 48-px inputs in 16-px patches (grid seams inside image tokens), with the edge channels.
    expect(plan.modelInput).toEqual({ imageSize: 48, patchSize: 16, features: { rgb: true, gradients: true, edges: true } });
    // Markers a small input still shows: 16 px, a colour per label.
    for (const task of ['depth', 'position']) expect(plan.data.params[task]).toEqual({ markerRadius: 16, markerFill: 'by-label' });
    // Position is trained with its direction word in <think> before the letter; the rest plain.
    for (const preset of ['quick', 'full'] as const) {
      expect(resolvePlan(preset).sft.taskTemplates).toEqual({ position: '<think>{meta.direction}</think>\\boxed{{answer}}' });
      // Half of the flip, shuffle and crop rows are shown mirrored (the rate those tasks declare).
      expect(resolvePlan(preset).sft.mirror).toEqual({ shuffle: 0.5, flip: 0.5, crop: 0.5 });
    }
    expect(resolvePlan('tiny').sft.taskTemplates).toEqual({});
    expect(resolvePlan('tiny').data).toMatchObject({ params: {}, tasks: ['shuffle', 'flip', 'crop', 'depth', 'position'] });
  });

  it('takes what it does per task from the tasks of the registry, plugins included', () => {
    const registry = defaultRegistry().register(
      defineTask({
        id: 'sixth',
        description: 'a plugin task that declares a mirror rate, a rationale and low-resolution params',
        needs: 'rgb',
        params: z.strictObject({ big: z.boolean().default(false) }),
        variants: () => ['one'],
        imageCount: () => 1,
        answerSpace: () => ['A', 'B'],
        mirrorAnswer: ({ answer }) => answer,
        mirrorRate: 0.25,
        rationaleTemplate: '<think>{meta.why}</think>\\boxed{{answer}}',
        lowResolutionParams: { big: true },
        generate: () => ({ rejected: true, code: 'unused', reason: 'not generated here' }),
      }),
    );
    const plan = resolvePlan('quick', { plugins: ['file:///plugins/sixth.js'] }, registry);
    expect(plan.plugins).toEqual(['file:///plugins/sixth.js']);
    if (plan.data.kind !== 'generate') throw new Error('quick generates its data');
    expect(plan.data.tasks).toEqual(['shuffle', 'flip', 'crop', 'depth', 'position', 'sixth']);
    expect(plan.data.params.sixth).toEqual({ big: true });
    expect(plan.sft.mirror.sixth).toBe(0.25);
    expect(plan.sft.taskTemplates.sixth).toBe('<think>{meta.why}</think>\\boxed{{answer}}');
  });

  it('generates the tasks --tasks names, opt-in image tasks included, and refuses the rest', () => {
    const plan = resolvePlan('quick', { tasks: ['flip', 'rotation', 'jigsaw'] });
    if (plan.data.kind !== 'generate') throw new Error('quick generates its data');
    expect(plan.data.tasks).toEqual(['flip', 'rotation', 'jigsaw']);
    expect(plan.sft.mirror).not.toHaveProperty('depth');
    expect(() => resolvePlan('quick', { tasks: ['flip', 'nonesuch'] })).toThrow(/unknown task nonesuch \(known: shuffle, flip/);
    expect(() => resolvePlan('quick', { tasks: ['flip', 'flip'] })).toThrow(/task flip is named twice/);
    expect(() => resolvePlan('quick', { tasks: ['frame-order'] })).toThrow(/task frame-order takes a clip; the pipeline generates from images only/);
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
    expect(planDifferences(a, resolvePlan('full')).sort()).toContain('sft.steps');
    expect(planDifferences(a, resolvePlan('quick', { dataDir: '/x' }))).toEqual(['data.count', 'data.dir', 'data.kind', 'data.params', 'data.sources', 'data.tasks', 'data.testFraction']);
    expect(planDifferences(a, resolvePlan('quick', { plugins: ['my-tasks'] }))).toEqual(['plugins']);
  });
});
