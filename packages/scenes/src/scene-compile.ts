import { rgbToLinear } from './color.js';
import { hash2 } from './noise.js';
import { mix32 } from '@spatial-ssrl/spec';
import { SHAPE_BOX, SHAPE_CONE, SHAPE_CYLINDER, SHAPE_PYRAMID, SHAPE_SPHERE, type LocalSolid } from './primitives.js';
import type { ScenePose } from './scene-pose.js';
import type { GroundTexture, ObjectKind, ObjectTexture, SceneMeta } from './scene-types.js';

const DEG = Math.PI / 180;

/** Numeric codes of the ground and object textures used by the shaders. */
const GROUND_CODES: Readonly<Record<GroundTexture, number>> = { checker: 0, tiles: 1, grass: 2, planks: 3 };
const TEXTURE_CODES: Readonly<Record<ObjectTexture, number>> = { stripes: 0, dots: 1, noise: 2, gradient: 3, checker: 4 };
const GROUND_GLOSS: Readonly<Record<GroundTexture, number>> = { checker: 0.12, tiles: 0.15, grass: 0.06, planks: 0.18 };
const SHAPE_CODES: Readonly<Record<ObjectKind, number>> = {
  box: SHAPE_BOX,
  sphere: SHAPE_SPHERE,
  cylinder: SHAPE_CYLINDER,
  cone: SHAPE_CONE,
  pyramid: SHAPE_PYRAMID,
};

/** One scene object prepared for ray casting: local solid, transform, bound and material. */
export interface CompiledObject extends LocalSolid {
  readonly baseX: number;
  /** World height of the base (0 on the ground). */
  readonly baseY: number;
  readonly baseZ: number;
  readonly cosYaw: number;
  readonly sinYaw: number;
  /**
   * Cosine and sine of the object's yaw relative to the camera's: they turn a ray given in the
   * camera's horizontal axes (right, forward) into the object's local frame.
   */
  readonly viewCos: number;
  readonly viewSin: number;
  /** World height of the bounding sphere's centre. */
  readonly centerY: number;
  readonly boundRadius: number;
  readonly texture: number;
  readonly textureScale: number;
  readonly salt: number;
  /** Unit axis of the stripe texture, local frame. */
  readonly axis: readonly [number, number, number];
  /** Linear albedos: main then secondary, `r,g,b` each. */
  readonly albedo: Float64Array;
  /** Eyes painted on the local +z side (see `SceneObject.eyes`), or null. */
  readonly eyes: EyeLayout | null;
}

/**
 * Where an object's eyes sit, local frame: centres at `(±dx, y)` seen along +z, white discs of
 * radius `white` around black pupils of radius `pupil`, metres.
 */
export interface EyeLayout {
  readonly dx: number;
  readonly y: number;
  readonly white: number;
  readonly pupil: number;
}

/** Half-width of a solid's cross-section at local height `y`, metres. */
function halfWidthAt(shape: number, a: number, h: number, y: number): number {
  if (shape === SHAPE_SPHERE) return Math.sqrt(Math.max(0, a * a - (y - a) * (y - a)));
  if (shape === SHAPE_CONE || shape === SHAPE_PYRAMID) return a * (1 - y / h);
  return a;
}

/** Eye placement: high on boxes, cylinders and spheres, low on the tapering cone and pyramid. */
function eyeLayout(shape: number, a: number, h: number): EyeLayout {
  const y = (shape === SHAPE_CONE || shape === SHAPE_PYRAMID ? 0.3 : shape === SHAPE_SPHERE ? 0.6 : 0.7) * h;
  const half = halfWidthAt(shape, a, h, y);
  const white = Math.min(0.3 * half, 0.14 * h);
  return { dx: 0.42 * half, y, white, pupil: 0.5 * white };
}

/** A scene seen from one camera, in the numeric form the renderer works on; independent of the image size. */
export interface CompiledScene {
  /** Camera position on the ground plane, metres (0 for the scene's own camera). */
  readonly camX: number;
  readonly camZ: number;
  readonly camHeight: number;
  /** Cosine and sine of the camera's yaw (1 and 0 for the scene's own camera). */
  readonly camCos: number;
  readonly camSin: number;
  readonly sinPitch: number;
  readonly cosPitch: number;
  readonly tanHalfFov: number;
  /** Unit vector towards the sun, world axes. */
  readonly lx: number;
  readonly ly: number;
  readonly lz: number;
  /** The sun vector's horizontal components in the camera's axes (right, forward). */
  readonly viewLx: number;
  readonly viewLz: number;
  /** Unit horizontal direction towards the sun, world axes, then in the camera's axes. */
  readonly sunHx: number;
  readonly sunHz: number;
  readonly viewSunHx: number;
  readonly viewSunHz: number;
  readonly sun: Float64Array;
  readonly ambient: Float64Array;
  readonly zenith: Float64Array;
  readonly horizon: Float64Array;
  readonly cloudCover: number;
  readonly hazeDistance: number;
  readonly ground: number;
  readonly groundScale: number;
  readonly groundCos: number;
  readonly groundSin: number;
  readonly groundOffsetU: number;
  readonly groundOffsetV: number;
  readonly groundAlbedo: Float64Array;
  /** Strength of the ground's broad sun sheen (varnished planks shine most, grass least). */
  readonly groundGloss: number;
  readonly backdropDistance: number;
  readonly backdropMin: number;
  readonly backdropMax: number;
  readonly backdropAlbedo: Float64Array;
  readonly salt: number;
  readonly objects: readonly CompiledObject[];
}

