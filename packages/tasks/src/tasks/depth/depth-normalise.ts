import type { DepthMap } from '@spatial-ssrl/image';
import type { TaskRejection } from '../../task.js';
import { maskedPercentilesLinear } from '../percentile.js';
import { reject } from '../rejection.js';
import { UNUSABLE_SENTINEL } from '../window-stats.js';

/** A depth map rescaled to [0, 1] between two percentiles, with the pixels that fell outside flagged. */
export interface PercentileDepth {
  /**
   * Normalised depth in [0, 1]; {@link UNUSABLE_SENTINEL} where the pixel is invalid, not finite
   * or outside `[pLo, pHi]`. Computed for the whole image on first access.
   */
  readonly norm: Float32Array;
  /** The low and high percentiles, in the source depth unit. */
  readonly pLo: number;
  readonly pHi: number;
  /** The normalised value of pixel `i` without building `norm` (the same float32 value). */
  at(i: number): number;
}

/**
 * Normalises depth by the `lowQ`/`highQ` percentiles (0-100, numpy `linear`) of the valid,
 * finite pixels: `n = (d − pLo)/(pHi − pLo)`; pixels outside `[pLo, pHi]` become unusable rather
 * than clipped. Rejects with `no-valid-depth` or `no-depth-range` (`pHi == pLo`).
 */
export function percentileNormalise(depth: DepthMap, lowQ: number, highQ: number): PercentileDepth | TaskRejection {
  const { data, valid } = depth;
  const n = data.length;
  const [pLo, pHi] = maskedPercentilesLinear(data, valid, [lowQ, highQ]);
  if (Number.isNaN(pLo)) return reject('no-valid-depth', 'the depth map has no valid, finite pixel');
  if (!(pHi > pLo)) {
    return reject('no-depth-range', `the ${lowQ}th and ${highQ}th depth percentiles are equal (${pLo}), so depth cannot be normalised`);
  }
  const scale = pHi - pLo;
  const at = (i: number): number => {
    const d = data[i];
    return valid[i] !== 0 && d >= pLo && d <= pHi ? Math.fround((d - pLo) / scale) : UNUSABLE_SENTINEL;
  };
  let norm: Float32Array | undefined;
  return {
    pLo,
    pHi,
    at,
    get norm(): Float32Array {
      if (norm === undefined) {
        norm = new Float32Array(n);
        for (let i = 0; i < n; i++) {
          const d = data[i];
          norm[i] = valid[i] !== 0 && d >= pLo && d <= pHi ? (d - pLo) / scale : UNUSABLE_SENTINEL;
        }
      }
      return norm;
    },
  };
}
