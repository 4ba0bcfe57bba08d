import { relativePose, type CameraPose, type CapturedView, type ViewPairItem, type ViewPairSource } from '@spatial-ssrl/image';
import { SceneError } from './errors.js';
import { createRng, mix32 } from '@spatial-ssrl/spec';
import { sceneSeed } from './random.js';
import { footprintRadius, layoutScene } from './scene-layout.js';
import { scenePose, type ScenePose } from './scene-pose.js';
import { renderView, type RenderedView, type SceneQuality } from './scene-render.js';
import type { SceneMeta } from './scene-types.js';
import { MAX_SYNTHETIC_COUNT } from './synthetic-source.js';

const DEG = Math.PI / 180;
const TWO_VIEW_SALT = 0x2b7e1516;
/** Horizontal distance the second camera keeps from every object's footprint, metres. */
const CLEARANCE = 0.8;
/** Directions tried for the second camera before giving up. */
const ATTEMPTS = 24;

/** Options of {@link renderViewPair}. */
export interface ViewPairOptions {
  /** Scene seed, any safe integer: the same scene as `renderScene({ seed })`. */
  readonly seed: number;
  /** Distance between the two optical centres, metres, 0.01-10; default 1. */
  readonly baseline?: number;
  /** Image size of both views, pixels; default 640×480. */
  readonly width?: number;
  readonly height?: number;
  readonly quality?: SceneQuality;
}

/** Two views of one scene with their cameras and exact depths. */
export interface ViewPair {
  readonly meta: SceneMeta;
  readonly views: readonly [RenderedView, RenderedView];
  /** Distance between the optical centres, metres. */
  readonly baseline: number;
  /** The second camera's pose in the first camera's frame (OpenCV axes). */
  readonly relative: CameraPose;
  /** Distance from the first camera to the point both views look at, metres. */
  readonly fixation: number;
}

/**
 * Renders a scene from two cameras `baseline` metres apart, deterministic by seed. The first
 * stands where the scene's own camera does; the second at a horizontal direction from it drawn
 * from the seed (among those keeping 0.8 m from every object). Both turn to the same fixation
 * point — the base of the scene's central object, or 10 m ahead when it has none — so the views
 * overlap; height, pitch and field of view are the scene camera's.
 */
export function renderViewPair(options: ViewPairOptions): ViewPair {
  const baseline = options.baseline ?? 1;
  if (!(baseline >= 0.01 && baseline <= 10)) throw new SceneError('invalid-option', `baseline must be 0.01-10 m, got ${String(baseline)}`);
  const meta = layoutScene(options.seed);
  const first = scenePose(meta);
  const central = meta.objects[0];
  const fixation: readonly [number, number] = central ? [central.position[0], central.position[2]] : [0, 10];
  const obstacles = meta.objects.map((o) => ({ x: o.position[0], z: o.position[2], radius: footprintRadius(o.kind, o.size) }));
  const rng = createRng(mix32((meta.textureSalt ^ TWO_VIEW_SALT) >>> 0));
  let second: ScenePose | undefined;
  for (let attempt = 0; attempt < ATTEMPTS && !second; attempt++) {
    const angle = rng.range(-Math.PI, Math.PI);
    const x = baseline * Math.cos(angle);
    const z = baseline * Math.sin(angle);
    if (!obstacles.every((o) => Math.hypot(x - o.x, z - o.z) >= o.radius + CLEARANCE)) continue;
    // Never stand on or beyond the fixation point: it must stay in front.
    if (Math.hypot(fixation[0] - x, fixation[1] - z) < 1) continue;
    const yawDeg = Math.atan2(fixation[0] - x, fixation[1] - z) / DEG;
    second = { ...first, position: [x, first.position[1], z], yawDeg };
  }
  if (!second) {
    throw new SceneError('invalid-option', `scene ${options.seed} has no collision-free second camera ${baseline} m from the first in ${ATTEMPTS} tries; use a smaller baseline`);
  }
  // Turn the first camera to the fixation point too, so both views are framed alike.
  const firstPose: ScenePose = { ...first, yawDeg: Math.atan2(fixation[0], fixation[1]) / DEG };
  const render = (pose: ScenePose): RenderedView => renderView({ meta, pose, width: options.width, height: options.height, quality: options.quality });
  const a = render(firstPose);
  const b = render(second);
  return {
    meta,
    views: [a, b],
    baseline,
    relative: relativePose(a.camera.pose, b.camera.pose),
    fixation: Math.hypot(fixation[0], fixation[1]),
  };
}

