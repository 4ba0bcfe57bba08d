/**
 * Ray intersection with the scene's analytic solids, each in its own local frame: base centred
 * on the origin, standing on `y = 0`, `y` up. Rays are `o + t·d` with `d` not necessarily unit;
 * only entries from outside the solid count, and only at `t >= tMin`. Rays and hits travel in
 * `Float64Array`s rather than as arguments so the hot loop passes no boxed numbers.
 */

/** Layout of a ray buffer: origin, direction, minimum `t`. */
export const RAY_OX = 0;
export const RAY_OY = 1;
export const RAY_OZ = 2;
export const RAY_DX = 3;
export const RAY_DY = 4;
export const RAY_DZ = 5;
export const RAY_TMIN = 6;
/** Length of a ray buffer. */
export const RAY_SIZE = 7;

/** Layout of a hit buffer: entry `t`, then the outward unit normal. */
export const HIT_T = 0;
export const HIT_NX = 1;
export const HIT_NY = 2;
export const HIT_NZ = 3;
/** Length of a hit buffer. */
export const HIT_SIZE = 4;

/** Numeric codes of the solid shapes, used in the renderer's hot loop. */
export const SHAPE_BOX = 0;
export const SHAPE_SPHERE = 1;
export const SHAPE_CYLINDER = 2;
export const SHAPE_CONE = 3;
export const SHAPE_PYRAMID = 4;

/**
 * A solid in its local frame. `a` is the half-width along x (box half-x, radius, pyramid base
 * half-size), `b` the full height, `c` the half-depth along z (box only).
 */
export interface LocalSolid {
  readonly shape: number;
  readonly a: number;
  readonly b: number;
  readonly c: number;
}

/**
 * Intersects the local-frame ray in `ray` (see `RAY_*`) with a solid; on a hit writes the entry
 * `t` and outward unit normal into `hit` (see `HIT_*`) and returns true.
 */
export function intersectSolid(solid: LocalSolid, ray: Float64Array, hit: Float64Array): boolean {
  switch (solid.shape) {
    case SHAPE_BOX:
      return intersectBox(solid, ray, hit);
    case SHAPE_SPHERE:
      return intersectSphere(solid, ray, hit);
    case SHAPE_CYLINDER:
      return intersectCylinder(solid, ray, hit);
    case SHAPE_CONE:
      return intersectCone(solid, ray, hit);
    default:
      return intersectPyramid(solid, ray, hit);
  }
}

function intersectBox(solid: LocalSolid, ray: Float64Array, hit: Float64Array): boolean {
  const hx = solid.a;
  const hy = solid.b * 0.5;
  const hz = solid.c;
  const ox = ray[RAY_OX];
  const oy = ray[RAY_OY] - hy;
  const oz = ray[RAY_OZ];
  const dx = ray[RAY_DX];
  const dy = ray[RAY_DY];
  const dz = ray[RAY_DZ];
  let tNear = -Infinity;
  let tFar = Infinity;
  let axis = -1;
  let sign = 0;
  if (dx !== 0) {
    const inv = 1 / dx;
    let ta = (-hx - ox) * inv;
    let tb = (hx - ox) * inv;
    if (ta > tb) {
      const s = ta;
      ta = tb;
      tb = s;
    }
    if (ta > tNear) {
      tNear = ta;
      axis = 0;
      sign = dx > 0 ? -1 : 1;
    }
    if (tb < tFar) tFar = tb;
  } else if (ox < -hx || ox > hx) return false;
  if (dy !== 0) {
    const inv = 1 / dy;
    let ta = (-hy - oy) * inv;
    let tb = (hy - oy) * inv;
    if (ta > tb) {
      const s = ta;
      ta = tb;
      tb = s;
    }
    if (ta > tNear) {
      tNear = ta;
      axis = 1;
      sign = dy > 0 ? -1 : 1;
    }
    if (tb < tFar) tFar = tb;
  } else if (oy < -hy || oy > hy) return false;
  if (dz !== 0) {
    const inv = 1 / dz;
    let ta = (-hz - oz) * inv;
    let tb = (hz - oz) * inv;
    if (ta > tb) {
      const s = ta;
      ta = tb;
      tb = s;
    }
    if (ta > tNear) {
      tNear = ta;
      axis = 2;
      sign = dz > 0 ? -1 : 1;
    }
    if (tb < tFar) tFar = tb;
  } else if (oz < -hz || oz > hz) return false;
  if (axis < 0 || tNear > tFar || tNear < ray[RAY_TMIN]) return false;
  hit[HIT_T] = tNear;
  hit[HIT_NX] = axis === 0 ? sign : 0;
  hit[HIT_NY] = axis === 1 ? sign : 0;
  hit[HIT_NZ] = axis === 2 ? sign : 0;
  return true;
}