function linearPair(a: readonly [number, number, number], b: readonly [number, number, number]): Float64Array {
  const out = new Float64Array(6);
  rgbToLinear(a, out, 0);
  rgbToLinear(b, out, 3);
  return out;
}

function linear(rgb: readonly [number, number, number]): Float64Array {
  const out = new Float64Array(3);
  rgbToLinear(rgb, out, 0);
  return out;
}

/** Turns a scene layout seen from `pose` (default: the scene's own camera) into the renderer's numeric form. */
export function compileScene(meta: SceneMeta, pose?: ScenePose): CompiledScene {
  const salt = meta.textureSalt | 0;
  // The scene's own camera keeps exact zeros and ones, so its renders stay bit-identical.
  const yaw = pose === undefined || pose.yawDeg === 0 ? 0 : pose.yawDeg * DEG;
  const camCos = yaw === 0 ? 1 : Math.cos(yaw);
  const camSin = yaw === 0 ? 0 : Math.sin(yaw);
  const objects = meta.objects.map((o, index): CompiledObject => {
    const shape = SHAPE_CODES[o.kind];
    const [w, h, d] = o.size;
    const a = w / 2;
    const c = shape === SHAPE_BOX ? d / 2 : a;
    const baseY = o.position[1];
    const centerY = h / 2;
    const horizontal = shape === SHAPE_BOX || shape === SHAPE_PYRAMID ? Math.hypot(a, c) : a;
    const objectSalt = mix32(salt ^ Math.imul(index + 1, 0x9e3779b9)) | 0;
    // Stripes run mostly across the object's height, tilted by a per-object angle.
    const tilt = (hash2(index, 7, objectSalt) - 0.5) * 1.6;
    const spin = hash2(index, 11, objectSalt) * Math.PI * 2;
    const axis: [number, number, number] = [Math.sin(tilt) * Math.cos(spin), Math.cos(tilt), Math.sin(tilt) * Math.sin(spin)];
    const cosYaw = Math.cos(o.yawDeg * DEG);
    const sinYaw = Math.sin(o.yawDeg * DEG);
    return {
      shape,
      a,
      b: h,
      c,
      baseX: o.position[0],
      baseY,
      baseZ: o.position[2],
      cosYaw,
      sinYaw,
      viewCos: yaw === 0 ? cosYaw : cosYaw * camCos + sinYaw * camSin,
      viewSin: yaw === 0 ? sinYaw : sinYaw * camCos - cosYaw * camSin,
      centerY: baseY + centerY,
      boundRadius: Math.hypot(horizontal, h / 2) * 1.0001 + 1e-6,
      texture: TEXTURE_CODES[o.texture],
      textureScale: o.textureScale,
      salt: objectSalt,
      axis,
      albedo: linearPair(o.color, o.secondaryColor),
      eyes: o.eyes === true ? eyeLayout(shape, a, h) : null,
    };
  });
  const pitch = (pose?.pitchDeg ?? meta.camera.pitchDeg) * DEG;
  const gyaw = meta.ground.yawDeg * DEG;
  const [lx, ly, lz] = meta.light.direction;
  const sunHx = lx / Math.hypot(lx, lz);
  const sunHz = lz / Math.hypot(lx, lz);
  return {
    camX: pose?.position[0] ?? 0,
    camZ: pose?.position[2] ?? 0,
    camHeight: pose?.position[1] ?? meta.camera.height,
    camCos,
    camSin,
    sinPitch: Math.sin(pitch),
    cosPitch: Math.cos(pitch),
    tanHalfFov: Math.tan(((pose?.hfovDeg ?? meta.camera.hfovDeg) * DEG) / 2),
    lx,
    ly,
    lz,
    viewLx: yaw === 0 ? lx : camCos * lx - camSin * lz,
    viewLz: yaw === 0 ? lz : camSin * lx + camCos * lz,
    sunHx,
    sunHz,
    viewSunHx: yaw === 0 ? sunHx : camCos * sunHx - camSin * sunHz,
    viewSunHz: yaw === 0 ? sunHz : camSin * sunHx + camCos * sunHz,
    sun: linear(meta.light.sunColor),
    ambient: linear(meta.light.ambientColor),
    zenith: linear(meta.sky.zenithColor),
    horizon: linear(meta.sky.horizonColor),
    cloudCover: meta.sky.cloudCover,
    hazeDistance: meta.sky.hazeDistance,
    ground: GROUND_CODES[meta.ground.texture],
    groundScale: meta.ground.scale,
    groundCos: Math.cos(gyaw),
    groundSin: Math.sin(gyaw),
    groundOffsetU: hash2(1, 2, salt) * 1000,
    groundOffsetV: hash2(3, 4, salt) * 1000,
    groundAlbedo: linearPair(meta.ground.color, meta.ground.secondaryColor),
    groundGloss: GROUND_GLOSS[meta.ground.texture],
    backdropDistance: meta.backdrop.distance,
    backdropMin: meta.backdrop.minHeight,
    backdropMax: meta.backdrop.maxHeight,
    backdropAlbedo: linear(meta.backdrop.color),
    salt,
    objects,
  };
}
