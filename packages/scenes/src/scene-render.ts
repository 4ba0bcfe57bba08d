import type { DepthMap, RgbImage } from '@spatial-ssrl/image';
import { createRgb } from '@spatial-ssrl/image';
import { ENCODE_LUT_MAX, ENCODE_LUT_SIZE, createEncodeLut } from './color.js';
import { SceneError } from './errors.js';
import { compileScene } from './scene-compile.js';
import { layoutScene } from './scene-layout.js';
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

let encodeLut: Uint8Array | undefined;

const TO_LUT_INDEX = (ENCODE_LUT_SIZE - 1) / ENCODE_LUT_MAX;

/** Writes the tracer's linear colour as 8-bit sRGB at `data[at..at+2]`. */
function encode(data: Uint8Array, at: number, colour: { r: number; g: number; b: number }): void {
  const lut = (encodeLut ??= createEncodeLut());
  const last = ENCODE_LUT_SIZE - 1;
  const { r, g, b } = colour;
  data[at] = lut[r > 0 ? Math.min(last, (r * TO_LUT_INDEX) | 0) : 0];
  data[at + 1] = lut[g > 0 ? Math.min(last, (g * TO_LUT_INDEX) | 0) : 0];
  data[at + 2] = lut[b > 0 ? Math.min(last, (b * TO_LUT_INDEX) | 0) : 0];
}

function checkSide(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > MAX_SIDE) {
    throw new SceneError('invalid-size', `${name} must be an integer from 1 to ${MAX_SIDE}, got ${String(value)}`);
  }
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
  const width = options.width ?? 640;
  const height = options.height ?? 480;
  checkSide('width', width);
  checkSide('height', height);
  const quality = options.quality ?? 'standard';
  if (!QUALITIES.includes(quality)) {
    throw new SceneError('invalid-option', `quality must be one of ${QUALITIES.join(', ')}, got ${String(quality)}`);
  }
  const meta = layoutScene(options.seed);
  const scene = compileScene(meta);
  const tracer = new SceneShader(scene, width, height, { shadows: quality !== 'draft', clouds: quality !== 'draft' });

  const rgb = createRgb(width, height);
  const depthData = new Float32Array(width * height);
  const valid = new Uint8Array(width * height);
  const segments = new Uint8Array(width * height);
  const f = tracer.focal;
  const cx = width / 2;
  const cy = height / 2;
  const { sinPitch, cosPitch } = scene;
  const high = quality === 'high';

  const data = rgb.data;
  const accum = high ? new Float64Array(width * 3) : undefined;
  for (let y = 0; y < height; y++) {
    const py = y + 0.5;
    const v = (cy - py) / f;
    tracer.beginRow(py, -sinPitch + v * cosPitch, cosPitch + v * sinPitch);
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const px = x + 0.5;
      tracer.px = px;
      tracer.u = (px - cx) / f;
      tracer.trace();
      const i = row + x;
      const segment = tracer.hitSegment;
      segments[i] = segment;
      if (segment !== SEGMENT.sky) {
        depthData[i] = tracer.hitT;
        valid[i] = 1;
      }
      if (accum === undefined) {
        tracer.shade();
        encode(data, i * 3, tracer);
      }
    }
    if (accum === undefined) continue;
    accum.fill(0);
    for (const oy of SUBPIXEL) {
      const sv = (cy - (py + oy)) / f;
      tracer.beginRow(py + oy, -sinPitch + sv * cosPitch, cosPitch + sv * sinPitch);
      for (let x = 0; x < width; x++) {
        for (const ox of SUBPIXEL) {
          const spx = x + 0.5 + ox;
          tracer.px = spx;
          tracer.u = (spx - cx) / f;
          tracer.trace();
          tracer.shade();
          accum[x * 3] += tracer.r * 0.25;
          accum[x * 3 + 1] += tracer.g * 0.25;
          accum[x * 3 + 2] += tracer.b * 0.25;
        }
      }
    }
    for (let x = 0; x < width; x++) {
      tracer.r = accum[x * 3];
      tracer.g = accum[x * 3 + 1];
      tracer.b = accum[x * 3 + 2];
      encode(data, (row + x) * 3, tracer);
    }
  }
  return {
    rgb,
    depth: { width, height, data: depthData, valid },
    segments: { width, height, data: segments },
    meta,
  };
}
