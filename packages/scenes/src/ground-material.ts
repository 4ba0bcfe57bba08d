import { addNoiseLayer, detailWeight, filteredPulse, hash2, noiseAlongLine } from './noise.js';
import type { CompiledScene } from './scene-compile.js';
import { smoothstep } from './shading.js';

/** Per-column scratch rows used by {@link groundAlbedoRow}; see {@link createGroundScratch}. */
export interface GroundScratch {
  /** World x and z, then texture coordinates u and v, per column. */
  readonly wx: Float64Array;
  readonly wz: Float64Array;
  readonly u: Float64Array;
  readonly v: Float64Array;
  /** Noise layers per column: the slow patches, then up to three pattern layers. */
  readonly patch: Float64Array;
  readonly n1: Float64Array;
  readonly n2: Float64Array;
  readonly n3: Float64Array;
}

/** Scratch rows for {@link groundAlbedoRow} on an image `width` pixels wide. */
export function createGroundScratch(width: number): GroundScratch {
  const row = (): Float64Array => new Float64Array(width);
  return { wx: row(), wz: row(), u: row(), v: row(), patch: row(), n1: row(), n2: row(), n3: row() };
}

/**
 * Linear albedo of the ground for the columns `x0..x1-1` of one image row: column `x` sees the
 * world ground point `(gx0 + gxu · rowU[x], gz0 + gzu · rowU[x])`, metres (for the scene's own
 * camera `gzu` is 0: the row lies on one line `z = gz0`). Textures are box-filtered for a pixel
 * footprint of `footprint` metres, shared by the row, so every footprint fade is computed once
 * per call. Writes `out[3x..3x+2]`.
 */
export function groundAlbedoRow(
  s: CompiledScene,
  rowU: Float64Array,
  x0: number,
  x1: number,
  gx0: number,
  gxu: number,
  gz0: number,
  gzu: number,
  footprint: number,
  scratch: GroundScratch,
  out: Float64Array,
): void {
  const inv = 1 / s.groundScale;
  const cu = s.groundCos * inv;
  const su = s.groundSin * inv;
  const { wx, wz, u, v } = scratch;
  if (gzu === 0) {
    // The row lies on one line z = gz0.
    const u0 = s.groundOffsetU - su * gz0;
    const v0 = s.groundOffsetV + cu * gz0;
    for (let x = x0; x < x1; x++) {
      const w = gx0 + gxu * rowU[x];
      wx[x] = w;
      wz[x] = gz0;
      u[x] = cu * w + u0;
      v[x] = su * w + v0;
    }
  } else {
    for (let x = x0; x < x1; x++) {
      const w = gx0 + gxu * rowU[x];
      const z = gz0 + gzu * rowU[x];
      wx[x] = w;
      wz[x] = z;
      u[x] = cu * w + (s.groundOffsetU - su * z);
      v[x] = su * w + (s.groundOffsetV + cu * z);
    }
  }
  // Slow patches of lighter and darker ground break up repetition and mirror symmetry.
  noiseAlongLine(scratch.patch, wx, wz, x0, x1, 0.2, 17.3, 0.2, -5.1, s.salt);
  const w = footprint * inv;
  switch (s.ground) {
    case 0:
      checkerRow(s, scratch, x0, x1, w, out);
      return;
    case 1:
      tileRow(s, scratch, x0, x1, w, out);
      return;
    case 2:
      grassRow(s, scratch, x0, x1, w, out);
      return;
    default:
      plankRow(s, scratch, x0, x1, w, out);
  }
}

/** Writes `scale · mix(albedo[0..2], albedo[3..5], k)` at `out[at..at+2]`. */
function mixAt(out: Float64Array, at: number, albedo: Float64Array, k: number, scale: number): void {
  const j = 1 - k;
  out[at] = (albedo[0] * j + albedo[3] * k) * scale;
  out[at + 1] = (albedo[1] * j + albedo[4] * k) * scale;
  out[at + 2] = (albedo[2] * j + albedo[5] * k) * scale;
}

/** One faded noise layer into `out` (cleared first) over the run; see `addNoiseLayer`. */
function layer(out: Float64Array, g: GroundScratch, x0: number, x1: number, sx: number, sy: number, salt: number, weight: number): void {
  out.fill(0, x0, x1);
  addNoiseLayer(out, g.u, g.v, x0, x1, sx, sy, salt, weight, 1);
}

function checkerRow(s: CompiledScene, g: GroundScratch, x0: number, x1: number, w: number, out: Float64Array): void {
  const { u, v, patch, n1 } = g;
  layer(n1, g, x0, x1, 6, 6, s.salt + 31, detailWeight(1, w * 6));
  const albedo = s.groundAlbedo;
  for (let x = x0; x < x1; x++) {
    const fu = filteredPulse(u[x], w, 0.5);
    const fv = filteredPulse(v[x], w, 0.5);
    const k = fu * (1 - fv) + fv * (1 - fu);
    const shade = (0.72 + 0.56 * patch[x]) * (0.9 + 0.2 * n1[x]);
    mixAt(out, x * 3, albedo, k, shade);
  }
}

