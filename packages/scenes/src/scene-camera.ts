import type { SceneCamera, Vec3 } from './scene-types.js';

const DEG = Math.PI / 180;

/**
 * The pinhole camera of a scene rendered at a given size, in the conventions of photogrammetry
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
  /** Optical centre in world coordinates, metres: `(0, height, 0)`. */
  readonly position: Vec3;
}

/** A world point seen by the camera: pixel coordinates and camera-space depth (metres, the depth map's `z`). */
export interface ProjectedPoint {
  readonly x: number;
  readonly y: number;
  readonly depth: number;
}

/** Intrinsics and pose of a scene's camera for an image `width × height` pixels. */
export function cameraModel(camera: SceneCamera, width: number, height: number): CameraModel {
  const focal = width / 2 / Math.tan((camera.hfovDeg * DEG) / 2);
  const pitch = camera.pitchDeg * DEG;
  const sin = Math.sin(pitch);
  const cos = Math.cos(pitch);
  const cx = width / 2;
  const cy = height / 2;
  const h = camera.height;
  return {
    width,
    height,
    focal,
    cx,
    cy,
    intrinsics: [focal, 0, cx, 0, focal, cy, 0, 0, 1],
    rotation: [1, 0, 0, 0, -cos, -sin, 0, -sin, cos],
    translation: [0, h * cos, h * sin],
    position: [0, h, 0],
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
