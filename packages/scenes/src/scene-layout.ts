import type { Rgb } from '@spatial-ssrl/image';
import { hsvToRgb } from './color.js';
import { SceneError } from './errors.js';
import { createRng, type Rng } from '@spatial-ssrl/spec';
import { foldSeed } from './random.js';
import type {
  GroundTexture,
  ObjectKind,
  ObjectTexture,
  SceneBackdrop,
  SceneCamera,
  SceneGround,
  SceneLight,
  SceneMeta,
  SceneObject,
  SceneSky,
  Vec3,
} from './scene-types.js';

// Scene layouts draw integers by scaling a float (not by rejection sampling, as `Rng.int` does):
// kept so that every seed renders the scene it always has.
function intScaled(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng.next() * (hi - lo + 1));
}

function pickScaled<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng.next() * items.length)];
}

const DEG = Math.PI / 180;
const GROUND_TEXTURES: readonly GroundTexture[] = ['checker', 'tiles', 'grass', 'planks'];
const OBJECT_TEXTURES: readonly ObjectTexture[] = ['stripes', 'dots', 'noise', 'gradient', 'checker'];
const OBJECT_KINDS: readonly ObjectKind[] = ['box', 'box', 'sphere', 'cylinder', 'cone', 'pyramid'];
const LARGE_KINDS: readonly ObjectKind[] = ['box', 'box', 'cylinder', 'sphere'];
const MIN_CLEARANCE = 1.2;
const MIN_DISTANCE = 1.5;
const MAX_DISTANCE = 30;
const MAX_ANGULAR_RADIUS = 0.2;
const FOOTPRINT_GAP = 0.4;
const MAX_HIDDEN_FRACTION = 0.5;

/**
 * Draws the layout of scene `seed` (any safe integer): camera, sun, sky, ground, backdrop and
 * 4-9 objects. The layout does not depend on the image size, so one seed is the same scene at
 * every resolution.
 */
export function layoutScene(seed: number): SceneMeta {
  if (!Number.isSafeInteger(seed)) {
    throw new SceneError('invalid-seed', `scene seed must be a safe integer, got ${String(seed)}`);
  }
  const rng = createRng(foldSeed(seed));
  const textureSalt = rng.nextU32();
  const camera: SceneCamera = {
    hfovDeg: rng.range(50, 70),
    height: rng.range(1.2, 2),
    pitchDeg: rng.range(3, 10),
  };
  const light = drawLight(rng);
  const sky = drawSky(rng, light.elevationDeg);
  const ground = drawGround(rng);
  const backdrop = drawBackdrop(rng, camera.height);
  const objects = placeObjects(rng, camera, backdrop.distance);
  return { seed, textureSalt, camera, light, ground, sky, backdrop, objects, depthKind: 'camera-z', skyDepth: 'invalid' };
}

function drawLight(rng: Rng): SceneLight {
  const elevationDeg = rng.range(20, 55);
  const azimuthDeg = (rng.chance(0.5) ? -1 : 1) * rng.range(50, 115);
  const el = elevationDeg * DEG;
  const az = azimuthDeg * DEG;
  const direction: Vec3 = [Math.sin(az) * Math.cos(el), Math.sin(el), Math.cos(az) * Math.cos(el)];
  const warmth = Math.max(0, (40 - elevationDeg) / 20);
  const sunColor: Rgb = [255, Math.round(rng.range(238, 250) - 14 * warmth), Math.round(rng.range(212, 236) - 40 * warmth)];
  const ambientColor = hsvToRgb(rng.range(200, 225), rng.range(0.25, 0.45), rng.range(0.5, 0.62));
  return { direction, elevationDeg, azimuthDeg, sunColor, ambientColor };
}

function drawSky(rng: Rng, sunElevationDeg: number): SceneSky {
  const hue = rng.range(200, 222);
  const zenithColor = hsvToRgb(hue, rng.range(0.55, 0.8), rng.range(0.68, 0.9));
  const warm = sunElevationDeg < 32 && rng.chance(0.4);
  const horizonColor = warm
    ? hsvToRgb(rng.range(28, 45), rng.range(0.2, 0.35), rng.range(0.8, 0.9))
    : hsvToRgb(hue - rng.range(0, 10), rng.range(0.18, 0.35), rng.range(0.78, 0.9));
  const cloudCover = rng.range(0.3, 0.75);
  return { zenithColor, horizonColor, cloudCover, hazeDistance: rng.range(90, 200) };
}

