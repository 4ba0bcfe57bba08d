import { hazeAmount } from './shading.js';
import { backdropHeight } from './sky.js';
import {
  HIT_NX,
  HIT_NY,
  HIT_NZ,
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
/** Marks a column no object has claimed yet while a row is traced. */
const SEGMENT_NONE = 255;

const HILL_TABLE_SIZE = 2048;
const SHADOW_BIAS = 1e-6;

/**
 * Casts primary and shadow rays through one compiled scene for an image of a given size. The
 * ray through screen point `(px, py)` is `d = forward + u·right + v·up` with
 * `u = (px - width/2) / f`, `v = (height/2 - py) / f`, so the ray parameter of a hit is its
 * camera-space depth. A row's rays are given in the camera's own horizontal axes: `u` along
 * `right` and `dz` along the horizontal forward direction (world x and z for the scene's own
 * camera). Use: {@link beginRow} once per row, then {@link traceRow} and read the per-column
 * results `rowSeg`/`rowT`. Numbers pass through fields and typed arrays rather than arguments, so
 * the hot loop boxes as few numbers as possible.
 */
export class SceneTracer {
  /** Focal length, pixels. */
  readonly focal: number;
  /** Sine and cosine of the camera's downward pitch. */
  readonly sinPitch: number;
  readonly cosPitch: number;
  /** Half the image width, pixels: the screen x of the optical axis. */
  readonly halfWidth: number;
  /** Image width, pixels. */
  readonly width: number;
  /** Per column of the last traced row: the ray's horizontal component `(px - width/2) / f`. */
  readonly rowU: Float64Array;
  /** Per column of the last traced row: the segment code of the hit. */
  readonly rowSeg: Uint8Array;
  /** Per column of the last traced row: camera-space depth of the hit, metres (0 for sky). */
  readonly rowT: Float64Array;
  /** How many columns of the last traced row see the sky. */
  skyColumns = 0;
  /**
   * Six numbers per column of the last traced row: for an object the local hit point and local
   * unit normal; for the hills the sine and cosine of the bearing of the hit from the ring's
   * centre (world x and z over the ring's radius).
   */
  protected readonly rowHit: Float64Array;
  /** Whether the camera stands at the centre of the ring of hills looking along +z (the scene's own camera). */
  protected readonly centred: boolean;

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
  private activeCount = 0;
  protected activeShadowCount = 0;
  private readonly hills: Float64Array;
  protected readonly ray = new Float64Array(RAY_SIZE);
  private readonly hit = new Float64Array(HIT_SIZE);
  protected readonly pixelAngle: number;
  protected readonly shadows: boolean;

  protected rowPy = 0.5;
  protected rowDy = 0.5;
  protected rowDz = 0.5;
  protected rowDz2 = 0.5;
  protected groundT = 0.5;
  private groundU2 = 0.5;
  /** Screen `u` of the middle of the row's ground span (0 when the camera is centred). */
  private groundU0 = 0.5;
  /** World x and z of the row's ground point at `u = 0`, and their change per unit of `u`. */
  protected groundX0 = 0.5;
  protected groundZ0 = 0.5;
  protected groundXu = 0.5;
  protected groundZu = 0.5;
  protected groundFootprint = 0.5;
  protected groundHaze = 0.5;
  private skyOnlyU2 = 0.5;
  /** Screen-x offset `rowU` was last computed for (NaN: never). */
  private uOffset = Number.NaN;


  constructor(scene: CompiledScene, width: number, height: number, options: { shadows: boolean }) {
    this.s = scene;
    this.objects = scene.objects;
    this.shadows = options.shadows;
    this.focal = width / 2 / scene.tanHalfFov;
    this.halfWidth = width / 2;
    this.sinPitch = scene.sinPitch;
    this.cosPitch = scene.cosPitch;
    this.width = width;
    this.rowU = new Float64Array(width);
    this.rowSeg = new Uint8Array(width);
    this.rowT = new Float64Array(width);
    this.rowHit = new Float64Array(width * 6);
    this.pixelAngle = 1 / this.focal;
    // Only then are the row's horizontal axes the world's, so bearings read straight off the ray.
    this.centred = scene.camX === 0 && scene.camZ === 0 && scene.camSin === 0;
    const n = scene.objects.length;
    this.originX = new Float64Array(n);
    this.originZ = new Float64Array(n);
    this.lightX = new Float64Array(n);
    this.lightZ = new Float64Array(n);
    scene.objects.forEach((o, i) => {
      // The camera in the object's local frame; written so a camera at the origin gives -baseX, -baseZ exactly.
      const rx = -(o.baseX - scene.camX);
      const rz = -(o.baseZ - scene.camZ);
      this.originX[i] = o.cosYaw * rx - o.sinYaw * rz;
      this.originZ[i] = o.sinYaw * rx + o.cosYaw * rz;
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
    this.rowPy = py;
    this.rowDy = dy;
    this.rowDz = dz;
    this.rowDz2 = dz * dz;
    const R = s.backdropDistance;
    if (dy < 0) {
      const t = -s.camHeight / dy;
      this.groundT = t;
      // World position of the row's ground points: (groundX0 + groundXu·u, groundZ0 + groundZu·u).
      this.groundX0 = s.camX + t * s.camSin * dz;
      this.groundZ0 = s.camZ + t * s.camCos * dz;
      this.groundXu = t * s.camCos;
      this.groundZu = -t * s.camSin;
      if (this.centred) {
        // The ground is hit where the horizontal reach t·sqrt(u² + dz²) stays inside the backdrop ring.
        const reach = R / t;
        this.groundU0 = 0;
        this.groundU2 = reach * reach - dz * dz;
      } else {
        // |P0 + t·u·right|² < R² with P0 the ground point at u = 0: a quadratic in u.
        const along = (this.groundX0 * s.camCos - this.groundZ0 * s.camSin) / t;
        this.groundU0 = -along;
        this.groundU2 = (R * R - this.groundX0 * this.groundX0 - this.groundZ0 * this.groundZ0) / (t * t) + along * along;
      }
      // Footprint and haze are taken at the centre column and shared by the row: along a row of
      // ground the depth is constant and the viewing angle changes little.
      const len = Math.sqrt(dy * dy + dz * dz);
      this.groundFootprint = (t * len * this.pixelAngle) / Math.sqrt(-dy / len);
      this.groundHaze = hazeAmount(t / s.hazeDistance);
      this.activeShadowCount = this.shadowSpans(b, t);
    } else {
      this.groundT = 0;
      this.groundU0 = 0;
      this.groundU2 = -1;
      this.activeShadowCount = 0;
    }
    // A rising ray passes over the highest hill top when its horizontal run to the ring,
    // sqrt(u² + dz²), is shorter than R·dy / rise; away from the centre every column is tested.
    const run = (R * dy) / (s.backdropMax - s.camHeight);
    this.skyOnlyU2 = dy > 0 && this.centred ? run * run - dz * dz : -1;
    this.ray[RAY_OY] = s.camHeight;
    this.ray[RAY_DY] = dy;
    this.ray[RAY_TMIN] = 0;
  }

  /**
   * Narrows the `count` shadow casters in `activeShadow` to those whose bounding sphere shades
   * part of this row's ground line (at depth `t`), storing each one's screen-x span; returns how
   * many remain. A ground point `P0 + s·right` (`s = t·u` metres along the camera's right axis) is
   * shaded when the sun ray from it passes within the radius of the sphere centre: a quadratic
   * inequality in `s`.
   */
  private shadowSpans(count: number, t: number): number {
    const s = this.s;
    const half = this.halfWidth;
    const lr = s.viewLx;
    let kept = 0;
    for (let k = 0; k < count; k++) {
      const i = this.activeShadow[k];
      const o = this.objects[i];
      const qx = o.baseX - this.groundX0;
      const qy = o.centerY;
      const qz = o.baseZ - this.groundZ0;
      const ql = qx * s.lx + qy * s.ly + qz * s.lz;
      const qr = s.camCos * qx - s.camSin * qz;
      const a = 1 - lr * lr;
      const b = 2 * (lr * ql - qr);
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

  /**
   * Traces the current row's rays at screen x `x + 0.5 + offset` for every column `x`, leaving
   * per column `rowU`, `rowSeg`, `rowT` and, for objects and hills, `rowHit`. Objects are traced
   * one at a time over their screen span, then the remaining columns see ground, hills or sky.
   */
  traceRow(offset: number): void {
    const s = this.s;
    const width = this.width;
    const dy = this.rowDy;
    const dz = this.rowDz;
    const dz2 = this.rowDz2;
    const camHeight = s.camHeight;
    const rowU = this.rowU;
    const rowSeg = this.rowSeg;
    const rowT = this.rowT;
    const rowHit = this.rowHit;
    if (offset !== this.uOffset) {
      const cx = this.halfWidth;
      const f = this.focal;
      for (let x = 0; x < width; x++) rowU[x] = (x + 0.5 + offset - cx) / f;
      this.uOffset = offset;
    }
    rowSeg.fill(SEGMENT_NONE);
    if (this.activeCount > 0) this.traceObjects(offset);
    const groundU2 = this.groundU2;
    const groundU0 = this.groundU0;
    const groundT = this.groundT;
    const skyOnlyU2 = this.skyOnlyU2;
    const R = s.backdropDistance;
    const centred = this.centred;
    let sky = 0;
    for (let x = 0; x < width; x++) {
      if (rowSeg[x] !== SEGMENT_NONE) continue;
      const u = rowU[x];
      const u2 = u * u;
      const g = u - groundU0;
      if (g * g < groundU2) {
        rowT[x] = groundT;
        rowSeg[x] = SEGMENT_GROUND;
        continue;
      }
      if (u2 > skyOnlyU2) {
        if (centred) {
          const horizontal = Math.sqrt(u2 + dz2);
          const tw = R / horizontal;
          const bearing = u / horizontal;
          if (camHeight + tw * dy < this.hillHeight(bearing)) {
            rowT[x] = tw;
            rowSeg[x] = SEGMENT_BACKDROP;
            rowHit[x * 6] = bearing;
            rowHit[x * 6 + 1] = dz / horizontal;
            continue;
          }
        } else if (this.traceRing(x, u, dy, dz)) {
          continue;
        }
      }
      rowT[x] = 0;
      rowSeg[x] = SEGMENT_SKY;
      sky++;
    }
    this.skyColumns = sky;
  }

  /**
   * For a camera away from the ring's centre: whether column `x` (ray `u·right + dy·up + dz·forward`
   * in the camera's axes) hits the hills, and if so records the hit. The ray meets the ring
   * `|C + τ·h| = R` (`C` the camera's ground position, `h` the ray's horizontal part) at the
   * positive root `τ`, which is also the hit's camera-space depth.
   */
  private traceRing(x: number, u: number, dy: number, dz: number): boolean {
    const s = this.s;
    const hx = s.camCos * u + s.camSin * dz;
    const hz = s.camCos * dz - s.camSin * u;
    const a = hx * hx + hz * hz;
    const b = s.camX * hx + s.camZ * hz;
    const c = s.camX * s.camX + s.camZ * s.camZ - s.backdropDistance * s.backdropDistance;
    const tau = (-b + Math.sqrt(b * b - a * c)) / a;
    const sinB = (s.camX + tau * hx) / s.backdropDistance;
    if (s.camHeight + tau * dy >= this.hillHeight(sinB)) return false;
    this.rowT[x] = tau;
    this.rowSeg[x] = SEGMENT_BACKDROP;
    this.rowHit[x * 6] = sinB;
    this.rowHit[x * 6 + 1] = (s.camZ + tau * hz) / s.backdropDistance;
    return true;
  }

  /**
   * Intersects each active object with the rays of the columns inside its screen rectangle,
   * keeping the nearest hit per column in `rowT`/`rowSeg`/`rowHit` (the hit point in the object's
   * own frame). A row cuts a convex solid in one span, so an object's scan stops at the first miss
   * after a hit.
   */
  private traceObjects(offset: number): void {
    const width = this.width;
    const dz = this.rowDz;
    const dy = this.rowDy;
    const camHeight = this.s.camHeight;
    const ray = this.ray;
    const hit = this.hit;
    const rect = this.rect;
    const objects = this.objects;
    const originX = this.originX;
    const originZ = this.originZ;
    const rowU = this.rowU;
    const rowSeg = this.rowSeg;
    const rowT = this.rowT;
    const rowHit = this.rowHit;
    const first = 0.5 + offset;
    for (let k = 0; k < this.activeCount; k++) {
      const i = this.active[k];
      const from = rect[i * 4];
      const to = rect[i * 4 + 1];
      // Start a column early and let the exact test below decide, so rounding cannot drop a column.
      const guess = Math.ceil(from - first) - 1;
      const x0 = guess > 0 ? (guess < width ? guess : width) : 0;
      const o = objects[i];
      const code = SEGMENT_FIRST_OBJECT + i;
      // The camera's height above the object's base: the local ray origin's y.
      const originY = camHeight - o.baseY;
      ray[RAY_OX] = originX[i];
      ray[RAY_OY] = originY;
      ray[RAY_OZ] = originZ[i];
      let entered = false;
      for (let x = x0; x < width; x++) {
        const px = x + first;
        if (px < from) continue;
        if (px > to) break;
        const u = rowU[x];
        const rdx = o.viewCos * u - o.viewSin * dz;
        const rdz = o.viewSin * u + o.viewCos * dz;
        ray[RAY_DX] = rdx;
        ray[RAY_DZ] = rdz;
        if (!intersectSolid(o, ray, hit)) {
          if (entered) break;
          continue;
        }
        entered = true;
        const t = hit[HIT_T];
        if (rowSeg[x] === SEGMENT_NONE || t < rowT[x]) {
          rowT[x] = t;
          rowSeg[x] = code;
          const h = x * 6;
          rowHit[h] = originX[i] + t * rdx;
          rowHit[h + 1] = originY + t * dy;
          rowHit[h + 2] = originZ[i] + t * rdz;
          rowHit[h + 3] = hit[HIT_NX];
          rowHit[h + 4] = hit[HIT_NY];
          rowHit[h + 5] = hit[HIT_NZ];
        }
      }
    }
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
      ray[RAY_OY] = y - o.baseY;
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
