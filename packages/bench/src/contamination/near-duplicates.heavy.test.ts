import { describe, expect, it } from 'vitest';
import { nearDuplicateTrial } from './__fixtures__/near-duplicate-trial.js';

// The full claim over 1,000 distinct scenes: pairwise queries grow with the square of the count,
// too long for the default suite on a shared machine, so this run is opt-in (`pnpm test:heavy`).
describe('near-duplicate search', () => {
  it('finds ≥ 95 % of planted copies and no false positive among 1,000 distinct scenes', async () => {
    const trial = await nearDuplicateTrial(1000);
    expect(trial.falsePositives).toEqual([]);
    expect(trial.found / trial.planted).toBeGreaterThanOrEqual(0.95);
    // No kind of copy is left behind: each is found most of the time on its own (the hardest,
    // a crop that is also shrunk and re-encoded, measured 0.78 over 1,000 scenes; every other kind 0.94-1).
    for (const [name, r] of Object.entries(trial.recall)) expect(r, name).toBeGreaterThanOrEqual(0.75);
  }, 1_800_000);
});
