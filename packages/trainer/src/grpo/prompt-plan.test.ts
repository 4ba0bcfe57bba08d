import { describe, expect, it } from 'vitest';
import { DatasetError } from '@spatial-ssrl/spec';
import { PromptPlan } from './prompt-plan.js';

describe('PromptPlan', () => {
  it('visits every prompt once per epoch, in an order fixed by the seed', () => {
    const plan = new PromptPlan(10, 5, 7);
    const epoch0 = [...plan.batchAt(0), ...plan.batchAt(1)];
    expect([...epoch0].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const epoch1 = [...plan.batchAt(2), ...plan.batchAt(3)];
    expect([...epoch1].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(epoch1).not.toEqual(epoch0);
    expect(new PromptPlan(10, 5, 8).batchAt(0)).not.toEqual(plan.batchAt(0));
  });

  it('gives the batch of any step without replaying earlier ones', () => {
    const a = new PromptPlan(7, 3, 1);
    const sequence = Array.from({ length: 12 }, (_, s) => a.batchAt(s));
    const b = new PromptPlan(7, 3, 1);
    expect(b.batchAt(9)).toEqual(sequence[9]);
    expect(b.batchAt(2)).toEqual(sequence[2]);
    // 3 prompts per step over 7: step 2 holds positions 6, 7, 8 and straddles epochs 0 and 1.
    const flat = sequence.flat();
    expect([...flat.slice(0, 7)].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect([...flat.slice(7, 14)].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('repeats prompts within a step when the step asks for more than there are', () => {
    const batch = new PromptPlan(2, 5, 0).batchAt(0);
    expect(batch).toHaveLength(5);
    expect(new Set(batch)).toEqual(new Set([0, 1]));
  });

  it('refuses an empty training split', () => {
    expect(() => new PromptPlan(0, 4, 0)).toThrow(DatasetError);
  });
});
