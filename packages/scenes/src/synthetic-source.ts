import type { ImageSource, LoadedImage, SourceItem } from '@spatial-ssrl/image';
import { SceneError } from './errors.js';
import { sceneSeed } from './random.js';
import { renderScene, type SceneQuality } from './scene-render.js';

/** Largest item count of a synthetic source: ids have six digits. */
export const MAX_SYNTHETIC_COUNT = 1_000_000;

/** Item count of the bare `synthetic` spec. */
export const DEFAULT_SYNTHETIC_COUNT = 1000;

/** Options of {@link syntheticSource}. */
export interface SyntheticSourceOptions {
  /** Number of scenes, 0 to 1,000,000. */
  readonly count: number;
  /** Base seed, any safe integer; default 0. Item `i` renders scene `sceneSeed(seed, i)`. */
  readonly seed?: number;
  /** Image width in pixels, 1-8192; default 640. */
  readonly width?: number;
  /** Image height in pixels, 1-8192; default 480. */
  readonly height?: number;
  /** Dataset name recorded with each item; default `synthetic`. */
  readonly dataset?: string;
  /** Rendering quality; default `standard`. */
  readonly quality?: SceneQuality;
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SceneError('invalid-option', `${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
}

/**
 * An image source of rendered scenes with exact depth, needing no files: items `scene-000000`,
 * `scene-000001`, … rendered on `load()`. Same options, same bytes.
 */
export function syntheticSource(options: SyntheticSourceOptions): ImageSource {
  const { count, seed = 0, width = 640, height = 480, dataset = 'synthetic', quality = 'standard' } = options;
  checkInteger('count', count, 0, MAX_SYNTHETIC_COUNT);
  if (!Number.isSafeInteger(seed)) throw new SceneError('invalid-seed', `seed must be a safe integer, got ${String(seed)}`);
  checkInteger('width', width, 1, 8192);
  checkInteger('height', height, 1, 8192);
  if (typeof dataset !== 'string' || dataset.length === 0) {
    throw new SceneError('invalid-option', 'dataset must be a non-empty string');
  }
  if (quality !== 'draft' && quality !== 'standard' && quality !== 'high') {
    throw new SceneError('invalid-option', `quality must be draft, standard or high, got ${String(quality)}`);
  }
  const name = `synthetic:${count}:${width}x${height}${seed === 0 ? '' : `:seed=${seed}`}`;
  let items: readonly SourceItem[] | undefined;
  const makeItems = (): readonly SourceItem[] =>
    Object.freeze(
      Array.from({ length: count }, (_, index): SourceItem => {
        const id = `scene-${String(index).padStart(6, '0')}`;
        return {
          dataset,
          id,
          hasDepth: true,
          load: async (): Promise<LoadedImage> => {
            const scene = renderScene({ seed: sceneSeed(seed, index), width, height, quality });
            return { rgb: scene.rgb, depth: scene.depth };
          },
        };
      }),
    );
  return {
    name,
    hasDepth: true,
    list: async () => (items ??= makeItems()),
  };
}

const SPEC_PATTERN = /^synthetic(?::(\d+)(?::(\d+)x(\d+))?)?(?::seed=(-?\d+))?$/;

/**
 * Parses a source spec: `synthetic` (1000 scenes at 640×480), `synthetic:<count>`,
 * `synthetic:<count>:<width>x<height>`, each optionally followed by `:seed=<integer>`
 * (the form {@link syntheticSource} uses as its `name`).
 */
export function parseSyntheticSpec(spec: string): SyntheticSourceOptions {
  const match = typeof spec === 'string' ? SPEC_PATTERN.exec(spec.trim()) : null;
  if (match === null) {
    throw new SceneError(
      'invalid-spec',
      `not a synthetic source spec: ${JSON.stringify(spec)} (expected synthetic, synthetic:<count> or synthetic:<count>:<width>x<height>, optionally :seed=<integer>)`,
    );
  }
  const [, countText, widthText, heightText, seedText] = match;
  const count = countText === undefined ? DEFAULT_SYNTHETIC_COUNT : Number(countText);
  if (count > MAX_SYNTHETIC_COUNT) {
    throw new SceneError('invalid-spec', `synthetic count must be at most ${MAX_SYNTHETIC_COUNT}, got ${countText}`);
  }
  const options: { count: number; width?: number; height?: number; seed?: number } = { count };
  if (widthText !== undefined && heightText !== undefined) {
    const width = Number(widthText);
    const height = Number(heightText);
    if (width < 1 || height < 1 || width > 8192 || height > 8192) {
      throw new SceneError('invalid-spec', `synthetic image size must be 1-8192 on each side, got ${widthText}x${heightText}`);
    }
    options.width = width;
    options.height = height;
  }
  if (seedText !== undefined) {
    const seed = Number(seedText);
    if (!Number.isSafeInteger(seed)) throw new SceneError('invalid-spec', `synthetic seed must be a safe integer, got ${seedText}`);
    options.seed = seed;
  }
  return options;
}