function drawGround(rng: Rng): SceneGround {
  const texture = pickScaled(rng, GROUND_TEXTURES);
  // Keep pattern lines off the image axes so no flip of a ground patch maps it onto itself.
  const yawDeg = (rng.chance(0.5) ? -1 : 1) * rng.range(12, 33) + 90 * intScaled(rng, 0, 3);
  switch (texture) {
    case 'checker': {
      const hue = rng.range(0, 360);
      return {
        texture,
        yawDeg,
        scale: rng.range(0.6, 1.6),
        color: hsvToRgb(hue, rng.range(0.05, 0.3), rng.range(0.72, 0.88)),
        secondaryColor: hsvToRgb(hue + rng.range(-40, 40), rng.range(0.2, 0.5), rng.range(0.25, 0.4)),
      };
    }
    case 'tiles': {
      const hue = rng.range(10, 45);
      return {
        texture,
        yawDeg,
        scale: rng.range(0.45, 1.0),
        color: hsvToRgb(hue, rng.range(0.12, 0.5), rng.range(0.55, 0.8)),
        secondaryColor: hsvToRgb(hue, rng.range(0.05, 0.15), rng.range(0.22, 0.35)),
      };
    }
    case 'grass':
      return {
        texture,
        yawDeg,
        scale: rng.range(0.6, 1.6),
        color: hsvToRgb(rng.range(78, 118), rng.range(0.5, 0.72), rng.range(0.4, 0.6)),
        secondaryColor: hsvToRgb(rng.range(42, 62), rng.range(0.45, 0.65), rng.range(0.55, 0.72)),
      };
    default: {
      const hue = rng.range(18, 36);
      const value = rng.range(0.5, 0.75);
      return {
        texture,
        yawDeg,
        scale: rng.range(0.15, 0.35),
        color: hsvToRgb(hue, rng.range(0.45, 0.7), value),
        secondaryColor: hsvToRgb(hue + rng.range(-6, 6), rng.range(0.5, 0.75), value * rng.range(0.45, 0.6)),
      };
    }
  }
}

function drawBackdrop(rng: Rng, cameraHeight: number): SceneBackdrop {
  const distance = rng.range(40, 55);
  const minHeight = cameraHeight + rng.range(0.8, 2);
  return {
    distance,
    minHeight,
    // The ridge rises at most about 9° above the horizon, leaving most of the sky open.
    maxHeight: minHeight + distance * rng.range(0.06, 0.14),
    color: hsvToRgb(rng.range(80, 160), rng.range(0.25, 0.5), rng.range(0.3, 0.5)),
  };
}

interface Placed {
  readonly x: number;
  readonly z: number;
  readonly radius: number;
  readonly azLo: number;
  readonly azHi: number;
  readonly distance: number;
}

type DepthRole = 'middle' | 'near' | 'any';

function placeObjects(rng: Rng, camera: SceneCamera, backdropDistance: number): SceneObject[] {
  const count = intScaled(rng, 4, 9);
  const tanHalf = Math.tan((camera.hfovDeg * DEG) / 2);
  const hue0 = rng.range(0, 360);
  const placed: Placed[] = [];
  const objects: SceneObject[] = [];
  for (let i = 0, attemptsLeft = 400; objects.length < count && attemptsLeft > 0; attemptsLeft--) {
    const role: DepthRole = i === 0 ? 'middle' : i === 1 ? 'near' : 'any';
    const z =
      role === 'middle'
        ? backdropDistance * rng.range(0.4, 0.55)
        : role === 'near'
          ? rng.range(2.5, 7)
          : Math.exp(rng.range(Math.log(1.8), Math.log(30)));
    const object = drawObject(rng, role, z, tanHalf, hue0 + objects.length * 137.508);
    const { position, size } = object;
    const radius = footprintRadius(object.kind, size);
    const distance = Math.hypot(position[0], position[2]);
    if (distance < MIN_DISTANCE || distance > MAX_DISTANCE || distance - radius < MIN_CLEARANCE) continue;
    if (distance + radius > backdropDistance - 2) continue;
    // No object may fill the view: at most about a fifth of a 60° field of view wide.
    if (radius > MAX_ANGULAR_RADIUS * distance) continue;
    if (placed.some((p) => Math.hypot(p.x - position[0], p.z - position[2]) < p.radius + radius + FOOTPRINT_GAP)) continue;
    const az = Math.atan2(position[0], position[2]);
    const half = Math.asin(Math.min(1, radius / distance));
    const candidate: Placed = { x: position[0], z: position[2], radius, azLo: az - half, azHi: az + half, distance };
    if (placed.some((p) => hidesTooMuch(p, candidate))) continue;
    placed.push(candidate);
    objects.push(object);
    i++;
  }
  return objects;
}

