import type { ClipFrame, ClipInfo, ClipItem, ClipSource } from '@spatial-ssrl/image';
import { SceneError } from './errors.js';
import { planFlythrough, renderFlythroughFrame, type FlythroughPath } from './flythrough.js';
import { sceneSeed } from './random.js';
import type { SceneQuality } from './scene-render.js';
import { MAX_SYNTHETIC_COUNT } from './synthetic-source.js';

/** Options of {@link flythroughSource}. */
export interface FlythroughSourceOptions {
  /** Number of fly-throughs, 0 to 1,000,000. */
  readonly count: number;
  /** Base seed, any safe integer; default 0. Item `i` flies through scene `sceneSeed(seed, i)`, the scene of synthetic item `i`. */
  readonly seed?: number;
  /** Frames per fly-through, 1-10,000; default 16. */
  readonly frames?: number;
  /** Frames per second; default 10. */
  readonly fps?: number;
  /** Frame size in pixels, 1-8192; default 640×480. */
  readonly width?: number;
  readonly height?: number;
  /** Dataset name recorded with each clip; default `flythrough`. */
  readonly dataset?: string;
  readonly quality?: SceneQuality;
}

/** Frames per fly-through of the bare `flythrough` spec. */
export const DEFAULT_FLYTHROUGH_FRAMES = 16;

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SceneError('invalid-option', `${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
}

/**
 * A clip source of synthetic fly-throughs, needing no files: clips `flythrough-000000`, … each a
 * camera path through one scene ({@link planFlythrough}) whose frames are rendered on demand with
 * exact depth and camera. Same options, same bytes.
 */
export function flythroughSource(options: FlythroughSourceOptions): ClipSource {
  const { count, seed = 0, frames = DEFAULT_FLYTHROUGH_FRAMES, fps = 10, width = 640, height = 480, dataset = 'flythrough', quality = 'standard' } = options;
  checkInteger('count', count, 0, MAX_SYNTHETIC_COUNT);
  if (!Number.isSafeInteger(seed)) throw new SceneError('invalid-seed', `seed must be a safe integer, got ${String(seed)}`);
  checkInteger('frames', frames, 1, 10_000);
  checkInteger('width', width, 1, 8192);
  checkInteger('height', height, 1, 8192);
  if (!(fps > 0 && Number.isFinite(fps))) throw new SceneError('invalid-option', `fps must be a positive number, got ${String(fps)}`);
  if (typeof dataset !== 'string' || dataset.length === 0) throw new SceneError('invalid-option', 'dataset must be a non-empty string');
  if (quality !== 'draft' && quality !== 'standard' && quality !== 'high') {
    throw new SceneError('invalid-option', `quality must be draft, standard or high, got ${String(quality)}`);
  }
  const name = `flythrough:${count}:${width}x${height}:${frames}${seed === 0 ? '' : `:seed=${seed}`}`;
  const makeItem = (index: number): ClipItem => {
    let path: FlythroughPath | undefined;
    const plan = (): FlythroughPath => (path ??= planFlythrough({ seed: sceneSeed(seed, index), frames, fps }));
    const info: ClipInfo = {
      frameCount: frames,
      frameRate: fps,
      duration: frames / fps,
      width,
      height,
      frameTime: (k) => k / fps,
    };
    return {
      dataset,
      id: `flythrough-${String(index).padStart(6, '0')}`,
      hasDepth: true,
      hasCameras: true,
      probe: async () => info,
      async frames(indices: readonly number[]): Promise<ClipFrame[]> {
        const p = plan();
        const rendered = new Map<number, ClipFrame>();
        return indices.map((k) => {
          let frame = rendered.get(k);
          if (!frame) {
            const view = renderFlythroughFrame(p, k, width, height, quality);
            frame = { index: k, time: k / fps, rgb: view.rgb, depth: view.depth, camera: view.camera };
            rendered.set(k, frame);
          }
          return frame;
        });
      },
    };
  };
  let items: readonly ClipItem[] | undefined;
  return {
    kind: 'clip',
    name,
    hasDepth: true,
    hasCameras: true,
    list: async () => (items ??= Object.freeze(Array.from({ length: count }, (_, i) => makeItem(i)))),
  };
}

const SPEC_PATTERN = /^flythrough(?::(\d+)(?::(\d+)x(\d+)(?::(\d+))?)?)?(?::seed=(-?\d+))?$/;

/**
 * Parses a clip source spec: `flythrough` (1000 fly-throughs of 16 frames at 640×480),
 * `flythrough:<count>`, `flythrough:<count>:<width>x<height>`,
 * `flythrough:<count>:<width>x<height>:<frames>`, each optionally followed by `:seed=<integer>`
 * (the form {@link flythroughSource} uses as its `name`).
 */
export function parseFlythroughSpec(spec: string): FlythroughSourceOptions {
  const match = typeof spec === 'string' ? SPEC_PATTERN.exec(spec.trim()) : null;
  if (match === null) {
    throw new SceneError(
      'invalid-spec',
      `not a fly-through source spec: ${JSON.stringify(spec)} (expected flythrough[:<count>[:<width>x<height>[:<frames>]]], optionally :seed=<integer>)`,
    );
  }
  const [, countText, widthText, heightText, framesText, seedText] = match;
  const options: { count: number; width?: number; height?: number; frames?: number; seed?: number } = {
    count: countText === undefined ? 1000 : Number(countText),
  };
  if (options.count > MAX_SYNTHETIC_COUNT) throw new SceneError('invalid-spec', `fly-through count must be at most ${MAX_SYNTHETIC_COUNT}, got ${countText}`);
  if (widthText !== undefined && heightText !== undefined) {
    const width = Number(widthText);
    const height = Number(heightText);
    if (width < 1 || height < 1 || width > 8192 || height > 8192) {
      throw new SceneError('invalid-spec', `fly-through frame size must be 1-8192 on each side, got ${widthText}x${heightText}`);
    }
    options.width = width;
    options.height = height;
  }
  if (framesText !== undefined) {
    const frames = Number(framesText);
    if (frames < 1 || frames > 10_000) throw new SceneError('invalid-spec', `fly-through frames must be 1-10000, got ${framesText}`);
    options.frames = frames;
  }
  if (seedText !== undefined) {
    const seed = Number(seedText);
    if (!Number.isSafeInteger(seed)) throw new SceneError('invalid-spec', `fly-through seed must be a safe integer, got ${seedText}`);
    options.seed = seed;
  }
  return options;
}
