import { SceneError } from './errors.js';
import type { GroundTexture, ObjectKind, ObjectTexture, SceneMeta } from './scene-types.js';

/** Most objects a scene may hold: segment codes 3-254 are one byte each. */
export const MAX_SCENE_OBJECTS = 252;

const KINDS: readonly ObjectKind[] = ['box', 'sphere', 'cylinder', 'cone', 'pyramid'];
const TEXTURES: readonly ObjectTexture[] = ['stripes', 'dots', 'noise', 'gradient', 'checker'];
const GROUNDS: readonly GroundTexture[] = ['checker', 'tiles', 'grass', 'planks'];

function fail(field: string, problem: string): never {
  throw new SceneError('invalid-layout', `scene layout: ${field} ${problem}`);
}

function finite(field: string, value: unknown, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(field, `must be a finite number, got ${String(value)}`);
  if (value < min || value > max) fail(field, `must be in [${min}, ${max}], got ${value}`);
  return value;
}

function positive(field: string, value: unknown): number {
  const v = finite(field, value);
  if (v <= 0) fail(field, `must be > 0, got ${v}`);
  return v;
}

function vector(field: string, value: unknown): readonly [number, number, number] {
  if (!Array.isArray(value) || value.length !== 3) fail(field, 'must be an array of 3 numbers');
  value.forEach((v, i) => finite(`${field}[${i}]`, v));
  return value as unknown as readonly [number, number, number];
}

function colour(field: string, value: unknown): void {
  if (!Array.isArray(value) || value.length !== 3 || !value.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)) {
    fail(field, `must be 3 integers 0-255, got ${JSON.stringify(value)}`);
  }
}

function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): void {
  if (!allowed.includes(value as T)) fail(field, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
}

/**
 * Checks that a scene graph can be rendered: every number finite and in range, the sun above
 * the horizon, the hills above the camera, at most {@link MAX_SCENE_OBJECTS} objects, each with a
 * known shape and texture, a positive size, its base at or above the ground and its footprint
 * inside the ring of hills. Throws `SceneError` (`invalid-layout`) naming the first bad field.
 */
export function checkLayout(meta: SceneMeta): void {
  if (typeof meta !== 'object' || meta === null) fail('meta', 'must be an object');
  if (!Number.isSafeInteger(meta.seed)) fail('seed', `must be a safe integer, got ${String(meta.seed)}`);
  finite('textureSalt', meta.textureSalt);
  const camera = meta.camera ?? fail('camera', 'is missing');
  finite('camera.hfovDeg', camera.hfovDeg, 1, 179);
  const camHeight = positive('camera.height', camera.height);
  finite('camera.pitchDeg', camera.pitchDeg, -80, 80);
  const light = meta.light ?? fail('light', 'is missing');
  const [lx, ly, lz] = vector('light.direction', light.direction);
  if (Math.abs(Math.hypot(lx, ly, lz) - 1) > 1e-6) fail('light.direction', 'must be a unit vector');
  if (ly <= 0.05) fail('light.direction', 'must point above the horizon (y > 0.05)');
  finite('light.elevationDeg', light.elevationDeg);
  finite('light.azimuthDeg', light.azimuthDeg);
  colour('light.sunColor', light.sunColor);
  colour('light.ambientColor', light.ambientColor);
  const ground = meta.ground ?? fail('ground', 'is missing');
  oneOf('ground.texture', ground.texture, GROUNDS);
  positive('ground.scale', ground.scale);
  finite('ground.yawDeg', ground.yawDeg);
  colour('ground.color', ground.color);
  colour('ground.secondaryColor', ground.secondaryColor);
  const sky = meta.sky ?? fail('sky', 'is missing');
  colour('sky.zenithColor', sky.zenithColor);
  colour('sky.horizonColor', sky.horizonColor);
  finite('sky.cloudCover', sky.cloudCover, 0, 1);
  positive('sky.hazeDistance', sky.hazeDistance);
  const backdrop = meta.backdrop ?? fail('backdrop', 'is missing');
  const ring = positive('backdrop.distance', backdrop.distance);
  const minHeight = finite('backdrop.minHeight', backdrop.minHeight, 0);
  const maxHeight = finite('backdrop.maxHeight', backdrop.maxHeight, minHeight);
  if (maxHeight <= camHeight) fail('backdrop.maxHeight', `must be above the camera (${camHeight} m), got ${maxHeight}`);
  colour('backdrop.color', backdrop.color);
  if (meta.depthKind !== 'camera-z') fail('depthKind', "must be 'camera-z'");
  if (meta.skyDepth !== 'invalid') fail('skyDepth', "must be 'invalid'");
  if (!Array.isArray(meta.objects)) fail('objects', 'must be an array');
  if (meta.objects.length > MAX_SCENE_OBJECTS) fail('objects', `may hold at most ${MAX_SCENE_OBJECTS} objects, got ${meta.objects.length}`);
  meta.objects.forEach((o, i) => {
    const at = `objects[${i}]`;
    oneOf(`${at}.kind`, o.kind, KINDS);
    const [x, y, z] = vector(`${at}.position`, o.position);
    if (y < 0) fail(`${at}.position[1]`, `must be ≥ 0 (the ground), got ${y}`);
    const size = vector(`${at}.size`, o.size);
    size.forEach((v, k) => positive(`${at}.size[${k}]`, v));
    finite(`${at}.yawDeg`, o.yawDeg);
    colour(`${at}.color`, o.color);
    colour(`${at}.secondaryColor`, o.secondaryColor);
    oneOf(`${at}.texture`, o.texture, TEXTURES);
    positive(`${at}.textureScale`, o.textureScale);
    if (o.eyes !== undefined && typeof o.eyes !== 'boolean') fail(`${at}.eyes`, 'must be a boolean when given');
    const footprint = o.kind === 'box' || o.kind === 'pyramid' ? Math.hypot(size[0], size[2]) / 2 : size[0] / 2;
    if (Math.hypot(x, z) + footprint >= ring) fail(`${at}.position`, `puts the object outside the ring of hills ${ring} m away`);
  });
}
