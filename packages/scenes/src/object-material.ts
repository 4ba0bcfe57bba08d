import { detailWeight, fbm3, filteredPulse, hash2 } from './noise.js';
import type { CompiledObject } from './scene-compile.js';
import { mixInto, smoothstep } from './shading.js';

const OBJECT_W = 7;
const OBJECT_GRIME = 8;
const OBJECT_INV = 9;

/**
 * Linear albedo of an object at local point `io[0..2]` metres with local unit normal `io[3..5]`,
 * filtered for a footprint of `io[6]` metres; written into the colour slots of `io`.
 */
export function objectAlbedo(o: CompiledObject, io: Float64Array): void {
  const inv = 1 / o.textureScale;
  io[OBJECT_INV] = inv;
  io[OBJECT_W] = io[6] * inv;
  // Darker near the ground: soft contact occlusion and grime.
  io[OBJECT_GRIME] = 0.55 + 0.45 * smoothstep(0, Math.min(0.6, o.b * 0.4), io[1]);
  switch (o.texture) {
    case 0:
      stripes(o, io);
      return;
    case 1:
      dots(o, io);
      return;
    case 2:
      noise(o, io);
      return;
    case 3:
      gradient(o, io);
      return;
    default:
      checker(o, io);
  }
}

function stripes(o: CompiledObject, io: Float64Array): void {
  const t = (io[0] * o.axis[0] + io[1] * o.axis[1] + io[2] * o.axis[2]) * io[OBJECT_INV];
  mixInto(io, o.albedo, filteredPulse(t, io[OBJECT_W], 0.5), io[OBJECT_GRIME]);
}

/** Jittered polka dots on the plane facing the normal's dominant axis. */
function dots(o: CompiledObject, io: Float64Array): void {
  const ax = Math.abs(io[3]);
  const ay = Math.abs(io[4]);
  const az = Math.abs(io[5]);
  const alongX = ax >= ay && ax >= az;
  const p = alongX ? io[1] : io[0];
  const q = alongX || ay >= az ? io[2] : io[1];
  const inv = io[OBJECT_INV];
  const w = io[OBJECT_W];
  const pu = p * inv + 0.5;
  const qv = q * inv + 0.5;
  const cu = Math.floor(pu);
  const cv = Math.floor(qv);
  const du = pu - cu - 0.5 + (hash2(cu, cv, o.salt) - 0.5) * 0.3;
  const dv = qv - cv - 0.5 + (hash2(cu, cv, o.salt + 1) - 0.5) * 0.3;
  const soft = w > 0.03 ? w : 0.03;
  const dot = 1 - smoothstep(0.28 - soft, 0.28 + soft, Math.sqrt(du * du + dv * dv));
  const fade = detailWeight(1, w);
  mixInto(io, o.albedo, dot * fade + 0.25 * (1 - fade), io[OBJECT_GRIME]);
}

function noise(o: CompiledObject, io: Float64Array): void {
  const inv = io[OBJECT_INV];
  const n = fbm3(io[0] * inv, io[1] * inv, io[2] * inv, o.salt, 2, io[OBJECT_W]);
  mixInto(io, o.albedo, smoothstep(0.32, 0.68, n), io[OBJECT_GRIME]);
}

function gradient(o: CompiledObject, io: Float64Array): void {
  const inv = io[OBJECT_INV] * 3;
  const n = fbm3(io[0] * inv, io[1] * inv, io[2] * inv, o.salt, 1, io[OBJECT_W] * 3);
  mixInto(io, o.albedo, smoothstep(0, o.b, io[1]), io[OBJECT_GRIME] * (0.8 + 0.4 * n));
}

function checker(o: CompiledObject, io: Float64Array): void {
  const inv = io[OBJECT_INV];
  const w = io[OBJECT_W];
  const fx = filteredPulse(io[0] * inv + 0.25, w, 0.5);
  const fy = filteredPulse(io[1] * inv, w, 0.5);
  const fz = filteredPulse(io[2] * inv + 0.25, w, 0.5);
  const xy = fx * (1 - fy) + fy * (1 - fx);
  mixInto(io, o.albedo, xy * (1 - fz) + fz * (1 - xy), io[OBJECT_GRIME]);
}
