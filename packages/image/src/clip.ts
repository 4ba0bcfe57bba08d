import type { CameraView } from './camera.js';
import { ClipSourceError } from './errors.js';
import type { DepthMap, RgbImage } from './raster.js';

/** One decoded frame of a clip. */
export interface ClipFrame {
  /** Frame index within the clip, 0-based (see {@link ClipInfo.frameCount}). */
  readonly index: number;
  /** Presentation time from the start of the clip, seconds. */
  readonly time: number;
  readonly rgb: RgbImage;
  /** Per-pixel depth with the frame's size, when the source has it. */
  readonly depth?: DepthMap;
  /** The camera that took the frame, when the source knows it. */
  readonly camera?: CameraView;
}

/** What a clip holds, known before any frame is decoded. */
export interface ClipInfo {
  /** Frames on the clip's timeline; frame `k` is the one shown at {@link frameTime}`(k)`. */
  readonly frameCount: number;
  /** Nominal frames per second (the stream's average rate for videos). */
  readonly frameRate: number;
  /** Time from the first frame to the end of the last one, seconds. */
  readonly duration: number;
  /** Frame size in pixels, as decoded. */
  readonly width: number;
  readonly height: number;
  /** Nominal presentation time of frame `k` from the clip start, seconds. */
  frameTime(k: number): number;
}

/** One clip of a clip source: a stable id, cheap metadata and on-demand frame decoding. */
export interface ClipItem {
  /** Dataset name recorded with each sample, e.g. `video`, `frames`, `flythrough`. */
  readonly dataset: string;
  /** Stable id within the dataset, e.g. a relative path. */
  readonly id: string;
  /** Whether frames carry depth. */
  readonly hasDepth: boolean;
  /** Whether frames carry their camera (intrinsics and pose). */
  readonly hasCameras: boolean;
  /** Reads the clip's metadata; rejects with a `ClipSourceError` (`empty`, `truncated`, `audio-only`, …). */
  probe(): Promise<ClipInfo>;
  /**
   * Decodes the frames at `indices` (any order, repeats allowed) and returns them in that order;
   * only those frames are decoded. Rejects with a `ClipSourceError`.
   */
  frames(indices: readonly number[]): Promise<ClipFrame[]>;
}

/** A collection of clips, listed in a stable, sorted order; the counterpart of an image source. */
export interface ClipSource {
  readonly kind: 'clip';
  /** The spec the source was opened from, e.g. `video:/data/clips`. */
  readonly name: string;
  readonly hasDepth: boolean;
  readonly hasCameras: boolean;
  /** Lists the clips (checking external tools such as ffmpeg first). */
  list(): Promise<readonly ClipItem[]>;
}

/**
 * How to pick frames from a clip:
 * - `uniform`: `frames` indices spread over the whole clip, `round(i · (F − 1) / (frames − 1))`
 *   with halves rounded to even (numpy's `linspace(0, F − 1, frames).round()`); one frame is
 *   frame 0. The seed is not used.
 * - `window`: `frames` indices `s, s + g, s + 2g, …` with gap `g` frames — `gap` itself, or drawn
 *   from `[min, max]` by the seed — and start `s` drawn uniformly from the seed over every start
 *   that fits.
 */
export type ClipSampling =
  | { readonly rule: 'uniform'; readonly frames: number }
  | { readonly rule: 'window'; readonly frames: number; readonly gap: number | { readonly min: number; readonly max: number } };

/** Frames picked from one clip by a {@link ClipSampling} rule. */
export interface SampledClip {
  readonly dataset: string;
  readonly id: string;
  readonly info: ClipInfo;
  /** The picked frames, in clip order. */
  readonly frames: readonly ClipFrame[];
  /** Gap between picked frames, frames (`window`), or `null` (`uniform`). */
  readonly gap: number | null;
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// SplitMix32 steps over the seed: enough for the one or two draws a sampling rule makes.
function seededDraws(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new ClipSourceError('invalid-sampling', '<sampling>', `${name} must be an integer ≥ ${min}, got ${String(value)}`);
  }
}

/**
 * The frame indices a sampling rule picks from a clip of `frameCount` frames with a 32-bit
 * `seed`, in increasing order, and the gap used. A clip with too few frames is a
 * `ClipSourceError` `too-short` naming `file`.
 */
export function clipFrameIndices(
  frameCount: number,
  sampling: ClipSampling,
  seed: number,
  file = '<clip>',
): { indices: number[]; gap: number | null } {
  checkCount('frames', sampling.frames, 1);
  const n = sampling.frames;
  if (sampling.rule === 'uniform') {
    if (frameCount < n) {
      throw new ClipSourceError('too-short', file, `has ${frameCount} frame${frameCount === 1 ? '' : 's'}, fewer than the ${n} to sample`);
    }
    if (n === 1) return { indices: [0], gap: null };
    const step = (frameCount - 1) / (n - 1);
    return { indices: Array.from({ length: n }, (_, i) => (i === n - 1 ? frameCount - 1 : roundHalfEven(i * step))), gap: null };
  }
  if (sampling.rule !== 'window') {
    throw new ClipSourceError('invalid-sampling', file, `unknown sampling rule ${JSON.stringify((sampling as { rule?: unknown }).rule)} (uniform or window)`);
  }
  const range = typeof sampling.gap === 'number' ? { min: sampling.gap, max: sampling.gap } : sampling.gap;
  checkCount('gap', range.min, 1);
  checkCount('gap', range.max, range.min);
  const draw = seededDraws(seed);
  const fitting = n === 1 ? range.max : Math.min(range.max, Math.floor((frameCount - 1) / (n - 1)));
  if (frameCount < n || fitting < range.min) {
    const span = (n - 1) * range.min + 1;
    throw new ClipSourceError(
      'too-short',
      file,
      `has ${frameCount} frame${frameCount === 1 ? '' : 's'}, fewer than the ${span} that ${n} frames ${range.min} apart span`,
    );
  }
  // Only gaps that fit are drawn from, so a short clip yields its widest fitting gap range.
  const gap = range.min + Math.floor(draw() * (fitting - range.min + 1));
  const span = (n - 1) * gap + 1;
  const start = Math.floor(draw() * (frameCount - span + 1));
  return { indices: Array.from({ length: n }, (_, i) => start + i * gap), gap };
}

/** Probes a clip, picks frames by `sampling` and `seed` (see {@link clipFrameIndices}) and decodes only those. */
export async function sampleClip(item: ClipItem, sampling: ClipSampling, seed: number): Promise<SampledClip> {
  const info = await item.probe();
  const { indices, gap } = clipFrameIndices(info.frameCount, sampling, seed, `${item.dataset}:${item.id}`);
  const frames = await item.frames(indices);
  return { dataset: item.dataset, id: item.id, info, frames, gap };
}
