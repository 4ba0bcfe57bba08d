import { deriveSeed } from '@spatial-ssrl/spec';

/** Options of the held-out split: the share of source images held out and the split seed. */
export interface SplitOptions {
  /** Fraction of source images assigned to `test`, in [0, 1]. */
  readonly testFraction: number;
  /** Seed of the split hash; keep it fixed across runs so held-out images stay held out. */
  readonly seed: number;
}

/**
 * Assigns a source image to `train` or `test` by hashing `(seed, dataset, id)` into [0, 1):
 * the decision depends on the image alone, never on the task or the sample, so every sample
 * made from one image lands on the same side and no image is in both splits.
 */
export function splitOf(
  source: { readonly dataset: string; readonly id: string },
  options: SplitOptions,
): 'train' | 'test' {
  const { testFraction, seed } = options;
  if (!(testFraction >= 0 && testFraction <= 1)) {
    throw new RangeError(`testFraction must be in [0, 1], got ${testFraction}`);
  }
  if (testFraction === 0) return 'train';
  if (testFraction === 1) return 'test';
  const u = deriveSeed(seed, 'split', source.dataset, source.id) / 4294967296;
  return u < testFraction ? 'test' : 'train';
}
