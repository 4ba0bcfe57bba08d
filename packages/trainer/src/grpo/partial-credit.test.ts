import { modelPresets } from '@spatial-ssrl/model';
import type { PartialCreditRule } from '@spatial-ssrl/rewards';
import { defaultRegistry } from '@spatial-ssrl/tasks';
import { describe, expect, it } from 'vitest';
import type { TrainExample } from '../sft/batching.js';
import { makePrompts } from './__fixtures__/prompts.js';
import { parseGrpoOptions } from './grpo-options.js';
import { rolloutAdvantages } from './rollout-advantages.js';
import { rolloutReward, type Rollout } from './rollout.js';

const base = makePrompts(modelPresets.tiny, 1).examples[0];
const shufflePrompt: TrainExample = { ...base, record: { ...base.record, task: 'shuffle', answer: '0-2-3-1' } };
const cropPrompt: TrainExample = { ...base, record: { ...base.record, task: 'crop', answer: 'B' } };
const registry = defaultRegistry();
const rules: Record<string, PartialCreditRule> = { shuffle: registry.get('shuffle').partialCredit! };
const exact = { grader: 'exact' as const, formatWeight: 0.1 };
const partial = { ...exact, partialCredit: rules };
const advantageSettings = { estimator: 'grpo' as const, useKlLoss: true, klKind: 'low_var_kl' as const };

function group(example: TrainExample, responses: readonly string[], settings: typeof exact | typeof partial): Rollout[] {
  return responses.map((text, j) => ({
    group: 0,
    sample: j,
    example,
    tokens: [5, 6, 7],
    logProbs: [-1, -1, -1],
    text,
    finishReason: 'stop',
    reward: rolloutReward(text, example.record, settings),
  }));
}

function lastTokenAdvantages(rows: readonly Rollout[]): number[] {
  const { advantages } = rolloutAdvantages(rows, rows.map((r) => r.logProbs), advantageSettings, 0);
  return advantages.map((row) => row[2]);
}

describe('GRPO with partial credit', () => {
  // Five attempts at the shuffle answer 0-2-3-1, none exactly right.
  const attempts = [
    '<think>swap</think>\\boxed{0-2-1-3}',
    '<think>rotate</think>\\boxed{1-3-0-2}',
    '<think>close</think>\\boxed{0-3-2-1}',
    '<think>repeat</think>\\boxed{0-0-0-0}',
    'no format \\boxed{0-2-1-3}',
  ];

  it('is off by default: the accuracy term is exact match, so a group with no exact answer carries format signal only', () => {
    expect(parseGrpoOptions({ init: 'i', data: 'd', out: 'o', steps: 1 }).partialCredit).toBe(false);
    const rows = group(shufflePrompt, attempts, exact);
    expect(rows.map((r) => r.reward.accuracy)).toEqual([0, 0, 0, 0, 0]);
    const adv = lastTokenAdvantages(rows);
    // Only the response without the format differs: four equal advantages and one below them.
    expect(new Set(adv.slice(0, 4).map((a) => a.toFixed(9))).size).toBe(1);
    expect(adv[4]).toBeLessThan(adv[0]);
  });

  it('changes the advantages on the same group: more positions right, larger advantage', () => {
    const rows = group(shufflePrompt, attempts, partial);
    expect(rows.map((r) => r.reward.accuracy)).toEqual([0.5, 0, 0.5, 0, 0.5]);
    expect(rows.map((r) => r.reward.overall)).toEqual([0.55, 0.1, 0.55, 0.1, 0.45]);
    const adv = lastTokenAdvantages(rows);
    const before = lastTokenAdvantages(group(shufflePrompt, attempts, exact));
    expect(adv).not.toEqual(before);
    // GRPO: (s − mean) / (std + 1e-6) over the group, with the unbiased std.
    const scores = [0.55, 0.1, 0.55, 0.1, 0.45];
    const mean = scores.reduce((a, b) => a + b) / 5;
    const std = Math.sqrt(scores.reduce((a, s) => a + (s - mean) ** 2, 0) / 4);
    adv.forEach((a, k) => expect(a).toBeCloseTo((scores[k] - mean) / (std + 1e-6), 5));
    expect(adv[0]).toBeGreaterThan(0);
    expect(adv[1]).toBeLessThan(0);
  });

  it('leaves tasks without a rule on exact match, and the exact answer at full reward', () => {
    const crop = group(cropPrompt, ['<think>a</think>\\boxed{A}', '<think>b</think>\\boxed{B}'], partial);
    expect(crop.map((r) => r.reward.accuracy)).toEqual([0, 1]);
    const right = group(shufflePrompt, ['<think>x</think>\\boxed{0-2-3-1}'], partial);
    expect(right[0].reward).toEqual({ overall: 1, format: 1, accuracy: 1 });
  });
});
