import { hazeAmount } from './shading.js';
import { backdropHeight } from './sky.js';
import {
  HIT_SIZE,
  HIT_T,
  RAY_DX,
  RAY_DY,
  RAY_DZ,
  RAY_OX,
  RAY_OY,
  RAY_OZ,
  RAY_SIZE,
  RAY_TMIN,
  intersectSolid,
} from './primitives.js';
import { occluderLists, screenBounds, type OccluderLists } from './scene-bounds.js';
import type { CompiledObject, CompiledScene } from './scene-compile.js';

/** Segment codes written by the tracer: sky, backdrop hills, ground, then objects from 3 up. */
export const SEGMENT_SKY = 0;
export const SEGMENT_BACKDROP = 1;
export const SEGMENT_GROUND = 2;
export const SEGMENT_FIRST_OBJECT = 3;

const HILL_TABLE_SIZE = 2048;
const SHADOW_BIAS = 1e-6;

/**
 * Casts primary and shadow rays through one compiled scene for an image of a given size. The
 * ray through screen point `(px, py)` is `d = forward + u·right + v·up` with
 * `u = (px - width/2) / f`, `v = (height/2 - py) / f`, so the ray parameter of a hit is its
 * camera-space depth. Use: {@link beginRow} once per row, then per pixel (left to right) set
 * `px` and `u`, call {@link trace} and read `hitT`/`hitSegment`. Numbers pass through fields
 * and typed arrays rather than arguments, so the hot loop boxes as few numbers as possible.
 */
export class SceneTracer {
  /** Focal length, pixels. */
  readonly focal: number;
  /** Half the image width, pixels: the screen x of the optical axis. */
  readonly halfWidth: number;
  /** Screen x of the ray to trace, pixels (set before `trace`). */
  px = 0.5;
  /** Horizontal ray component `(px - width/2) / f` (set before `trace`). */
  u = 0.5;
  /** Camera-space depth of the last traced ray's hit, metres (0 for sky). */
  hitT = 0.5;
  /** Segment code of the last traced ray. */
  hitSegment = SEGMENT_SKY;

  protected readonly s: CompiledScene;
  protected readonly objects: readonly CompiledObject[];
  private readonly originX: Float64Array;
  private readonly originZ: Float64Array;
  protected readonly lightX: Float64Array;
  protected readonly lightZ: Float64Array;
  private readonly rect: Float64Array;
  private readonly shadowRect: Float64Array;
  protected readonly occluders: OccluderLists;
  private readonly active: Int32Array;
  protected readonly activeShadow: Int32Array;
  protected readonly candidates: Int32Array;
  /** Screen-x span (from, to) of each active shadow caster's shade on the current row's ground. */
  protected readonly shadowSpan: Float64Array;
  /** Per active object: 0 not reached yet in this row, 1 being hit, 2 passed (a row cuts a convex solid in one span). */
  private readonly spanState: Uint8Array;
  private activeCount = 0;
  protected activeShadowCount = 0;
  private readonly hills: Float64Array;
  protected readonly ray = new Float64Array(RAY_SIZE);
  private readonly hit = new Float64Array(HIT_SIZE);
  protected readonly best = new Float64Array(HIT_SIZE);
  protected readonly pixelAngle: number;
  protected readonly shadows: boolean;

  protected rowPy = 0.5;
  protected rowDy = 0.5;
  protected rowDz = 0.5;
  protected rowDz2 = 0.5;
  protected groundT = 0.5;
  private groundU2 = 0.5;
  protected groundFootprint = 0.5;
  protected groundHaze = 0.5;
  private skyOnlyU2 = 0.5;

  protected hitObject = -1;
  protected localX = 0.5;
  protected localY = 0.5;
  protected localZ = 0.5;
  protected bearing = 0.5;
  protected bearingCos = 0.5;

