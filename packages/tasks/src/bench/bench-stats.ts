import { encodeImage } from '@spatial-ssrl/image';
import { isRejection, type TaskResult } from '../task.js';

/** The median of `values` (milliseconds or any unit); the mean of the middle two for an even count. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Milliseconds for a table cell: two decimals below 10 ms, one above. */
export const fmt = (ms: number): string => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));

/** Times of one sample, milliseconds: loading its input, the task's `generate`, and everything with PNG encoding. */
export interface SampleTimes {
  readonly load: number;
  readonly generate: number;
  readonly full: number;
  readonly rejected: boolean;
}

/**
 * Times one sample as the dataset writer makes it: `load` the input, `generate` on it, and
 * PNG-encode every image of the sample (nothing for a rejection).
 */
export async function timeSample<I>(load: () => Promise<I>, generate: (input: I) => TaskResult): Promise<SampleTimes> {
  const t0 = performance.now();
  const input = await load();
  const t1 = performance.now();
  const result = generate(input);
  const t2 = performance.now();
  if (!isRejection(result)) await Promise.all(result.images.map((img) => encodeImage(img.image, { format: 'png' })));
  const t3 = performance.now();
  return { load: t1 - t0, generate: t2 - t1, full: t3 - t0, rejected: isRejection(result) };
}
