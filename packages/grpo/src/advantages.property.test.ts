import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drGrpoAdvantages, grpoAdvantages, rlooAdvantages } from './advantages.js';
import { GrpoInputError } from './errors.js';

interface Batch {
  tokenLevelRewards: number[][];
  responseMask: number[][];
  index: number[];
}

const reward = fc.oneof(
  fc.constantFrom(0, 0.1, 0.9, 1),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.double({ min: -1e-300, max: 1e-300, noNaN: true }),
);

/** Groups of 2–6 responses, rows shuffled, every row with at least one response token. */
const batch: fc.Arbitrary<Batch> = fc
  .record({
    sizes: fc.array(fc.integer({ min: 2, max: 6 }), { minLength: 1, maxLength: 5 }),
    cols: fc.integer({ min: 1, max: 5 }),
  })
  .chain(({ sizes, cols }) => {
    const ids = sizes.flatMap((n, g) => new Array<number>(n).fill(g));
    return fc.record({
      index: fc.shuffledSubarray(ids, { minLength: ids.length, maxLength: ids.length }),
      tokenLevelRewards: fc.array(fc.array(reward, { minLength: cols, maxLength: cols }), {
        minLength: ids.length,
        maxLength: ids.length,
      }),
      lengths: fc.array(fc.integer({ min: 1, max: cols }), { minLength: ids.length, maxLength: ids.length }),
    });
  })
  .map(({ index, tokenLevelRewards, lengths }) => ({
    index,
    tokenLevelRewards,
    responseMask: lengths.map((n) => Array.from({ length: tokenLevelRewards[0].length }, (_, t) => (t < n ? 1 : 0))),
  }));

function perRow(advantages: number[][]): number[] {
  return advantages.map((row) => row[0]);
}

function scoresOf(b: Batch): number[] {
  return b.tokenLevelRewards.map((row) => row.reduce((a, r) => a + r, 0));
}

describe('group-relative advantages: properties', () => {
  it('GRPO advantages of a group with more than one distinct score sum to 0', () => {
    fc.assert(
      fc.property(batch, (b) => {
        const a = perRow(grpoAdvantages(b).advantages);
        const scores = scoresOf(b);
        for (const g of new Set(b.index)) {
          const rows = b.index.flatMap((id, i) => (id === g ? [i] : []));
          const sum = rows.reduce((s, i) => s + a[i], 0);
          const group = rows.map((i) => scores[i]);
          if (new Set(group).size > 1) {
            // Rounding in Σ(s − mean) is a few ulps of the largest score, then divided by (std + eps).
            const n = group.length;
            const mean = group.reduce((x, y) => x + y, 0) / n;
            const std = Math.sqrt(group.reduce((x, y) => x + (y - mean) ** 2, 0) / (n - 1));
            const maxAbs = Math.max(...group.map(Math.abs));
            const bound = (4 * n * n * Number.EPSILON * maxAbs) / (std + 1e-6) + 1e-300;
            expect(Math.abs(sum)).toBeLessThanOrEqual(bound);
          } else {
            expect(rows.every((i) => a[i] === 0)).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('permuting rows and ids together permutes the advantages, bit for bit', () => {
    const withPermutation = batch.chain((b) =>
      fc.tuple(
        fc.constant(b),
        fc.shuffledSubarray(
          b.index.map((_, i) => i),
          { minLength: b.index.length, maxLength: b.index.length },
        ),
      ),
    );
    fc.assert(
      fc.property(withPermutation, ([b, perm]) => {
        const permuted: Batch = {
          tokenLevelRewards: perm.map((i) => b.tokenLevelRewards[i]),
          responseMask: perm.map((i) => b.responseMask[i]),
          index: perm.map((i) => b.index[i]),
        };
        for (const estimator of [grpoAdvantages, drGrpoAdvantages, rlooAdvantages]) {
          const base = estimator(b).advantages;
          expect(estimator(permuted).advantages).toEqual(perm.map((i) => base[i]));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('is finite for finite rewards, masked rows included', () => {
    const anyMask = batch.chain((b) =>
      fc
        .array(fc.array(fc.constantFrom(0, 1), { minLength: b.tokenLevelRewards[0].length, maxLength: b.tokenLevelRewards[0].length }), {
          minLength: b.index.length,
          maxLength: b.index.length,
        })
        .map((responseMask) => ({ ...b, responseMask })),
    );
    fc.assert(
      fc.property(anyMask, (b) => {
        for (const estimator of [grpoAdvantages, drGrpoAdvantages, rlooAdvantages]) {
          const { advantages, returns } = estimator(b);
          expect([...advantages.flat(), ...returns.flat()].every(Number.isFinite)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('either returns finite values or reports the overflow, for any finite double', () => {
    const huge = fc.record({
      rewards: fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 4, maxLength: 4 }),
    });
    fc.assert(
      fc.property(huge, ({ rewards }) => {
        const input = {
          tokenLevelRewards: rewards.map((r) => [r]),
          responseMask: rewards.map(() => [1]),
          index: [0, 0, 1, 1],
        };
        try {
          const { advantages } = grpoAdvantages(input);
          expect(advantages.flat().every(Number.isFinite)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(GrpoInputError);
          expect((e as GrpoInputError).code).toBe('NOT_FINITE');
        }
      }),
      { numRuns: 300 },
    );
  });
});
