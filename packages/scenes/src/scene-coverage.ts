import { HIT_SIZE, RAY_DX, RAY_DY, RAY_DZ, RAY_OX, RAY_OY, RAY_OZ, RAY_SIZE, RAY_TMIN, intersectSolid } from './primitives.js';
import { screenBounds } from './scene-bounds.js';
import { compileScene } from './scene-compile.js';
import { checkLayout } from './scene-check.js';
import { SceneError } from './errors.js';
import type { SceneMeta } from './scene-types.js';

/** Where one object would show if nothing stood in front of it. */
export interface ObjectSilhouette {
  /** Pixels whose centre ray hits the object, other objects ignored (inside the image only). */
  readonly pixels: number;
  /** Bounding box of those pixels, `[x0, x1)` × `[y0, y1)`, or null when none. */
  readonly box: { readonly x0: number; readonly y0: number; readonly x1: number; readonly y1: number } | null;
  /** Mean pixel centre of those pixels (NaN when none). */
  readonly centroidX: number;
  readonly centroidY: number;
  /** True when the silhouette touches the image border, so part of the object may lie outside the image. */
  readonly clipped: boolean;
}

/**
 * The silhouette of every object of a scene at a given image size as if it stood alone, traced
 * with the renderer's own rays: `pixels` minus the object's pixels in the rendered segment map
 * is how much of it other objects hide. Cheap: only each object's screen rectangle is traced.
 */
export function objectSilhouettes(meta: SceneMeta, size: { readonly width: number; readonly height: number }): ObjectSilhouette[] {
  const { width, height } = size;
  for (const [name, value] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(value) || value < 1 || value > 8192) throw new SceneError('invalid-size', `${name} must be an integer from 1 to 8192, got ${String(value)}`);
  }
  checkLayout(meta);
  const scene = compileScene(meta);
  const focal = width / 2 / scene.tanHalfFov;
  const cx = width / 2;
  const cy = height / 2;
  const rect = screenBounds(scene, focal, width, height).objects;
  const ray = new Float64Array(RAY_SIZE);
  const hit = new Float64Array(HIT_SIZE);
  ray[RAY_TMIN] = 0;
  return scene.objects.map((o, i) => {
    let pixels = 0;
    let sumX = 0;
    let sumY = 0;
    let x0 = width;
    let y0 = height;
    let x1 = 0;
    let y1 = 0;
    const from = rect[i * 4];
    const to = rect[i * 4 + 1];
    // The same ray set-up as the renderer's tracer, so that visible pixels are a subset of these.
    ray[RAY_OX] = o.cosYaw * -o.baseX - o.sinYaw * -o.baseZ;
    ray[RAY_OY] = scene.camHeight - o.baseY;
    ray[RAY_OZ] = o.sinYaw * -o.baseX + o.cosYaw * -o.baseZ;
    const rowFrom = Math.max(0, Math.floor(rect[i * 4 + 2] - 0.5));
    const rowTo = Math.min(height - 1, Math.ceil(rect[i * 4 + 3]));
    for (let y = rowFrom; y <= rowTo; y++) {
      const py = y + 0.5;
      if (py < rect[i * 4 + 2] || py > rect[i * 4 + 3]) continue;
      const v = (cy - py) / focal;
      const dy = -scene.sinPitch + v * scene.cosPitch;
      const dz = scene.cosPitch + v * scene.sinPitch;
      ray[RAY_DY] = dy;
      const guess = Math.ceil(from - 0.5) - 1;
      const start = guess > 0 ? (guess < width ? guess : width) : 0;
      let entered = false;
      for (let x = start; x < width; x++) {
        const px = x + 0.5;
        if (px < from) continue;
        if (px > to) break;
        const u = (px - cx) / focal;
        ray[RAY_DX] = o.cosYaw * u - o.sinYaw * dz;
        ray[RAY_DZ] = o.sinYaw * u + o.cosYaw * dz;
        if (!intersectSolid(o, ray, hit)) {
          if (entered) break;
          continue;
        }
        entered = true;
        pixels++;
        sumX += px;
        sumY += py;
        if (x < x0) x0 = x;
        if (x + 1 > x1) x1 = x + 1;
        if (y < y0) y0 = y;
        if (y + 1 > y1) y1 = y + 1;
      }
    }
    const box = pixels > 0 ? { x0, y0, x1, y1 } : null;
    const clipped = box !== null && (x0 === 0 || y0 === 0 || x1 === width || y1 === height);
    return { pixels, box, centroidX: pixels > 0 ? sumX / pixels : Number.NaN, centroidY: pixels > 0 ? sumY / pixels : Number.NaN, clipped };
  });
}
