/** A 3-D point or direction, metres for points: `[x, y, z]`. */
export type Point3 = readonly [number, number, number];

/**
 * A 3×3 rotation, row-major: `m[0..2]` is the first row. Applied to a column vector as
 * `m · v`.
 */
export type Matrix3 = readonly [number, number, number, number, number, number, number, number, number];

/**
 * Pinhole intrinsics in pixels. Pixel coordinates are continuous: pixel `(i, j)` covers
 * `[i, i+1) × [j, j+1)` and its centre is `(i + 0.5, j + 0.5)` (the COLMAP convention), so a
 * principal point in the middle of a `w × h` image is `(w/2, h/2)`.
 */
export interface PinholeIntrinsics {
  /** Focal lengths, pixels. */
  readonly fx: number;
  readonly fy: number;
  /** Principal point, pixels. */
  readonly cx: number;
  readonly cy: number;
}

/**
 * Where a camera is in the world. Camera axes follow OpenCV/COLMAP: `x` right, `y` down, `z`
 * forward (the optical axis); depth is the camera-space `z`, metres.
 */
export interface CameraPose {
  /** Optical centre in world coordinates, metres. */
  readonly position: Point3;
  /** World-from-camera rotation: its columns are the camera's x, y and z axes in world coordinates. */
  readonly rotation: Matrix3;
}

/** A camera that took one image: image size, intrinsics and pose. */
export interface CameraView {
  /** Image size, pixels. */
  readonly width: number;
  readonly height: number;
  readonly intrinsics: PinholeIntrinsics;
  readonly pose: CameraPose;
}

/** A pixel position (continuous, see {@link PinholeIntrinsics}) with the camera-space depth of the point there, metres. */
export interface ProjectedPoint {
  readonly x: number;
  readonly y: number;
  /** Camera-space `z`, metres; ≤ 0 means behind the camera. */
  readonly depth: number;
}

/**
 * The world point seen at continuous pixel `(x, y)` at camera-space depth `depth` (metres):
 * `position + R · (depth · K⁻¹ [x, y, 1])`.
 */
export function unprojectPixel(view: CameraView, x: number, y: number, depth: number): Point3 {
  const { fx, fy, cx, cy } = view.intrinsics;
  const px = ((x - cx) / fx) * depth;
  const py = ((y - cy) / fy) * depth;
  const r = view.pose.rotation;
  const p = view.pose.position;
  return [
    p[0] + r[0] * px + r[1] * py + r[2] * depth,
    p[1] + r[3] * px + r[4] * py + r[5] * depth,
    p[2] + r[6] * px + r[7] * py + r[8] * depth,
  ];
}

/** Projects a world point into a camera: continuous pixel position and camera-space depth (metres). */
export function projectPoint(view: CameraView, point: Point3): ProjectedPoint {
  const r = view.pose.rotation;
  const p = view.pose.position;
  const dx = point[0] - p[0];
  const dy = point[1] - p[1];
  const dz = point[2] - p[2];
  // Camera coordinates are Rᵀ · (point − position).
  const xc = r[0] * dx + r[3] * dy + r[6] * dz;
  const yc = r[1] * dx + r[4] * dy + r[7] * dz;
  const zc = r[2] * dx + r[5] * dy + r[8] * dz;
  const { fx, fy, cx, cy } = view.intrinsics;
  return { x: cx + (fx * xc) / zc, y: cy + (fy * yc) / zc, depth: zc };
}

/**
 * Where the scene point seen at pixel centre `(i + 0.5, j + 0.5)` of `from` at depth `depth`
 * (metres) appears in `to`: its continuous pixel position there and its depth in `to`.
 */
export function reprojectPixel(from: CameraView, to: CameraView, i: number, j: number, depth: number): ProjectedPoint {
  return projectPoint(to, unprojectPixel(from, i + 0.5, j + 0.5, depth));
}

/**
 * The pose of camera `b` in the frame of camera `a`, as a rotation `R = R_aᵀ R_b` and the
 * position of `b`'s centre in `a`'s camera coordinates, metres.
 */
export function relativePose(a: CameraPose, b: CameraPose): CameraPose {
  const ra = a.rotation;
  const rb = b.rotation;
  const rotation = Array.from({ length: 9 }, (_, k) => {
    const row = Math.floor(k / 3);
    const col = k % 3;
    return ra[row] * rb[col] + ra[3 + row] * rb[3 + col] + ra[6 + row] * rb[6 + col];
  }) as unknown as Matrix3;
  const d = [b.position[0] - a.position[0], b.position[1] - a.position[1], b.position[2] - a.position[2]];
  const position: Point3 = [
    ra[0] * d[0] + ra[3] * d[1] + ra[6] * d[2],
    ra[1] * d[0] + ra[4] * d[1] + ra[7] * d[2],
    ra[2] * d[0] + ra[5] * d[1] + ra[8] * d[2],
  ];
  return { position, rotation };
}
