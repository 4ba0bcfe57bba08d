import { SceneError } from './errors.js';
import type { SceneMeta, Vec3 } from './scene-types.js';

/**
 * A camera placed in a scene's world frame (metres: `x` right, `y` up, `z` forward of the
 * scene's own camera). The camera never rolls: it turns about the vertical axis and tilts down.
 */
export interface ScenePose {
  /** Optical centre, metres; `position[1]` is the height above the ground (> 0). */
  readonly position: Vec3;
  /** Turn about the vertical axis, degrees; positive turns right (towards +x), 0 looks along +z. */
  readonly yawDeg: number;
  /** Downward tilt of the optical axis, degrees, −60 to 60 (positive looks down). */
  readonly pitchDeg: number;
  /** Horizontal field of view, degrees, 10 to 120. */
  readonly hfovDeg: number;
}

/** The pose of a scene's own camera: at `(0, height, 0)`, looking along +z, tilted by its pitch. */
export function scenePose(meta: SceneMeta): ScenePose {
  return { position: [0, meta.camera.height, 0], yawDeg: 0, pitchDeg: meta.camera.pitchDeg, hfovDeg: meta.camera.hfovDeg };
}

/** Checks a pose can be rendered: finite numbers, above the ground, inside the hills' ring with a margin of 1 m. */
export function checkPose(pose: ScenePose, meta: SceneMeta): void {
  const [x, y, z] = pose.position;
  const numbers = [x, y, z, pose.yawDeg, pose.pitchDeg, pose.hfovDeg];
  if (!numbers.every(Number.isFinite)) throw new SceneError('invalid-option', `pose numbers must be finite, got ${JSON.stringify(pose)}`);
  if (!(y > 0.05)) throw new SceneError('invalid-option', `the camera must be above the ground (height > 0.05 m), got ${y}`);
  if (Math.hypot(x, z) > meta.backdrop.distance - 1) {
    throw new SceneError('invalid-option', `the camera must stay inside the ring of hills (${(meta.backdrop.distance - 1).toFixed(2)} m from the origin), got (${x}, ${z})`);
  }
  if (y >= meta.backdrop.minHeight) throw new SceneError('invalid-option', `the camera must stay below the hill tops (${meta.backdrop.minHeight.toFixed(2)} m), got ${y}`);
  if (!(Math.abs(pose.pitchDeg) <= 60)) throw new SceneError('invalid-option', `pitchDeg must be within ±60, got ${pose.pitchDeg}`);
  if (!(pose.hfovDeg >= 10 && pose.hfovDeg <= 120)) throw new SceneError('invalid-option', `hfovDeg must be 10-120, got ${pose.hfovDeg}`);
}