function intersectSphere(solid: LocalSolid, ray: Float64Array, hit: Float64Array): boolean {
  const r = solid.a;
  const ox = ray[RAY_OX];
  const oy = ray[RAY_OY] - r;
  const oz = ray[RAY_OZ];
  const dx = ray[RAY_DX];
  const dy = ray[RAY_DY];
  const dz = ray[RAY_DZ];
  const a = dx * dx + dy * dy + dz * dz;
  const b = ox * dx + oy * dy + oz * dz;
  const c = ox * ox + oy * oy + oz * oz - r * r;
  if (c <= 0) return false;
  const disc = b * b - a * c;
  if (disc < 0 || b >= 0) return false;
  const t = (-b - Math.sqrt(disc)) / a;
  if (t < ray[RAY_TMIN]) return false;
  const inv = 1 / r;
  hit[HIT_T] = t;
  hit[HIT_NX] = (ox + t * dx) * inv;
  hit[HIT_NY] = (oy + t * dy) * inv;
  hit[HIT_NZ] = (oz + t * dz) * inv;
  return true;
}

function intersectCylinder(solid: LocalSolid, ray: Float64Array, hit: Float64Array): boolean {
  const r = solid.a;
  const h = solid.b;
  const ox = ray[RAY_OX];
  const oy = ray[RAY_OY];
  const oz = ray[RAY_OZ];
  const dx = ray[RAY_DX];
  const dy = ray[RAY_DY];
  const dz = ray[RAY_DZ];
  const tMin = ray[RAY_TMIN];
  let best = Infinity;
  const a = dx * dx + dz * dz;
  if (a > 0) {
    const b = ox * dx + oz * dz;
    const c = ox * ox + oz * oz - r * r;
    const disc = b * b - a * c;
    if (disc >= 0 && c > 0) {
      const t = (-b - Math.sqrt(disc)) / a;
      const y = oy + t * dy;
      if (t >= tMin && y >= 0 && y <= h) {
        best = t;
        hit[HIT_NX] = (ox + t * dx) / r;
        hit[HIT_NY] = 0;
        hit[HIT_NZ] = (oz + t * dz) / r;
      }
    }
  }
  if (dy !== 0) {
    const capY = dy < 0 ? h : 0;
    const t = (capY - oy) / dy;
    if (t >= tMin && t < best) {
      const x = ox + t * dx;
      const z = oz + t * dz;
      if (x * x + z * z <= r * r) {
        best = t;
        hit[HIT_NX] = 0;
        hit[HIT_NY] = dy < 0 ? 1 : -1;
        hit[HIT_NZ] = 0;
      }
    }
  }
  hit[HIT_T] = best;
  return best < Infinity;
}

