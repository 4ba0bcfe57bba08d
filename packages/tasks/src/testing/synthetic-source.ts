import { clipFrameIndices, type ClipFrame, type ClipSampling } from '@spatial-ssrl/image';
import { planFlythrough, renderFlythroughFrame, renderScene, renderViewPair, sceneSeed, type FlythroughPath, type SceneQuality } from '@spatial-ssrl/scenes';
import { deriveSeed } from '@spatial-ssrl/spec';
import type { ClipInput, TaskInput, ViewPairInput } from '../task.js';

/**
 * A source of rendered RGB-D scenes for conformance runs: input `i` is scene `i mod pool`
 * (rendered once, on first use), `width × height` pixels.
 */
export function syntheticInputs(width: number, height: number, pool = 32): (index: number) => TaskInput {
  const cache = new Map<number, TaskInput>();
  return (index) => {
    const seed = index % pool;
    let input = cache.get(seed);
    if (input === undefined) {
      const scene = renderScene({ seed, width, height });
      input = { rgb: scene.rgb, depth: scene.depth, source: { dataset: 'synthetic', id: `scene-${seed}` } };
      cache.set(seed, input);
    }
    return input;
  };
}

/** Options of {@link syntheticClipInputs}. */
export interface SyntheticClipOptions {
  readonly width: number;
  readonly height: number;
  /** Fly-throughs to cycle through (default 12). */
  readonly pool?: number;
  /** Frames per fly-through (default: 16, or the sampling's longest span when longer). */
  readonly frames?: number;
  /** Frames per second of the fly-throughs (default 10). */
  readonly fps?: number;
  /** Render quality (default `draft`: conformance needs exact depth and poses, not looks). */
  readonly quality?: SceneQuality;
}

function span(sampling: ClipSampling): number {
  if (sampling.rule === 'uniform') return sampling.frames;
  const gap = typeof sampling.gap === 'number' ? sampling.gap : sampling.gap.max;
  return (sampling.frames - 1) * gap + 1;
}

/**
 * Clip inputs from synthetic fly-throughs for conformance runs: input `i` samples fly-through
 * `i mod pool` with `sampling` and a seed derived from `i`; each frame (with exact depth and
 * camera) is rendered once, on first use.
 */
export function syntheticClipInputs(sampling: ClipSampling, options: SyntheticClipOptions): (index: number) => ClipInput {
  const pool = options.pool ?? 12;
  const fps = options.fps ?? 10;
  const frameCount = options.frames ?? Math.max(16, span(sampling));
  const paths = new Map<number, FlythroughPath>();
  const frames = new Map<string, ClipFrame>();
  return (index) => {
    const clip = index % pool;
    let path = paths.get(clip);
    if (!path) {
      path = planFlythrough({ seed: sceneSeed(0, clip), frames: frameCount, fps });
      paths.set(clip, path);
    }
    const picked = clipFrameIndices(frameCount, sampling, deriveSeed(1, 'conformance-clip', index));
    const out = picked.indices.map((k) => {
      const key = `${clip}:${k}`;
      let frame = frames.get(key);
      if (!frame) {
        const view = renderFlythroughFrame(path!, k, options.width, options.height, options.quality ?? 'draft');
        frame = { index: k, time: k / fps, rgb: view.rgb, depth: view.depth, camera: view.camera };
        frames.set(key, frame);
      }
      return frame;
    });
    return { kind: 'clip', frames: out, frameCount, frameRate: fps, gap: picked.gap, source: { dataset: 'flythrough', id: `flythrough-${clip}` } };
  };
}

/** View-pair inputs from synthetic scenes for conformance runs: input `i` is pair `i mod pool`, rendered once. */
export function syntheticViewPairInputs(width: number, height: number, pool = 12, quality: SceneQuality = 'draft'): (index: number) => ViewPairInput {
  const cache = new Map<number, ViewPairInput>();
  return (index) => {
    const k = index % pool;
    let input = cache.get(k);
    if (!input) {
      const pair = renderViewPair({ seed: sceneSeed(0, k), width, height, quality });
      input = { kind: 'view-pair', views: [pair.views[0], pair.views[1]], source: { dataset: 'twoview', id: `pair-${k}` } };
      cache.set(k, input);
    }
    return input;
  };
}
