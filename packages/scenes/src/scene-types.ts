import type { Rgb } from '@spatial-ssrl/image';

/**
 * A 3-D vector in the scene's world frame, metres: origin on the ground directly below the
 * camera, `x` to the right, `y` up, `z` forward (the horizontal direction the camera faces).
 */
export type Vec3 = readonly [number, number, number];

/**
 * The pinhole camera at `(0, height, 0)`, looking along `+z` tilted down by `pitchDeg`. Square
 * pixels, principal point at the image centre, pixel `(x, y)` sampled at `(x + 0.5, y + 0.5)`,
 * focal length `f = (width / 2) / tan(hfovDeg / 2)` pixels for an image `width` pixels wide.
 */
export interface SceneCamera {
  /** Horizontal field of view, degrees, 50-70. */
  readonly hfovDeg: number;
  /** Height of the optical centre above the ground plane, metres, 1.2-2. */
  readonly height: number;
  /** Downward tilt of the optical axis, degrees, 3-10 (positive looks down). */
  readonly pitchDeg: number;
}

/** The sun: one directional light plus a sky-coloured ambient term. */
export interface SceneLight {
  /** Unit vector from the scene towards the sun. */
  readonly direction: Vec3;
  /** Sun elevation above the horizon, degrees, 20-55. */
  readonly elevationDeg: number;
  /** Sun azimuth from the view direction, degrees, positive to the right; magnitude 50-115. */
  readonly azimuthDeg: number;
  /** Sun colour (sRGB 0-255) at full intensity. */
  readonly sunColor: Rgb;
  /** Ambient (sky) light colour (sRGB 0-255). */
  readonly ambientColor: Rgb;
}

/** Procedural ground textures. */
export type GroundTexture = 'checker' | 'tiles' | 'grass' | 'planks';

/** The textured ground plane `y = 0`. */
export interface SceneGround {
  readonly texture: GroundTexture;
  /** Pattern period (checker cell, tile, plank width, grass clump size), metres. */
  readonly scale: number;
  /** Rotation of the pattern about the vertical axis, degrees. */
  readonly yawDeg: number;
  /** Main albedo (sRGB 0-255). */
  readonly color: Rgb;
  /** Second albedo of the pattern (sRGB 0-255). */
  readonly secondaryColor: Rgb;
}

/** Sky appearance; the sky has no depth (see `SceneMeta.skyDepth`). */
export interface SceneSky {
  /** Colour straight up (sRGB 0-255). */
  readonly zenithColor: Rgb;
  /** Colour at the horizon, also the haze colour (sRGB 0-255). */
  readonly horizonColor: Rgb;
  /** Fraction of the sky covered by clouds, 0.3-0.75. */
  readonly cloudCover: number;
  /** Aerial haze: the camera-space depth at which the haze colour covers 63 % of a surface, metres, 90-200. */
  readonly hazeDistance: number;
}

/** A ring of hills around the camera that closes the scene at a finite distance. */
export interface SceneBackdrop {
  /** Horizontal distance from the camera to the hills, metres, 40-55. */
  readonly distance: number;
  /** Lowest and highest hill top above the ground, metres; the highest is 6-14 % of `distance` above the lowest. */
  readonly minHeight: number;
  readonly maxHeight: number;
  /** Hill albedo (sRGB 0-255) before haze. */
  readonly color: Rgb;
}

/** Shapes a scene object can take. */
export type ObjectKind = 'box' | 'sphere' | 'cylinder' | 'cone' | 'pyramid';

/** Procedural object textures, evaluated in the object's own 3-D frame. */
export type ObjectTexture = 'stripes' | 'dots' | 'noise' | 'gradient' | 'checker';

/** One object standing on the ground or resting on top of another object. */
export interface SceneObject {
  readonly kind: ObjectKind;
  /**
   * Centre of the object's base, metres: `y = 0` on the ground, or the height of the top of the
   * object it rests on (`layoutScene` places every object on the ground).
   */
  readonly position: Vec3;
  /**
   * Extent along the object's own x, y, z axes before the yaw, metres: a box's width, height and
   * depth; `[2r, 2r, 2r]` for a sphere; `[2r, h, 2r]` for a cylinder or cone; `[2s, h, 2s]` for a
   * square pyramid.
   */
  readonly size: Vec3;
  /**
   * Rotation about the vertical axis, degrees (`layoutScene` leaves spheres, cylinders and cones
   * at 0): the object's own x axis points along world `(cos yaw, 0, -sin yaw)` and its z axis,
   * its front, along `(sin yaw, 0, cos yaw)`.
   */
  readonly yawDeg: number;
  /** Main albedo (sRGB 0-255). */
  readonly color: Rgb;
  /** Second albedo of the texture (sRGB 0-255). */
  readonly secondaryColor: Rgb;
  readonly texture: ObjectTexture;
  /** Texture period, metres. */
  readonly textureScale: number;
  /**
   * Two eyes painted on the object's front, the side its own z axis points to, so that the way
   * it faces can be seen in the image; absent (no eyes) in `layoutScene` scenes.
   */
  readonly eyes?: boolean;
}

/** Everything needed to reproduce a scene: camera, light, ground, sky, backdrop and objects. */
export interface SceneMeta {
  /** The seed the scene was drawn from (any safe integer). */
  readonly seed: number;
  /** 32-bit salt of the texture noise and pattern offsets, drawn from the seed. */
  readonly textureSalt: number;
  readonly camera: SceneCamera;
  readonly light: SceneLight;
  readonly ground: SceneGround;
  readonly sky: SceneSky;
  readonly backdrop: SceneBackdrop;
  /** 4-9 objects; the horizontal distance from the camera to each base centre is 1.5-30 m. */
  readonly objects: readonly SceneObject[];
  /** Depth is the camera-space `z` (distance along the optical axis), metres. */
  readonly depthKind: 'camera-z';
  /** Sky pixels are marked invalid in the depth map (`valid = 0`, `data = 0`). */
  readonly skyDepth: 'invalid';
}
