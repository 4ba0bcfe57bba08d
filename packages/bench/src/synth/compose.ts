import { cameraModel, layoutScene, projectPoint, type SceneMeta, type SceneObject, type Vec3 } from '@spatial-ssrl/scenes';
import { createRng, deriveSeed, type Rng } from '@spatial-ssrl/spec';
import {
  COLOUR_NAMES,
  PATTERN_NAMES,
  SHAPE_NAMES,
  SYNTH_COLOURS,
  SYNTH_PATTERNS,
  SYNTH_SHAPES,
  type SynthColour,
  type SynthPattern,
  type SynthShape,
} from './vocabulary.js';

/** What a question may say about one object; `meta.objects[i]` of the scene holds its geometry. */
export interface SynthObject {
  readonly colour: SynthColour;
  readonly shape: SynthShape;
  readonly pattern: SynthPattern;
  /** Index of the object it rests on, or -1 when it stands on the ground. */
  readonly restsOn: number;
  /** Whether it wears eyes on its front, which show the way it faces. */
  readonly eyes: boolean;
}

/** A benchmark scene: the scene graph to render and the names of its objects. */
export interface SynthScene {
  /** The scene's 32-bit seed. */
  readonly seed: number;
  readonly meta: SceneMeta;
  /** One entry per `meta.objects` entry, same order. */
  readonly objects: readonly SynthObject[];
}

const DEG = Math.PI / 180;
/** Ground objects per scene, and at most this many more resting on them. */
const MIN_GROUND = 3;
const MAX_GROUND = 5;
const MAX_STACKED = 2;
const GAP = 0.35;
const MAX_HIDDEN = 0.55;
/** Fraction of the image the bounding box corners must stay inside, on each side. */
const FRAME_MARGIN = 0.03;

interface Placed {
  readonly x: number;
  readonly z: number;
  readonly radius: number;
}

function footprint(kind: SceneObject['kind'], size: Vec3): number {
  return kind === 'box' || kind === 'pyramid' ? Math.hypot(size[0], size[2]) / 2 : size[0] / 2;
}

function sizeOf(shape: SynthShape, s: number, rng: Rng): Vec3 {
  switch (shape) {
    case 'cube':
      return [2 * s, 2 * s * rng.range(0.9, 1.1), 2 * s * rng.range(0.9, 1.1)];
    case 'sphere':
      return [2 * s, 2 * s, 2 * s];
    case 'cylinder':
      return [1.6 * s, 2 * s * rng.range(1.0, 1.7), 1.6 * s];
    case 'cone':
      return [2 * s, 2 * s * rng.range(1.1, 1.6), 2 * s];
    default:
      return [2 * s, 2 * s * rng.range(0.9, 1.3), 2 * s];
  }
}

function shade(rgb: Vec3, k: number): Vec3 {
  return [Math.min(255, Math.round(rgb[0] * k)), Math.min(255, Math.round(rgb[1] * k)), Math.min(255, Math.round(rgb[2] * k))];
}

/** Moves a colour most of the way to its grey, so that object colours stand apart from the ground. */
function desaturate(rgb: Vec3): Vec3 {
  const grey = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
  return [Math.round(grey + (rgb[0] - grey) * 0.25), Math.round(grey + (rgb[1] - grey) * 0.25), Math.round(grey + (rgb[2] - grey) * 0.25)];
}

function sceneObject(shape: SynthShape, colour: SynthColour, pattern: SynthPattern, position: Vec3, size: Vec3, yawDeg: number, eyes: boolean, rng: Rng): SceneObject {
  const color = shade(SYNTH_COLOURS[colour], rng.range(0.88, 1.04));
  const extent = Math.max(size[0], size[1]);
  return {
    kind: SYNTH_SHAPES[shape],
    position,
    size,
    yawDeg,
    color,
    secondaryColor: pattern === 'plain' ? color : shade(color, 0.5),
    texture: SYNTH_PATTERNS[pattern],
    textureScale: extent * (pattern === 'plain' ? 0.5 : pattern === 'dotted' ? 0.24 : rng.range(0.2, 0.3)),
    ...(eyes ? { eyes: true } : {}),
  };
}

/** Whether an object's 3-D bounding box projects inside the image, away from its borders. */
function framed(meta: SceneMeta, aspect: number, o: SceneObject): boolean {
  const cam = cameraModel(meta.camera, 1000, 1000 / aspect);
  const r = footprint(o.kind, o.size);
  for (const dx of [-r, r]) {
    for (const dz of [-r, r]) {
      for (const y of [o.position[1], o.position[1] + o.size[1]]) {
        const p = projectPoint(cam, [o.position[0] + dx, y, o.position[2] + dz]);
        if (p.depth <= 0.1) return false;
        if (p.x < FRAME_MARGIN * cam.width || p.x > (1 - FRAME_MARGIN) * cam.width) return false;
        if (p.y < FRAME_MARGIN * cam.height || p.y > (1 - FRAME_MARGIN) * cam.height) return false;
      }
    }
  }
  return true;
}

/** Fraction of the farther object's horizontal view angle that the nearer one covers. */
function hiddenFraction(a: Placed, b: Placed): number {
  const span = (p: Placed) => {
    const d = Math.hypot(p.x, p.z);
    const az = Math.atan2(p.x, p.z);
    const half = Math.asin(Math.min(1, p.radius / d));
    return { lo: az - half, hi: az + half, d };
  };
  const sa = span(a);
  const sb = span(b);
  const overlap = Math.min(sa.hi, sb.hi) - Math.max(sa.lo, sb.lo);
  if (overlap <= 0) return 0;
  const far = sa.d > sb.d ? sa : sb;
  return overlap / (far.hi - far.lo);
}

