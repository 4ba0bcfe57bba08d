import type { CameraView, DepthMap, RgbImage } from '@spatial-ssrl/image';
import { createRgb } from '@spatial-ssrl/image';
import { encodeRow } from './color.js';
import { SceneError } from './errors.js';
import { compileScene, type CompiledScene } from './scene-compile.js';
import { checkLayout } from './scene-check.js';
import { layoutScene } from './scene-layout.js';
import { cameraModel, cameraView } from './scene-camera.js';
import { checkPose, scenePose, type ScenePose } from './scene-pose.js';
import { SceneShader } from './scene-shader.js';
import { SEGMENT_BACKDROP, SEGMENT_FIRST_OBJECT, SEGMENT_GROUND, SEGMENT_SKY } from './scene-tracer.js';
import type { SceneMeta } from './scene-types.js';

/**
 * Rendering quality: `draft` skips shadows and clouds; `standard` (default) shades one ray per
 * pixel; `high` averages 2×2 rays per pixel for the RGB image. Depth and segments are the same
 * in every quality: one ray through each pixel centre.
 */
export type SceneQuality = 'draft' | 'standard' | 'high';

/** Options of {@link renderScene}. */
export interface RenderSceneOptions {
  /** Scene seed, any safe integer. */
  readonly seed: number;
  /** Image width in pixels, 1-8192; default 640. */
  readonly width?: number;
  /** Image height in pixels, 1-8192; default 480. */
  readonly height?: number;
  readonly quality?: SceneQuality;
}

/**
 * Per-pixel labels of what each ray hit, row-major: 0 sky, 1 backdrop hills, 2 ground, and
 * `3 + i` for `meta.objects[i]`.
 */
export interface SegmentMap {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** A rendered scene: colour, exact depth, hit labels and the layout that produced them. */
export interface RenderedScene {
  readonly rgb: RgbImage;
  /**
   * Camera-space depth (distance along the optical axis), metres, exact for every pixel centre;
   * sky pixels have `valid = 0` and `data = 0`.
   */
  readonly depth: DepthMap;
  readonly segments: SegmentMap;
  readonly meta: SceneMeta;
}

/** Segment codes of {@link SegmentMap}. */
export const SEGMENT = {
  sky: SEGMENT_SKY,
  backdrop: SEGMENT_BACKDROP,
  ground: SEGMENT_GROUND,
  firstObject: SEGMENT_FIRST_OBJECT,
} as const;

const MAX_SIDE = 8192;
const QUALITIES: readonly SceneQuality[] = ['draft', 'standard', 'high'];
const SUBPIXEL = [-0.25, 0.25] as const;

/** Where {@link renderRow} draws: the tracer and the output arrays of one image. */
interface RowTarget {
  readonly tracer: SceneShader;
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
  readonly depth: Float32Array;
  readonly valid: Uint8Array;
  readonly segments: Uint8Array;
  /** Colour accumulator of one row for `high` quality, else null. */
  readonly accum: Float64Array | null;
}

/**
 * Renders image row `y`: depth and segments from the ray through each pixel centre, colour from
 * that ray or, with an accumulator, from 2×2 rays per pixel. Kept out of {@link renderScene} so
 * the engine optimises it as a whole function rather than on the fly inside one long loop.
 */
function renderRow(target: RowTarget, y: number): void {
  const { tracer, width, height } = target;
  const f = tracer.focal;
  const cx = width / 2;
  const cy = height / 2;
  const sinPitch = tracer.sinPitch;
  const cosPitch = tracer.cosPitch;
  const py = y + 0.5;
  const v = (cy - py) / f;
  tracer.beginRow(py, -sinPitch + v * cosPitch, cosPitch + v * sinPitch);
  tracer.traceRow(0);
  const rowSeg = tracer.rowSeg;
  const rowT = tracer.rowT;
  const segments = target.segments;
  const depth = target.depth;
  const valid = target.valid;
  const row = y * width;
  // Sky columns carry t = 0, which is the documented depth of invalid pixels.
  segments.set(rowSeg, row);
  depth.set(rowT, row);
  if (tracer.skyColumns === 0) valid.fill(1, row, row + width);
  else for (let x = 0; x < width; x++) valid[row + x] = rowSeg[x] === SEGMENT_SKY ? 0 : 1;
  const accum = target.accum;
  const rowRgb = tracer.rowRgb;
  if (accum === null) {
    tracer.shadeRow(target.rgb, row * 3);
    return;
  }
  accum.fill(0);
  for (let j = 0; j < 2; j++) {
    const oy = SUBPIXEL[j];
    const sv = (cy - (py + oy)) / f;
    tracer.beginRow(py + oy, -sinPitch + sv * cosPitch, cosPitch + sv * sinPitch);
    for (let i = 0; i < 2; i++) {
      tracer.traceRow(SUBPIXEL[i]);
      tracer.shadeRow(null, 0);
      for (let k = 0; k < width * 3; k++) accum[k] += rowRgb[k] * 0.25;
    }
  }
  encodeRow(target.rgb, row * 3, accum, 0, width);
}

function checkSide(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > MAX_SIDE) {
    throw new SceneError('invalid-size', `${name} must be an integer from 1 to ${MAX_SIDE}, got ${String(value)}`);
  }
}

