import {
  cameraModel,
  objectSilhouettes,
  projectPoint,
  SEGMENT,
  type CameraModel,
  type RenderedScene,
  type SceneObject,
  type Vec3,
} from '@spatial-ssrl/scenes';
import type { SynthScene } from './compose.js';

/** Why an object cannot be asked about: too few pixels, mostly hidden, or cut by the image border. */
type VisibilityIssue = 'too-small' | 'occluded' | 'clipped';

/** Smallest share of the image an object must cover to be asked about (0.2 %: 346 px at 480×360). */
const MIN_PIXEL_SHARE = 0.002;
/** Fewest pixels an object must cover to be asked about, whatever the image size (8×8). */
const MIN_PIXELS = 64;
/** Smallest share of its unoccluded silhouette an object must show. */
const MIN_VISIBLE_FRACTION = 0.6;

/** One object as the camera sees it, from the scene graph and the rendered depth and segment maps. */
export interface ObjectView {
  readonly index: number;
  /** `colour shape`, e.g. `red cube`. */
  readonly name: string;
  /** True when no other object of the scene has the same colour and shape. */
  readonly unique: boolean;
  /** Pixels of the object in the segment map. */
  readonly pixels: number;
  /** Pixels it would cover with nothing in front of it. */
  readonly silhouette: number;
  /** Null when it is clearly visible, else why not. */
  readonly issue: VisibilityIssue | null;
  /** Mean pixel centre of its visible pixels (NaN when none). */
  readonly imageX: number;
  readonly imageY: number;
  /** Median depth-map value over its visible pixels, metres (NaN when none). */
  readonly depth: number;
  /** Centre of its 3-D bounding box, world metres. */
  readonly centre: Vec3;
  /** Where the centre projects: pixels and camera-space depth (metres). */
  readonly projected: { readonly x: number; readonly y: number; readonly depth: number };
  /** Euclidean distance from the camera's optical centre to the centre, metres. */
  readonly distance: number;
  /** Volume of the solid, cubic metres. */
  readonly volume: number;
  /** Largest of its width, height and depth, metres. */
  readonly extent: number;
  /** Unit horizontal direction it faces `(x, z)` when it wears eyes, else null. */
  readonly facing: readonly [number, number] | null;
}

/** A rendered benchmark scene with its per-object views; what question generators read. */
export interface SceneContext {
  readonly scene: SynthScene;
  readonly width: number;
  readonly height: number;
  readonly camera: CameraModel;
  readonly views: readonly ObjectView[];
}

/** Volume of a scene object's solid, cubic metres. */
function solidVolume(o: SceneObject): number {
  const [w, h, d] = o.size;
  switch (o.kind) {
    case 'box':
      return w * h * d;
    case 'sphere':
      return (Math.PI / 6) * w * w * w;
    case 'cylinder':
      return (Math.PI / 4) * w * w * h;
    case 'cone':
      return (Math.PI / 12) * w * w * h;
    default:
      return (w * w * h) / 3;
  }
}

function median(values: Float32Array): number {
  if (values.length === 0) return Number.NaN;
  values.sort();
  const m = values.length >> 1;
  return values.length % 2 === 1 ? values[m]! : (values[m - 1]! + values[m]!) / 2;
}

/**
 * Measures every object of a rendered scene: visible pixels, centroid and median depth from the
 * segment and depth maps, unoccluded silhouette, 3-D centre, distance, volume and facing from the
 * scene graph, and whether it is clear enough to be asked about.
 */
export function observeScene(scene: SynthScene, rendered: RenderedScene): SceneContext {
  const { width, height } = rendered.segments;
  const camera = cameraModel(scene.meta.camera, width, height);
  const silhouettes = objectSilhouettes(scene.meta, { width, height });
  const n = scene.meta.objects.length;
  const pixels = new Float64Array(n);
  const sumX = new Float64Array(n);
  const sumY = new Float64Array(n);
  const seg = rendered.segments.data;
  const depth = rendered.depth.data;
  const first = SEGMENT.firstObject;
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      const k = seg[i]! - first;
      if (k < 0) continue;
      pixels[k]!++;
      sumX[k]! += x + 0.5;
      sumY[k]! += y + 0.5;
    }
  }
  const depths = Array.from(pixels, (p) => new Float32Array(p));
  const filled = new Int32Array(n);
  for (let i = 0; i < seg.length; i++) {
    const k = seg[i]! - first;
    if (k >= 0) depths[k]![filled[k]!++] = depth[i]!;
  }
  const names = scene.objects.map((o) => `${o.colour} ${o.shape}`);
  const minPixels = Math.max(MIN_PIXELS, MIN_PIXEL_SHARE * width * height);
  const views = scene.meta.objects.map((o, i): ObjectView => {
    const centre: Vec3 = [o.position[0], o.position[1] + o.size[1] / 2, o.position[2]];
    const silhouette = silhouettes[i]!;
    const issue: VisibilityIssue | null = silhouette.clipped
      ? 'clipped'
      : pixels[i]! < minPixels
        ? 'too-small'
        : pixels[i]! < MIN_VISIBLE_FRACTION * silhouette.pixels
          ? 'occluded'
          : null;
    const yaw = (o.yawDeg * Math.PI) / 180;
    return {
      index: i,
      name: names[i]!,
      unique: names.filter((x) => x === names[i]).length === 1,
      pixels: pixels[i]!,
      silhouette: silhouette.pixels,
      issue,
      imageX: pixels[i]! > 0 ? sumX[i]! / pixels[i]! : Number.NaN,
      imageY: pixels[i]! > 0 ? sumY[i]! / pixels[i]! : Number.NaN,
      depth: median(depths[i]!),
      centre,
      projected: projectPoint(camera, centre),
      distance: Math.hypot(centre[0] - camera.position[0], centre[1] - camera.position[1], centre[2] - camera.position[2]),
      volume: solidVolume(o),
      extent: Math.max(o.size[0], o.size[1], o.size[2]),
      facing: o.eyes === true ? [Math.sin(yaw), Math.cos(yaw)] : null,
    };
  });
  return { scene, width, height, camera, views };
}