function tileRow(s: CompiledScene, g: GroundScratch, x0: number, x1: number, w: number, out: Float64Array): void {
  const { u, v, patch, n1 } = g;
  layer(n1, g, x0, x1, 5, 5, s.salt + 41, detailWeight(1, w * 5));
  const tiles = detailWeight(1, w);
  const salt = s.salt;
  const albedo = s.groundAlbedo;
  // Neighbouring pixels mostly fall on the same tile: hash each tile once per run of them.
  let cellU = Number.NaN;
  let cellV = Number.NaN;
  let tileVar = 0;
  for (let x = x0; x < x1; x++) {
    const tu = u[x];
    const tv = v[x];
    const fu = Math.floor(tu);
    const fv = Math.floor(tv);
    if (fu !== cellU || fv !== cellV) {
      tileVar = 0.5 + (hash2(fu, fv, salt) - 0.5) * tiles;
      cellU = fu;
      cellV = fv;
    }
    const gu = filteredPulse(tu, w, 0.06);
    const gv = filteredPulse(tv, w, 0.06);
    const grout = 1 - (1 - gu) * (1 - gv);
    const shade = (0.72 + 0.56 * patch[x]) * (0.75 + 0.5 * tileVar) * (0.88 + 0.24 * n1[x]);
    mixAt(out, x * 3, albedo, grout, shade);
  }
}

function grassRow(s: CompiledScene, g: GroundScratch, x0: number, x1: number, w: number, out: Float64Array): void {
  const { u, v, patch, n1, n2, n3 } = g;
  const salt = s.salt;
  // Three octaves of cover (amplitudes 1, 1/2, 1/4 over their sum 1.75), then clumps and blades:
  // the finest layer only shows close to the camera.
  n1.fill(0, x0, x1);
  addNoiseLayer(n1, u, v, x0, x1, 1, 1, salt + 51, detailWeight(1, w), 1 / 1.75);
  addNoiseLayer(n1, u, v, x0, x1, 2, 2, salt + 52, detailWeight(2, w), 0.5 / 1.75);
  addNoiseLayer(n1, u, v, x0, x1, 4, 4, salt + 53, detailWeight(4, w), 0.25 / 1.75);
  layer(n2, g, x0, x1, 9, 9, salt + 61, detailWeight(1, w * 9));
  layer(n3, g, x0, x1, 31, 47, salt + 67, detailWeight(1, w * 47));
  const albedo = s.groundAlbedo;
  for (let x = x0; x < x1; x++) {
    const k = smoothstep(0.38, 0.68, n1[x]);
    const clumps = 0.7 + 0.6 * n2[x];
    const blades = 0.8 + 0.4 * n3[x];
    mixAt(out, x * 3, albedo, k, (0.72 + 0.56 * patch[x]) * clumps * blades);
  }
}

const PLANK_LENGTH = 7;

function plankRow(s: CompiledScene, g: GroundScratch, x0: number, x1: number, w: number, out: Float64Array): void {
  const { u, v, patch, n1 } = g;
  const salt = s.salt;
  // Wood grain: two octaves (amplitudes 1, 1/2 over their sum 1.5), stretched along the boards.
  n1.fill(0, x0, x1);
  addNoiseLayer(n1, u, v, x0, x1, 5, 0.35, salt + 79, detailWeight(5, w), 1 / 1.5);
  addNoiseLayer(n1, u, v, x0, x1, 10, 0.7, salt + 80, detailWeight(10, w), 0.5 / 1.5);
  const boards = detailWeight(1, w);
  const albedo = s.groundAlbedo;
  // Neighbouring pixels mostly fall on the same plank: hash each board and plank once per run of them.
  let lastBoard = Number.NaN;
  let stagger = 0;
  let lastPlank = Number.NaN;
  let plankVar = 0;
  for (let x = x0; x < x1; x++) {
    const pu = u[x];
    const board = Math.floor(pu);
    if (board !== lastBoard) {
      stagger = hash2(board, 0, salt + 71);
      lastBoard = board;
      lastPlank = Number.NaN;
    }
    // Boards are PLANK_LENGTH widths long, their end joints staggered board by board.
    const along = v[x] / PLANK_LENGTH + stagger;
    const plank = Math.floor(along);
    if (plank !== lastPlank) {
      plankVar = 0.5 + (hash2(board, plank, salt + 73) - 0.5) * boards;
      lastPlank = plank;
    }
    const seam = 1 - (1 - filteredPulse(pu, w, 0.07)) * (1 - filteredPulse(along, w / PLANK_LENGTH, 0.012));
    const k = smoothstep(0.25, 0.75, n1[x]) * 0.8 + seam * 0.2;
    const shade = (0.72 + 0.56 * patch[x]) * (0.5 + plankVar) * (1 - 0.7 * seam);
    mixAt(out, x * 3, albedo, k, shade);
  }
}
