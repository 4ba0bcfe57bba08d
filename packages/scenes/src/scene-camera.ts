import type { CameraView, Matrix3 } from '@spatial-ssrl/image';
import type { ScenePose } from './scene-pose.js';
import type { SceneCamera, Vec3 } from './scene-types.js';

const DEG = Math.PI / 180;

/**
 * The pinhole camera of a scene rendered at a given size, from the scene's own camera or any
 * {@link ScenePose}, in the conventions of photogrammetry
 * tools: OpenCV camera axes (x right, y down, z forward), `X_cam = R·X_world + t`, and pixel
 * coordinates in which pixel `(i, j)` covers `[i, i + 1) × [j, j + 1)` (its centre is
 * `(i + 0.5, j + 0.5)`; subtract 0.5 for the OpenCV convention of integer pixel centres).
 */
export interface CameraModel {
  /** Image size, pixels. */
  readonly width: number;
  readonly height: number;
  /** Focal length, pixels (square pixels: fx = fy). */
  readonly focal: number;
  /** Principal point, pixels: the image centre. */
  readonly cx: number;
  readonly cy: number;
  /** Intrinsic matrix K, row-major 3×3: `[f, 0, cx, 0, f, cy, 0, 0, 1]`. */
  readonly intrinsics: readonly number[];
  /** World-to-camera rotation R, row-major 3×3 (rows: the camera's right, down and forward axes in world coordinates). */
  readonly rotation: readonly number[];
  /** World-to-camera translation t, metres. */
  readonly translation: Vec3;
  /** Optical centre in world coordinates, metres: `(0, height, 0)` for the scene's own camera. */
  readonly position: Vec3;
}

/** A world point seen by the camera: pixel coordinates and camera-space depth (metres, the depth map's `z`). */
export interface ProjectedPoint {
  readonly x: number;
  readonly y: number;
  readonly depth: number;
}

/** A pose (with its own optical centre and yaw) rather than a scene's own camera. */
function isPose(camera: SceneCamera | ScenePose): camera is ScenePose {
  return (camera as Partial<ScenePose>).yawDeg !== undefined;
}

/**
 * Intrinsics and pose, for an image `width × height` pixels, of a scene's own camera
 * (`meta.camera`: at `(0, height, 0)` looking along +z) or of a camera at any {@link ScenePose}.
 * The one camera model of the renderer: `renderView` draws through it and reports it.
 */
export function cameraModel(camera: SceneCamera | ScenePose, width: number, height: number): CameraModel {
  const pose = isPose(camera);
  const focal = width / 2 / Math.tan((camera.hfovDeg * DEG) / 2);
  const pitch = camera.pitchDeg * DEG;
  const sp = Math.sin(pitch);
  const cp = Math.cos(pitch);
  // The scene's own camera (yaw 0) keeps exact zeros: `0 - x` never yields −0.
  const yaw = pose ? camera.yawDeg * DEG : 0;
  const sy = yaw === 0 ? 0 : Math.sin(yaw);
  const cy = yaw === 0 ? 1 : Math.cos(yaw);
  const position: Vec3 = pose ? [...camera.position] : [0, camera.height, 0];
  // Rows: the camera's right, down and forward axes in world coordinates (yaw turns towards +x).
  const rotation = [cy, 0, 0 - sy, 0 - sy * sp, -cp, 0 - cy * sp, sy * cp, -sp, cy * cp];
  const row = (k: number): number => 0 - (rotation[k]! * position[0] + rotation[k + 1]! * position[1] + rotation[k + 2]! * position[2]);
  const cx = width / 2;
  const cyPx = height / 2;
  return {
    width,
    height,
    focal,
    cx,
    cy: cyPx,
    intrinsics: [focal, 0, cx, 0, focal, cyPx, 0, 0, 1],
    rotation,
    translation: [row(0), row(3), row(6)],
    position,
  };
}

/**
 * The same camera in the image package's interchange form (`CameraView`, carried by clip frames
 * and view pairs): intrinsics `{fx, fy, cx, cy}` in pixels and a world-from-camera pose, i.e. the
 * optical centre and `Rᵀ`.
 */
export function cameraView(model: CameraModel): CameraView {
  const r = model.rotation;
  const rotation: Matrix3 = [r[0]!, r[3]!, r[6]!, r[1]!, r[4]!, r[7]!, r[2]!, r[5]!, r[8]!];
  return {
    width: model.width,
    height: model.height,
    intrinsics: { fx: model.focal, fy: model.focal, cx: model.cx, cy: model.cy },
    pose: { position: [...model.position], rotation },
  };
}

/** Camera coordinates (OpenCV axes, metres) of a world point. */
export function toCamera(camera: CameraModel, p: Vec3): Vec3 {
  const r = camera.rotation;
  const t = camera.translation;
  return [
    r[0] * p[0] + r[1] * p[1] + r[2] * p[2] + t[0],
    r[3] * p[0] + r[4] * p[1] + r[5] * p[2] + t[1],
    r[6] * p[0] + r[7] * p[1] + r[8] * p[2] + t[2],
  ];
}

/**
 * Projects a world point into the image: pixel coordinates (see {@link CameraModel}) and
 * camera-space depth; a point behind the camera has `depth ≤ 0` and meaningless `x`, `y`.
 */
export function projectPoint(camera: CameraModel, p: Vec3): ProjectedPoint {
  const [xc, yc, zc] = toCamera(camera, p);
  return { x: camera.cx + (camera.focal * xc) / zc, y: camera.cy + (camera.focal * yc) / zc, depth: zc };
}