function intersectCone(solid: LocalSolid, ray: Float64Array, hit: Float64Array): boolean {
  const r = solid.a;
  const h = solid.b;
  const ox = ray[RAY_OX];
  const oy = ray[RAY_OY];
  const oz = ray[RAY_OZ];
  const dx = ray[RAY_DX];
  const dy = ray[RAY_DY];
  const dz = ray[RAY_DZ];
  const tMin = ray[RAY_TMIN];
  let best = Infinity;
  const k2 = (r / h) * (r / h);
  const w = h - oy;
  const a = dx * dx + dz * dz - k2 * dy * dy;
  const b = ox * dx + oz * dz + k2 * w * dy;
  const c = ox * ox + oz * oz - k2 * w * w;
  if (a !== 0) {
    const disc = b * b - a * c;
    if (disc >= 0) {
      const sq = Math.sqrt(disc);
      const t1 = (-b - sq) / a;
      const t2 = (-b + sq) / a;
      for (let i = 0; i < 2; i++) {
        const t = i === 0 ? t1 : t2;
        if (t < tMin || t >= best) continue;
        const y = oy + t * dy;
        if (y < 0 || y > h) continue;
        const x = ox + t * dx;
        const z = oz + t * dz;
        const ny = k2 * (h - y);
        // Only an entry point counts: the outward normal must face against the ray.
        if (x * dx + ny * dy + z * dz >= 0) continue;
        const len = Math.sqrt(x * x + ny * ny + z * z);
        if (len === 0) continue;
        best = t;
        hit[HIT_NX] = x / len;
        hit[HIT_NY] = ny / len;
        hit[HIT_NZ] = z / len;
      }
    }
  }
  if (dy > 0) {
    const t = -oy / dy;
    if (t >= tMin && t < best) {
      const x = ox + t * dx;
      const z = oz + t * dz;
      if (x * x + z * z <= r * r) {
        best = t;
        hit[HIT_NX] = 0;
        hit[HIT_NY] = -1;
        hit[HIT_NZ] = 0;
      }
    }
  }
  hit[HIT_T] = best;
  return best < Infinity;
}

function intersectPyramid(solid: LocalSolid, ray: Float64Array, hit: Float64Array): boolean {
  const s = solid.a;
  const h = solid.b;
  const ox = ray[RAY_OX];
  const oy = ray[RAY_OY];
  const oz = ray[RAY_OZ];
  const dx = ray[RAY_DX];
  const dy = ray[RAY_DY];
  const dz = ray[RAY_DZ];
  let tNear = -Infinity;
  let tFar = Infinity;
  let face = -1;
  // Faces as half-spaces n·p <= e: the four slanted sides, then the base.
  for (let f = 0; f < 5; f++) {
    let nx = 0;
    let ny = -1;
    let nz = 0;
    let e = 0;
    if (f < 4) {
      ny = s;
      e = h * s;
      if (f === 0) nx = h;
      else if (f === 1) nx = -h;
      else if (f === 2) nz = h;
      else nz = -h;
    }
    const denom = nx * dx + ny * dy + nz * dz;
    const num = e - (nx * ox + ny * oy + nz * oz);
    if (denom === 0) {
      if (num < 0) return false;
      continue;
    }
    const t = num / denom;
    if (denom < 0) {
      if (t > tNear) {
        tNear = t;
        face = f;
      }
    } else if (t < tFar) tFar = t;
  }
  if (face < 0 || tNear > tFar || tNear < ray[RAY_TMIN]) return false;
  hit[HIT_T] = tNear;
  if (face === 4) {
    hit[HIT_NX] = 0;
    hit[HIT_NY] = -1;
    hit[HIT_NZ] = 0;
  } else {
    const len = Math.sqrt(h * h + s * s);
    hit[HIT_NX] = face === 0 ? h / len : face === 1 ? -h / len : 0;
    hit[HIT_NY] = s / len;
    hit[HIT_NZ] = face === 2 ? h / len : face === 3 ? -h / len : 0;
  }
  return true;
}

/**
 * Whether a local-frame point lies inside the solid (surface included, with tolerance `eps`
 * metres); used to check intersections.
 */
export function insideSolid(solid: LocalSolid, x: number, y: number, z: number, eps: number): boolean {
  const { a, b, c } = solid;
  switch (solid.shape) {
    case SHAPE_BOX:
      return Math.abs(x) <= a + eps && y >= -eps && y <= b + eps && Math.abs(z) <= c + eps;
    case SHAPE_SPHERE:
      return Math.sqrt(x * x + (y - a) * (y - a) + z * z) <= a + eps;
    case SHAPE_CYLINDER:
      return Math.sqrt(x * x + z * z) <= a + eps && y >= -eps && y <= b + eps;
    case SHAPE_CONE:
      return y >= -eps && y <= b + eps && Math.sqrt(x * x + z * z) <= (a * (b - y)) / b + eps;
    default:
      return y >= -eps && Math.abs(x) <= (a * (b - y)) / b + eps && Math.abs(z) <= (a * (b - y)) / b + eps;
  }
}
