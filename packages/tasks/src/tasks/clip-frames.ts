import { cloneRgb, meanAbsDiff, type ClipFrame, type RgbImage } from '@spatial-ssrl/image';
import type { AnyTaskInput, ClipInput, TaskRejection } from '../task.js';
import { checkRgb } from './input-checks.js';
import { decoratePatch, minPatchSide } from './patch-style.js';
import { reject } from './rejection.js';

/** Ordinal names of frame positions in answer formats. */
const ORDINALS = ['First', 'Second', 'Third', 'Fourth', 'Fifth', 'Sixth', 'Seventh', 'Eighth'] as const;

/** The answer format naming `n` positions in time, e.g. `First-Second-Third`. */
export function ordinalFormat(n: number): string {
  return ORDINALS.slice(0, n).join('-');
}

/** `0, 1, and 2` style list of the labels `0..n−1`. */
export function labelList(n: number): string {
  const labels = Array.from({ length: n }, (_, i) => String(i));
  return `${labels.slice(0, -1).join(', ')}, and ${labels.at(-1)}`;
}

/**
 * The frames of a clip input when it holds exactly `count` well-formed frames of one size, each
 * at least big enough for a label, in clip order and each visibly different from the next
 * (mean absolute difference ≥ `minDifference`, 0-255); otherwise a rejection (`clip-required`,
 * `wrong-frame-count`, `invalid-raster`, `frame-size-mismatch`, `image-too-small`, `frames-identical`).
 */
export function checkClipFrames(input: AnyTaskInput, count: number, minDifference: number): readonly ClipFrame[] | TaskRejection {
  if (!('kind' in input) || input.kind !== 'clip') return reject('clip-required', 'this task takes frames of a clip, not a single image or a view pair');
  const { frames } = input as ClipInput;
  if (frames.length !== count) return reject('wrong-frame-count', `this task takes ${count} frames, the clip input holds ${frames.length}`);
  for (const f of frames) {
    const bad = checkRgb(f.rgb);
    if (bad) return bad;
  }
  const { width, height } = frames[0].rgb;
  if (frames.some((f) => f.rgb.width !== width || f.rgb.height !== height)) return reject('frame-size-mismatch', 'the frames of the clip differ in size');
  const side = minPatchSide();
  if (width < side || height < side) return reject('image-too-small', `frames of ${width}×${height} are too small for a label: needs at least ${side}×${side}`);
  for (let k = 1; k < frames.length; k++) {
    if (!(frames[k].time > frames[k - 1].time)) return reject('frames-out-of-order', `frame times do not increase (${frames[k - 1].time} s, then ${frames[k].time} s)`);
    const diff = meanAbsDiff(frames[k - 1].rgb, frames[k].rgb);
    if (diff < minDifference) {
      return reject('frames-identical', `frames ${frames[k - 1].index} and ${frames[k].index} differ by only ${diff.toFixed(2)} (< ${minDifference}) on average: nothing moves`);
    }
  }
  return frames;
}

/** A copy of a frame with its frame and label `label` drawn at the top-left, as the patch tasks label patches. */
export function labelledFrame(rgb: RgbImage, label: string): RgbImage {
  const out = cloneRgb(rgb);
  decoratePatch(out, { x: 0, y: 0, width: out.width, height: out.height }, label);
  return out;
}