  constructor(scene: CompiledScene, width: number, height: number, options: { shadows: boolean }) {
    this.s = scene;
    this.objects = scene.objects;
    this.shadows = options.shadows;
    this.focal = width / 2 / scene.tanHalfFov;
    this.halfWidth = width / 2;
    this.pixelAngle = 1 / this.focal;
    const n = scene.objects.length;
    this.originX = new Float64Array(n);
    this.originZ = new Float64Array(n);
    this.lightX = new Float64Array(n);
    this.lightZ = new Float64Array(n);
    scene.objects.forEach((o, i) => {
      this.originX[i] = o.cosYaw * -o.baseX - o.sinYaw * -o.baseZ;
      this.originZ[i] = o.sinYaw * -o.baseX + o.cosYaw * -o.baseZ;
      this.lightX[i] = o.cosYaw * scene.lx - o.sinYaw * scene.lz;
      this.lightZ[i] = o.sinYaw * scene.lx + o.cosYaw * scene.lz;
    });
    const bounds = screenBounds(scene, this.focal, width, height);
    this.rect = bounds.objects;
    this.shadowRect = bounds.shadows;
    this.occluders = occluderLists(scene);
    this.active = new Int32Array(n);
    this.activeShadow = new Int32Array(n);
    this.candidates = new Int32Array(n);
    this.shadowSpan = new Float64Array(n * 2);
    this.spanState = new Uint8Array(n);
    this.hills = new Float64Array(HILL_TABLE_SIZE + 1);
    for (let k = 0; k <= HILL_TABLE_SIZE; k++) this.hills[k] = backdropHeight(scene, (2 * k) / HILL_TABLE_SIZE - 1);
  }

  /**
   * Prepares row `py` (screen y of the rays) whose rays have vertical and forward components
   * `dy`, `dz`: the objects and shadow casters that can appear, and the ground hit shared by the row.
   */
  beginRow(py: number, dy: number, dz: number): void {
    const s = this.s;
    let a = 0;
    let b = 0;
    for (let i = 0; i < this.objects.length; i++) {
      const k = i * 4;
      if (py >= this.rect[k + 2] && py <= this.rect[k + 3]) this.active[a++] = i;
      if (py >= this.shadowRect[k + 2] && py <= this.shadowRect[k + 3]) this.activeShadow[b++] = i;
    }
    this.activeCount = a;
    this.spanState.fill(0);
    this.rowPy = py;
    this.rowDy = dy;
    this.rowDz = dz;
    this.rowDz2 = dz * dz;
    const R = s.backdropDistance;
    if (dy < 0) {
      // The ground is hit where the horizontal reach t·sqrt(u² + dz²) stays inside the backdrop ring.
      const t = -s.camHeight / dy;
      const reach = R / t;
      this.groundT = t;
      this.groundU2 = reach * reach - dz * dz;
      // Footprint and haze are taken at the centre column and shared by the row: along a row of
      // ground the depth is constant and the viewing angle changes little.
      const len = Math.sqrt(dy * dy + dz * dz);
      this.groundFootprint = (t * len * this.pixelAngle) / Math.sqrt(-dy / len);
      this.groundHaze = hazeAmount(t / s.hazeDistance);
      this.activeShadowCount = this.shadowSpans(b, t, t * dz);
    } else {
      this.groundT = 0;
      this.groundU2 = -1;
      this.activeShadowCount = 0;
    }
    // A rising ray passes over the highest hill top when its horizontal run to the ring,
    // sqrt(u² + dz²), is shorter than R·dy / rise.
    const run = (R * dy) / (s.backdropMax - s.camHeight);
    this.skyOnlyU2 = dy > 0 ? run * run - dz * dz : -1;
    this.ray[RAY_OY] = s.camHeight;
    this.ray[RAY_DY] = dy;
    this.ray[RAY_TMIN] = 0;
  }

  /**
   * Narrows the `count` shadow casters in `activeShadow` to those whose bounding sphere shades
   * part of this row's ground line `z = wz` (at depth `t`), storing each one's screen-x span;
   * returns how many remain. A ground point (x, 0, wz) is shaded when the sun ray from it passes
   * within the radius of the sphere centre: a quadratic inequality in x.
   */
  private shadowSpans(count: number, t: number, wz: number): number {
    const s = this.s;
    const half = this.halfWidth;
    let kept = 0;
    for (let k = 0; k < count; k++) {
      const i = this.activeShadow[k];
      const o = this.objects[i];
      const qx = o.baseX;
      const qy = o.centerY;
      const qz = o.baseZ - wz;
      const ql = qx * s.lx + qy * s.ly + qz * s.lz;
      const a = 1 - s.lx * s.lx;
      const b = 2 * (s.lx * ql - qx);
      const c = qx * qx + qy * qy + qz * qz - ql * ql - o.boundRadius * o.boundRadius;
      const disc = b * b - 4 * a * c;
      if (disc < 0) continue;
      const root = Math.sqrt(disc);
      const scale = this.focal / t;
      this.activeShadow[kept] = i;
      this.shadowSpan[kept * 2] = half + ((-b - root) / (2 * a)) * scale - 1;
      this.shadowSpan[kept * 2 + 1] = half + ((-b + root) / (2 * a)) * scale + 1;
      kept++;
    }
    return kept;
  }

