import type { CompiledObject, CompiledScene } from './scene-compile.js';

/** Per-object screen rectangles, 4 numbers each: `x0, x1, y0, y1` in pixels, padded by 1 px. */
export interface ScreenBounds {
  /** Where each object can appear. */
  readonly objects: Float64Array;
  /** Where on the ground each object's shadow can fall. */
  readonly shadows: Float64Array;
}

type Corner = (k: number, out: Float64Array) => void;

/** Projects world point `p` in place to screen `(x, y)`; returns its camera-space depth (≥ 0.05 when projected). */
function project(s: CompiledScene, focal: number, width: number, height: number, p: Float64Array): number {
  // In the camera's horizontal axes (right, forward); exact for the scene's own camera.
  const rx = p[0] - s.camX;
  const rz = p[2] - s.camZ;
  const ax = s.camCos * rx - s.camSin * rz;
  const az = s.camSin * rx + s.camCos * rz;
  const ry = p[1] - s.camHeight;
  const zc = -ry * s.sinPitch + az * s.cosPitch;
  if (zc < 0.05) return zc;
  const yc = ry * s.cosPitch + az * s.sinPitch;
  p[0] = width / 2 + (focal * ax) / zc;
  p[1] = height / 2 - (focal * yc) / zc;
  return zc;
}

/**
 * Writes the padded screen rectangle of 8 world points (a box's corners): unbounded when some
 * are behind the camera, empty when all are (nothing inside the box can be seen).
 */
function cornersRect(s: CompiledScene, focal: number, width: number, height: number, corner: Corner, target: Float64Array, at: number): void {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  let behind = 0;
  const p = new Float64Array(3);
  for (let k = 0; k < 8; k++) {
    corner(k, p);
    if (project(s, focal, width, height, p) < 0.05) {
      behind++;
      continue;
    }
    minX = Math.min(minX, p[0]);
    maxX = Math.max(maxX, p[0]);
    minY = Math.min(minY, p[1]);
    maxY = Math.max(maxY, p[1]);
  }
  if (behind > 0 && behind < 8) {
    minX = minY = -Infinity;
    maxX = maxY = Infinity;
  }
  target[at] = minX - 1;
  target[at + 1] = maxX + 1;
  target[at + 2] = minY - 1;
  target[at + 3] = maxY + 1;
}

function objectCorners(o: CompiledObject): Corner {
  return (k, out) => {
    const lx = k & 1 ? o.a : -o.a;
    const lz = k & 4 ? o.c : -o.c;
    out[0] = o.baseX + o.cosYaw * lx + o.sinYaw * lz;
    out[1] = o.baseY + (k & 2 ? o.b : 0);
    out[2] = o.baseZ - o.sinYaw * lx + o.cosYaw * lz;
  };
}

/** The ground rectangle that can be shadowed by the object's bounding sphere. */
function shadowCorners(s: CompiledScene, o: CompiledObject): Corner {
  const reach = o.centerY / s.ly;
  const spread = o.boundRadius / s.ly;
  const gx = o.baseX - s.lx * reach;
  const gz = o.baseZ - s.lz * reach;
  const x0 = Math.min(gx - spread, o.baseX - o.boundRadius);
  const x1 = Math.max(gx + spread, o.baseX + o.boundRadius);
  const z0 = Math.min(gz - spread, o.baseZ - o.boundRadius);
  const z1 = Math.max(gz + spread, o.baseZ + o.boundRadius);
  return (k, out) => {
    out[0] = k & 1 ? x1 : x0;
    out[1] = 0;
    out[2] = k & 4 ? z1 : z0;
  };
}

/** Screen rectangles of every object and of the ground area its shadow can reach. */
export function screenBounds(s: CompiledScene, focal: number, width: number, height: number): ScreenBounds {
  const objects = new Float64Array(s.objects.length * 4);
  const shadows = new Float64Array(s.objects.length * 4);
  s.objects.forEach((o, i) => {
    cornersRect(s, focal, width, height, objectCorners(o), objects, i * 4);
    cornersRect(s, focal, width, height, shadowCorners(s, o), shadows, i * 4);
  });
  return { objects, shadows };
}

/** For object `i`, `list[start[i] .. start[i + 1])` are the other objects that can shadow it. */
export interface OccluderLists {
  readonly list: Int32Array;
  readonly start: Int32Array;
}

/**
 * For each object, the objects whose bounding spheres reach the sun-ward sweep of its bounding
 * sphere: the only ones that can cast a shadow on it.
 */
export function occluderLists(s: CompiledScene): OccluderLists {
  const lists = s.objects.map((a, index) => {
    const found: number[] = [];
    s.objects.forEach((b, j) => {
      if (j === index) return;
      const dx = b.baseX - a.baseX;
      const dy = b.centerY - a.centerY;
      const dz = b.baseZ - a.baseZ;
      const along = Math.max(0, dx * s.lx + dy * s.ly + dz * s.lz);
      const miss = Math.hypot(dx - along * s.lx, dy - along * s.ly, dz - along * s.lz);
      if (miss <= a.boundRadius + b.boundRadius) found.push(j);
    });
    return found;
  });
  const start = new Int32Array(lists.length + 1);
  lists.forEach((l, i) => (start[i + 1] = start[i] + l.length));
  return { list: Int32Array.from(lists.flat()), start };
}