/** Image options of {@link renderLayout} and {@link renderView}. */
export interface RenderLayoutOptions {
  /** Image width in pixels, 1-8192; default 640. */
  readonly width?: number;
  /** Image height in pixels, 1-8192; default 480. */
  readonly height?: number;
  readonly quality?: SceneQuality;
}

function imageOptions(options: RenderLayoutOptions): { width: number; height: number; quality: SceneQuality } {
  const width = options.width ?? 640;
  const height = options.height ?? 480;
  checkSide('width', width);
  checkSide('height', height);
  const quality = options.quality ?? 'standard';
  if (!QUALITIES.includes(quality)) {
    throw new SceneError('invalid-option', `quality must be one of ${QUALITIES.join(', ')}, got ${String(quality)}`);
  }
  return { width, height, quality };
}

function renderCompiled(meta: SceneMeta, scene: CompiledScene, width: number, height: number, quality: SceneQuality): RenderedScene {
  const tracer = new SceneShader(scene, width, height, { shadows: quality !== 'draft', clouds: quality !== 'draft' });
  const rgb = createRgb(width, height);
  const depth = new Float32Array(width * height);
  const valid = new Uint8Array(width * height);
  const segments = new Uint8Array(width * height);
  const target: RowTarget = { tracer, width, height, rgb: rgb.data, depth, valid, segments, accum: quality === 'high' ? new Float64Array(width * 3) : null };
  for (let y = 0; y < height; y++) renderRow(target, y);
  return {
    rgb,
    depth: { width, height, data: depth, valid },
    segments: { width, height, data: segments },
    meta,
  };
}

/**
 * Renders scene `seed` as an RGB image with exact depth: a pinhole camera over a textured ground
 * with hills and sky, 4-9 textured objects, one sun with cast shadows, aerial haze.
 * Deterministic: the same options give the same bytes under the same Node.js major version.
 */
export function renderScene(options: RenderSceneOptions): RenderedScene {
  if (typeof options !== 'object' || options === null) {
    throw new SceneError('invalid-option', 'renderScene needs an options object with a seed');
  }
  const { width, height, quality } = imageOptions(options);
  const meta = layoutScene(options.seed);
  return renderCompiled(meta, compileScene(meta), width, height, quality);
}

/**
 * Renders a given scene graph (a `layoutScene` result, or one composed or edited by the caller:
 * other objects, objects resting on others, objects with eyes), checked by `checkLayout` first.
 * `renderLayout(layoutScene(seed), o)` gives the same bytes as `renderScene({ seed, ...o })`.
 */
export function renderLayout(meta: SceneMeta, options: RenderLayoutOptions = {}): RenderedScene {
  const { width, height, quality } = imageOptions(options);
  checkLayout(meta);
  return renderCompiled(meta, compileScene(meta), width, height, quality);
}

/** Options of {@link renderView}: a scene (its seed or its layout), a camera pose and the image. */
export interface RenderViewOptions extends RenderLayoutOptions {
  /** Scene seed, any safe integer; ignored when `meta` is given. */
  readonly seed?: number;
  /**
   * The scene graph, e.g. from `layoutScene(seed)` (saves drawing it again for every view) or
   * composed by the caller; checked by `checkLayout` like {@link renderLayout}'s.
   */
  readonly meta?: SceneMeta;
  /** Where the camera is; default the scene's own camera (`scenePose(meta)`). */
  readonly pose?: ScenePose;
}

/** A scene rendered from a given pose, with that camera in the project's camera convention. */
export interface RenderedView extends RenderedScene {
  readonly pose: ScenePose;
  /**
   * Intrinsics and pose (OpenCV axes) of the image as `cameraView(cameraModel(pose, width, height))`;
   * `depth` is camera-space z along its optical axis.
   */
  readonly camera: CameraView;
}

/**
 * Renders a scene seen from any pose inside its ring of hills: the same world (objects, textures,
 * sun, clouds and hills stay put) through a camera at `pose`, with exact camera-space depth.
 * From the scene's own pose the bytes equal {@link renderScene}'s.
 */
export function renderView(options: RenderViewOptions): RenderedView {
  if (typeof options !== 'object' || options === null) {
    throw new SceneError('invalid-option', 'renderView needs an options object with a seed or a layout');
  }
  const { width, height, quality } = imageOptions(options);
  if (options.meta !== undefined) checkLayout(options.meta);
  const meta = options.meta ?? layoutScene(options.seed ?? Number.NaN);
  const pose = options.pose ?? scenePose(meta);
  checkPose(pose, meta);
  const rendered = renderCompiled(meta, compileScene(meta, pose), width, height, quality);
  return { ...rendered, pose, camera: cameraView(cameraModel(pose, width, height)) };
}