/** A yaw (degrees) whose front, `(sin yaw, 0, cos yaw)`, points within `spread` degrees of the camera. */
function yawTowardCamera(position: Vec3, spread: number, rng: Rng): number {
  const toCamera = Math.atan2(-position[0], -position[2]) / DEG;
  return toCamera + rng.range(-spread, spread);
}

/**
 * Composes benchmark scene `seed` (32-bit) for images of the given aspect ratio: the camera,
 * sun, sky, ground and hills of `layoutScene` (the ground's colours toned down so that object
 * colours stay distinct, the camera tilted further down), then 3-5 objects on the ground and up
 * to 2 resting on flat tops, each a named colour, shape and pattern, 1-2 of them wearing eyes
 * turned towards the camera side; every object framed inside the image.
 */
export function composeScene(seed: number, aspect = 4 / 3): SynthScene {
  const base = layoutScene(seed);
  const rng = createRng(deriveSeed(seed, 'compose'));
  const camera = { hfovDeg: rng.range(50, 64), height: rng.range(1.4, 2.0), pitchDeg: rng.range(9, 15) };
  const ground = { ...base.ground, color: desaturate(base.ground.color), secondaryColor: desaturate(base.ground.secondaryColor) };
  const frame: SceneMeta = { ...base, camera, ground, objects: [] };
  const tanHalf = Math.tan((camera.hfovDeg * DEG) / 2);
  const colours = rng.shuffle(COLOUR_NAMES).slice(0, rng.int(3, 5));
  const shapes = rng.shuffle(SHAPE_NAMES).slice(0, rng.int(3, 5));
  const count = rng.int(MIN_GROUND, MAX_GROUND);
  const objects: SceneObject[] = [];
  const names: SynthObject[] = [];
  const placed: Placed[] = [];
  const taken = new Set<string>();
  const drawName = (): { colour: SynthColour; shape: SynthShape } => {
    let pick = { colour: rng.pick(colours), shape: rng.pick(shapes) };
    // Mostly distinct names; a repeated name now and then makes the ambiguity checks bite.
    for (let k = 0; k < 3 && taken.has(`${pick.colour} ${pick.shape}`); k++) pick = { colour: rng.pick(colours), shape: rng.pick(shapes) };
    return pick;
  };
  for (let attempts = 0; objects.length < count && attempts < 300; attempts++) {
    const { colour, shape } = drawName();
    const pattern = rng.pick(PATTERN_NAMES);
    const size = sizeOf(shape, rng.range(0.3, 0.8), rng);
    const kind = SYNTH_SHAPES[shape];
    const radius = footprint(kind, size);
    const z = rng.range(3.5, 11);
    const reach = Math.max(0, 0.8 * z * tanHalf - radius);
    const x = rng.range(-reach, reach);
    const candidate = { x, z, radius };
    if (placed.some((p) => Math.hypot(p.x - x, p.z - z) < p.radius + radius + GAP)) continue;
    if (placed.some((p) => hiddenFraction(p, candidate) > MAX_HIDDEN)) continue;
    const yawDeg = kind === 'box' || kind === 'pyramid' ? rng.range(0, 90) : 0;
    const object = sceneObject(shape, colour, pattern, [x, 0, z], size, yawDeg, false, rng);
    if (!framed(frame, aspect, object)) continue;
    taken.add(`${colour} ${shape}`);
    placed.push(candidate);
    objects.push(object);
    names.push({ colour, shape, pattern, restsOn: -1, eyes: false });
  }
  const tops = objects.map((o, i) => i).filter((i) => (objects[i]!.kind === 'box' || objects[i]!.kind === 'cylinder') && objects[i]!.size[1] <= 1.6);
  for (const i of rng.shuffle(tops).slice(0, MAX_STACKED)) {
    if (!rng.chance(0.85)) continue;
    const under = objects[i]!;
    const half = Math.min(under.size[0], under.size[2]) / 2;
    const { colour, shape } = drawName();
    const pattern = rng.pick(PATTERN_NAMES);
    const kind = SYNTH_SHAPES[shape];
    // Sized so its footprint fits on the top face whatever its yaw.
    const s = half * rng.range(0.45, 0.62) * (kind === 'box' || kind === 'pyramid' ? 0.75 : 1);
    const size = sizeOf(shape, s, rng);
    const position: Vec3 = [under.position[0], under.position[1] + under.size[1], under.position[2]];
    const object = sceneObject(shape, colour, pattern, position, size, kind === 'box' || kind === 'pyramid' ? rng.range(0, 90) : 0, false, rng);
    if (!framed(frame, aspect, object)) continue;
    taken.add(`${colour} ${shape}`);
    objects.push(object);
    names.push({ colour, shape, pattern, restsOn: i, eyes: false });
  }
  const eyed = rng.shuffle(objects.map((_, i) => i)).slice(0, rng.chance(0.5) ? 2 : 1);
  for (const i of eyed) {
    const o = objects[i]!;
    objects[i] = { ...o, yawDeg: yawTowardCamera(o.position, 75, rng), eyes: true };
    names[i] = { ...names[i]!, eyes: true };
  }
  return { seed, meta: { ...frame, objects }, objects: names };
}