/** Options of {@link twoViewSource}. */
export interface TwoViewSourceOptions {
  /** Number of pairs, 0 to 1,000,000. */
  readonly count: number;
  /** Base seed; item `i` shows scene `sceneSeed(seed, i)`, the scene of synthetic item `i`. Default 0. */
  readonly seed?: number;
  /** Distance between the cameras, metres; default 1. */
  readonly baseline?: number;
  readonly width?: number;
  readonly height?: number;
  /** Dataset name recorded with each pair; default `twoview`. */
  readonly dataset?: string;
  readonly quality?: SceneQuality;
}

/**
 * A source of view pairs of synthetic scenes ({@link renderViewPair}), rendered on `load()`:
 * items `pair-000000`, … Same options, same bytes.
 */
export function twoViewSource(options: TwoViewSourceOptions): ViewPairSource {
  const { count, seed = 0, baseline = 1, width = 640, height = 480, dataset = 'twoview', quality } = options;
  if (!Number.isInteger(count) || count < 0 || count > MAX_SYNTHETIC_COUNT) {
    throw new SceneError('invalid-option', `count must be an integer from 0 to ${MAX_SYNTHETIC_COUNT}, got ${String(count)}`);
  }
  if (!Number.isSafeInteger(seed)) throw new SceneError('invalid-seed', `seed must be a safe integer, got ${String(seed)}`);
  if (!(baseline >= 0.01 && baseline <= 10)) throw new SceneError('invalid-option', `baseline must be 0.01-10 m, got ${String(baseline)}`);
  const name = `twoview:${count}:${width}x${height}:baseline=${baseline}${seed === 0 ? '' : `:seed=${seed}`}`;
  let items: readonly ViewPairItem[] | undefined;
  const makeItems = (): readonly ViewPairItem[] =>
    Object.freeze(
      Array.from({ length: count }, (_, index): ViewPairItem => ({
        dataset,
        id: `pair-${String(index).padStart(6, '0')}`,
        hasDepth: true,
        load: async (): Promise<readonly [CapturedView, CapturedView]> => {
          const pair = renderViewPair({ seed: sceneSeed(seed, index), baseline, width, height, ...(quality ? { quality } : {}) });
          const [a, b] = pair.views;
          return [
            { rgb: a.rgb, depth: a.depth, camera: a.camera },
            { rgb: b.rgb, depth: b.depth, camera: b.camera },
          ];
        },
      })),
    );
  return { kind: 'view-pair', name, hasDepth: true, list: async () => (items ??= makeItems()) };
}

const SPEC_PATTERN = /^twoview(?::(\d+)(?::(\d+)x(\d+))?)?(?::baseline=(\d+(?:\.\d+)?))?(?::seed=(-?\d+))?$/;

/**
 * Parses a view-pair source spec: `twoview` (1000 pairs at 640×480, 1 m apart),
 * `twoview:<count>`, `twoview:<count>:<width>x<height>`, each optionally followed by
 * `:baseline=<metres>` and `:seed=<integer>` (the form {@link twoViewSource} uses as its `name`).
 */
export function parseTwoViewSpec(spec: string): TwoViewSourceOptions {
  const match = typeof spec === 'string' ? SPEC_PATTERN.exec(spec.trim()) : null;
  if (match === null) {
    throw new SceneError('invalid-spec', `not a view-pair source spec: ${JSON.stringify(spec)} (expected twoview[:<count>[:<width>x<height>]], optionally :baseline=<metres> and :seed=<integer>)`);
  }
  const [, countText, widthText, heightText, baselineText, seedText] = match;
  const count = countText === undefined ? 1000 : Number(countText);
  if (count > MAX_SYNTHETIC_COUNT) throw new SceneError('invalid-spec', `view-pair count must be at most ${MAX_SYNTHETIC_COUNT}, got ${countText}`);
  const width = widthText === undefined ? undefined : Number(widthText);
  const height = heightText === undefined ? undefined : Number(heightText);
  if (width !== undefined && height !== undefined && (width < 1 || height < 1 || width > 8192 || height > 8192)) {
    throw new SceneError('invalid-spec', `view-pair image size must be 1-8192 on each side, got ${widthText}x${heightText}`);
  }
  const seed = seedText === undefined ? undefined : Number(seedText);
  if (seed !== undefined && !Number.isSafeInteger(seed)) throw new SceneError('invalid-spec', `view-pair seed must be a safe integer, got ${seedText}`);
  return {
    count,
    ...(width !== undefined && height !== undefined ? { width, height } : {}),
    ...(baselineText !== undefined ? { baseline: Number(baselineText) } : {}),
    ...(seed !== undefined ? { seed } : {}),
  };
}
