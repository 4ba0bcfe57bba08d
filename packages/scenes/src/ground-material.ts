import { detailNoise2, detailWeight, fbm2, filteredPulse, hash2, valueNoise2 } from './noise.js';
import type { CompiledScene } from './scene-compile.js';
import { mixInto, smoothstep } from './shading.js';

/**
 * Linear albedo of the ground at world `(io[0], io[1])` = `(x, z)` metres, box-filtered for a
 * pixel footprint of `io[2]` metres; written into the colour slots of `io` (see `SHADE_R`). Each
 * pattern is its own small function so the engine can inline the noise it calls.
 */
export function groundAlbedo(s: CompiledScene, io: Float64Array): void {
  const wx = io[0];
  const wz = io[1];
  const inv = 1 / s.groundScale;
  io[GROUND_U] = (s.groundCos * wx - s.groundSin * wz) * inv + s.groundOffsetU;
  io[GROUND_V] = (s.groundSin * wx + s.groundCos * wz) * inv + s.groundOffsetV;
  io[GROUND_W] = io[2] * inv;
  // Slow patches of lighter and darker ground break up repetition and mirror symmetry.
  io[GROUND_SHADE] = 0.72 + 0.56 * valueNoise2(wx * 0.2 + 17.3, wz * 0.2 - 5.1, s.salt);
  GROUND_PATTERNS[s.ground](s, io);
}

const GROUND_U = 4;
const GROUND_V = 5;
const GROUND_W = 6;
const GROUND_SHADE = 7;

function checkerGround(s: CompiledScene, io: Float64Array): void {
  const u = io[GROUND_U];
  const v = io[GROUND_V];
  const w = io[GROUND_W];
  const fu = filteredPulse(u, w, 0.5);
  const fv = filteredPulse(v, w, 0.5);
  const k = fu * (1 - fv) + fv * (1 - fu);
  const shade = io[GROUND_SHADE] * (0.9 + 0.2 * detailNoise2(u * 6, v * 6, s.salt + 31, w * 6));
  mixInto(io, s.groundAlbedo, k, shade);
}

function tileGround(s: CompiledScene, io: Float64Array): void {
  const u = io[GROUND_U];
  const v = io[GROUND_V];
  const w = io[GROUND_W];
  const tileVar = 0.5 + (hash2(Math.floor(u), Math.floor(v), s.salt) - 0.5) * detailWeight(1, w);
  const gu = filteredPulse(u, w, 0.06);
  const gv = filteredPulse(v, w, 0.06);
  const grout = 1 - (1 - gu) * (1 - gv);
  const shade = io[GROUND_SHADE] * (0.75 + 0.5 * tileVar) * (0.88 + 0.24 * detailNoise2(u * 5, v * 5, s.salt + 41, w * 5));
  mixInto(io, s.groundAlbedo, grout, shade);
}

function grassGround(s: CompiledScene, io: Float64Array): void {
  const u = io[GROUND_U];
  const v = io[GROUND_V];
  const w = io[GROUND_W];
  const k = smoothstep(0.38, 0.68, fbm2(u, v, s.salt + 51, 3, w));
  // Clumps, then blades: the finest layer only shows close to the camera.
  const clumps = 0.7 + 0.6 * detailNoise2(u * 9, v * 9, s.salt + 61, w * 9);
  const blades = 0.8 + 0.4 * detailNoise2(u * 31, v * 47, s.salt + 67, w * 47);
  mixInto(io, s.groundAlbedo, k, io[GROUND_SHADE] * clumps * blades);
}

const PLANK_LENGTH = 7;

function plankGround(s: CompiledScene, io: Float64Array): void {
  const u = io[GROUND_U];
  const v = io[GROUND_V];
  const w = io[GROUND_W];
  const board = Math.floor(u);
  // Boards are PLANK_LENGTH widths long, their end joints staggered board by board.
  const along = v / PLANK_LENGTH + hash2(board, 0, s.salt + 71);
  const plankVar = 0.5 + (hash2(board, Math.floor(along), s.salt + 73) - 0.5) * detailWeight(1, w);
  const seam = 1 - (1 - filteredPulse(u, w, 0.07)) * (1 - filteredPulse(along, w / PLANK_LENGTH, 0.012));
  const grain = fbm2(u * 5, v * 0.35, s.salt + 79, 2, w * 5);
  const k = smoothstep(0.25, 0.75, grain) * 0.8 + seam * 0.2;
  const shade = io[GROUND_SHADE] * (0.5 + plankVar) * (1 - 0.7 * seam);
  mixInto(io, s.groundAlbedo, k, shade);
}

/** Pattern functions indexed by the compiled ground code (see `GROUND_CODES`). */
const GROUND_PATTERNS: ReadonlyArray<(s: CompiledScene, io: Float64Array) => void> = [checkerGround, tileGround, grassGround, plankGround];
