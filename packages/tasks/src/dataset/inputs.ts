import { sampleClip, type ClipItem, type ViewPairItem } from '@spatial-ssrl/image';
import { deriveSeed } from '@spatial-ssrl/spec';
import type { ClipInput, ClipNeeds, TaskSourceRef, ViewPairInput, ViewPairNeeds } from '../task.js';

/** Why a source could not give a task its input: a rejection code and a sentence. */
export interface InputFailure {
  readonly code: string;
  readonly message: string;
}

function rasterProblem(rgb: { width: number; height: number; data: Uint8Array } | undefined, what: string): InputFailure | null {
  if (!rgb || !(rgb.width > 0) || !(rgb.height > 0) || rgb.data?.length !== rgb.width * rgb.height * 3) {
    return { code: 'bad-raster', message: `${what}: the source returned a raster whose size does not match its data` };
  }
  return null;
}

/**
 * Picks and decodes the frames a clip task needs from `item` with the seed of the attempt
 * (`deriveSeed(seed, 'clip-frames')`), checking each frame carries the depth and camera the task
 * asks for. A clip that cannot be read, or is too short for the sampling, is a failure with the
 * source's code (`clip-truncated`, `clip-empty`, `clip-audio-only`, `clip-too-short`, …).
 */
export async function loadClipInput(
  item: ClipItem,
  needs: ClipNeeds,
  seed: number,
  source: TaskSourceRef,
): Promise<{ input: ClipInput } | { failure: InputFailure }> {
  let clip;
  try {
    clip = await sampleClip(item, needs.sampling, deriveSeed(seed, 'clip-frames'));
  } catch (error) {
    return { failure: describeSourceError(error) };
  }
  for (const frame of clip.frames) {
    const bad = rasterProblem(frame.rgb, `frame ${frame.index}`);
    if (bad) return { failure: bad };
    if (needs.depth && (!frame.depth || frame.depth.width !== frame.rgb.width || frame.depth.height !== frame.rgb.height)) {
      return { failure: { code: 'missing-depth', message: `frame ${frame.index} of ${source.dataset}:${source.id} has no depth of its size` } };
    }
    if (needs.cameras && !frame.camera) {
      return { failure: { code: 'missing-camera', message: `frame ${frame.index} of ${source.dataset}:${source.id} has no camera` } };
    }
  }
  return {
    input: { kind: 'clip', frames: clip.frames, frameCount: clip.info.frameCount, frameRate: clip.info.frameRate, gap: clip.gap, source },
  };
}

/** Renders or decodes both views of a view pair, checking their rasters (and depth when the task asks for it). */
export async function loadViewPairInput(
  item: ViewPairItem,
  needs: ViewPairNeeds,
  source: TaskSourceRef,
): Promise<{ input: ViewPairInput } | { failure: InputFailure }> {
  let views;
  try {
    views = await item.load();
  } catch (error) {
    return { failure: describeSourceError(error) };
  }
  for (const [k, view] of views.entries()) {
    const bad = rasterProblem(view.rgb, `view ${k + 1}`);
    if (bad) return { failure: bad };
    if (needs.depth && !view.depth) return { failure: { code: 'missing-depth', message: `view ${k + 1} of ${source.dataset}:${source.id} has no depth` } };
  }
  return { input: { kind: 'view-pair', views, source } };
}

/** The rejection code and message of an error a source threw while loading. */
export function describeSourceError(error: unknown): { code: string; message: string } {
  const e = error as { name?: unknown; code?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const code = typeof e?.code === 'string' ? e.code : 'load-failed';
  if (e?.name === 'ImageDecodeError') return { code: `image-${code}`, message };
  if (e?.name === 'DepthReadError') return { code: `depth-${code}`, message };
  if (e?.name === 'ClipSourceError') return { code: `clip-${code}`, message };
  return { code, message };
}