  /** Finds the nearest hit of the ray at `px`/`u` in the current row; call in increasing `px`. */
  trace(): void {
    const s = this.s;
    const px = this.px;
    const u = this.u;
    const dz = this.rowDz;
    const ray = this.ray;
    const hit = this.hit;
    let nearest = Infinity;
    let found = -1;
    for (let k = 0; k < this.activeCount; k++) {
      const state = this.spanState[k];
      if (state === 2) continue;
      const i = this.active[k];
      if (px < this.rect[i * 4] || px > this.rect[i * 4 + 1]) continue;
      const o = this.objects[i];
      ray[RAY_OX] = this.originX[i];
      ray[RAY_OZ] = this.originZ[i];
      ray[RAY_DX] = o.cosYaw * u - o.sinYaw * dz;
      ray[RAY_DZ] = o.sinYaw * u + o.cosYaw * dz;
      if (!intersectSolid(o, ray, hit)) {
        if (state === 1) this.spanState[k] = 2;
        continue;
      }
      this.spanState[k] = 1;
      const t = hit[HIT_T];
      if (t < nearest) {
        nearest = t;
        found = i;
        this.best.set(hit);
        this.localX = ray[RAY_OX] + t * ray[RAY_DX];
        this.localY = s.camHeight + t * this.rowDy;
        this.localZ = ray[RAY_OZ] + t * ray[RAY_DZ];
      }
    }
    this.hitObject = found;
    if (found >= 0) {
      this.hitT = nearest;
      this.hitSegment = SEGMENT_FIRST_OBJECT + found;
      return;
    }
    const u2 = u * u;
    if (u2 < this.groundU2) {
      this.hitT = this.groundT;
      this.hitSegment = SEGMENT_GROUND;
      return;
    }
    if (u2 > this.skyOnlyU2) {
      const horizontal = Math.sqrt(u2 + this.rowDz2);
      const tw = s.backdropDistance / horizontal;
      const bearing = u / horizontal;
      if (s.camHeight + tw * this.rowDy < this.hillHeight(bearing)) {
        this.hitT = tw;
        this.hitSegment = SEGMENT_BACKDROP;
        this.bearing = bearing;
        this.bearingCos = dz / horizontal;
        return;
      }
    }
    this.hitT = 0;
    this.hitSegment = SEGMENT_SKY;
  }

  protected hillHeight(bearing: number): number {
    const x = (bearing + 1) * 0.5 * HILL_TABLE_SIZE;
    const i = x <= 0 ? 0 : x >= HILL_TABLE_SIZE - 1 ? HILL_TABLE_SIZE - 1 : x | 0;
    return this.hills[i] + (this.hills[i + 1] - this.hills[i]) * (x - i);
  }

  /**
   * Whether the ray from the world point in `ray[RAY_OX..RAY_OZ]` towards the sun hits one of the
   * objects `list[from..to)`; clobbers the ray buffer.
   */
  protected occluded(list: Int32Array, from: number, to: number): boolean {
    const s = this.s;
    const ray = this.ray;
    const x = ray[RAY_OX];
    const y = ray[RAY_OY];
    const z = ray[RAY_OZ];
    for (let k = from; k < to; k++) {
      const i = list[k];
      const o = this.objects[i];
      const ox = o.baseX - x;
      const oy = o.centerY - y;
      const oz = o.baseZ - z;
      const b = ox * s.lx + oy * s.ly + oz * s.lz;
      const c = ox * ox + oy * oy + oz * oz;
      const r2 = o.boundRadius * o.boundRadius;
      if ((b < 0 && c > r2) || c - b * b > r2) continue;
      const px = x - o.baseX;
      const pz = z - o.baseZ;
      ray[RAY_OX] = o.cosYaw * px - o.sinYaw * pz;
      ray[RAY_OY] = y;
      ray[RAY_OZ] = o.sinYaw * px + o.cosYaw * pz;
      ray[RAY_DX] = this.lightX[i];
      ray[RAY_DY] = s.ly;
      ray[RAY_DZ] = this.lightZ[i];
      ray[RAY_TMIN] = SHADOW_BIAS;
      const blocked = intersectSolid(o, ray, this.hit);
      ray[RAY_OX] = x;
      ray[RAY_OY] = y;
      ray[RAY_OZ] = z;
      if (blocked) return true;
    }
    return false;
  }

  /** Restores the primary-ray fields of the ray buffer after shadow rays used it. */
  protected restoreRay(): void {
    this.ray[RAY_OY] = this.s.camHeight;
    this.ray[RAY_DY] = this.rowDy;
    this.ray[RAY_TMIN] = 0;
  }
}