function hidesTooMuch(a: Placed, b: Placed): boolean {
  const overlap = Math.min(a.azHi, b.azHi) - Math.max(a.azLo, b.azLo);
  if (overlap <= 0) return false;
  const far = a.distance > b.distance ? a : b;
  return overlap / (far.azHi - far.azLo) > MAX_HIDDEN_FRACTION;
}

/** Radius of the circle around an object's base centre that holds its footprint on the ground, metres. */
export function footprintRadius(kind: ObjectKind, size: Vec3): number {
  if (kind === 'box' || kind === 'pyramid') return Math.hypot(size[0], size[2]) / 2;
  return size[0] / 2;
}

function drawObject(rng: Rng, role: DepthRole, z: number, tanHalf: number, hue: number): SceneObject {
  const kind = pickScaled(rng, role === 'middle' ? LARGE_KINDS : OBJECT_KINDS);
  const x = rng.range(-0.85, 0.85) * z * tanHalf;
  const growth = role === 'middle' ? 1 : 1 + z / 12;
  const s = role === 'middle' ? rng.range(1.2, 2.2) : rng.range(0.25, 0.6) * growth;
  const tall = role === 'middle' ? rng.range(2.2, 5) : rng.range(0.6, 2.2) * (1 + z / 15);
  let size: Vec3;
  let yawDeg = 0;
  switch (kind) {
    case 'box':
      size = [2 * s * rng.range(0.7, 1.3), tall, 2 * s * rng.range(0.6, 1.2)];
      if (rng.chance(0.5)) yawDeg = (rng.chance(0.5) ? -1 : 1) * rng.range(12, 78);
      break;
    case 'sphere': {
      const r = s * rng.range(0.8, 1.2);
      size = [2 * r, 2 * r, 2 * r];
      break;
    }
    case 'cylinder': {
      const r = s * rng.range(0.6, 1);
      size = [2 * r, tall, 2 * r];
      break;
    }
    case 'cone': {
      const r = s * rng.range(0.7, 1.1);
      size = [2 * r, r * rng.range(1.4, 2.6), 2 * r];
      break;
    }
    default: {
      const half = s * rng.range(0.8, 1.1);
      size = [2 * half, half * rng.range(1.1, 2), 2 * half];
      yawDeg = rng.range(8, 82);
      break;
    }
  }
  const saturation = rng.range(0.45, 0.85);
  const value = rng.range(0.55, 0.95);
  const color = hsvToRgb(hue, saturation, value);
  const secondaryColor = rng.chance(0.5)
    ? hsvToRgb(hue + rng.range(150, 210), rng.range(0.3, 0.7), rng.range(0.5, 0.9))
    : hsvToRgb(hue + rng.range(-15, 15), Math.min(1, saturation + 0.1), value * rng.range(0.3, 0.55));
  const texture = pickScaled(rng, OBJECT_TEXTURES);
  const extent = Math.max(size[0], size[1]);
  const textureScale = extent * (texture === 'noise' || texture === 'gradient' ? rng.range(0.3, 0.6) : rng.range(0.12, 0.3));
  return { kind, position: [x, 0, z], size, yawDeg, color, secondaryColor, texture, textureScale };
}
