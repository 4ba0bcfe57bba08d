import { describe, expect, it } from 'vitest';
import { createRng } from '@spatial-ssrl/spec';
import {
  HIT_NX,
  HIT_NY,
  HIT_NZ,
  HIT_SIZE,
  HIT_T,
  RAY_SIZE,
  SHAPE_BOX,
  SHAPE_CONE,
  SHAPE_CYLINDER,
  SHAPE_PYRAMID,
  SHAPE_SPHERE,
  insideSolid,
  intersectSolid,
  type LocalSolid,
} from './primitives.js';

/** Casts `o + t·d` (t >= tMin) at a solid; returns the hit t (or Infinity) and normal. */
function cast(solid: LocalSolid, o: number[], d: number[], tMin = 0): { t: number; normal: number[] } {
  const ray = new Float64Array(RAY_SIZE);
  ray.set([o[0], o[1], o[2], d[0], d[1], d[2], tMin]);
  const hit = new Float64Array(HIT_SIZE);
  const ok = intersectSolid(solid, ray, hit);
  return { t: ok ? hit[HIT_T] : Infinity, normal: [hit[HIT_NX], hit[HIT_NY], hit[HIT_NZ]] };
}

const SOLIDS: ReadonlyArray<[string, LocalSolid]> = [
  ['box', { shape: SHAPE_BOX, a: 0.8, b: 1.5, c: 0.5 }],
  ['sphere', { shape: SHAPE_SPHERE, a: 0.9, b: 1.8, c: 0.9 }],
  ['cylinder', { shape: SHAPE_CYLINDER, a: 0.6, b: 2.2, c: 0.6 }],
  ['cone', { shape: SHAPE_CONE, a: 0.7, b: 1.6, c: 0.7 }],
  ['pyramid', { shape: SHAPE_PYRAMID, a: 0.9, b: 1.3, c: 0.9 }],
];

/** First t where a fine march along the ray enters the solid, or Infinity. */
function march(solid: LocalSolid, o: number[], d: number[], tMax: number): number {
  const steps = 20000;
  for (let k = 0; k <= steps; k++) {
    const t = (k / steps) * tMax;
    if (insideSolid(solid, o[0] + t * d[0], o[1] + t * d[1], o[2] + t * d[2], 0)) return t;
  }
  return Infinity;
}

describe('intersectSolid', () => {
  for (const [name, solid] of SOLIDS) {
    it(`${name}: agrees with ray marching, hits lie on the surface, normals point outwards`, () => {
      const rng = createRng(name.length * 101);
      let hits = 0;
      for (let i = 0; i < 150; i++) {
        // Rays from a shell around the solid, aimed near its middle.
        const theta = rng.range(0, Math.PI * 2);
        const o = [Math.cos(theta) * 4, rng.range(0.2, 4), Math.sin(theta) * 4];
        const target = [rng.range(-1.2, 1.2), rng.range(-0.2, 2.2), rng.range(-1.2, 1.2)];
        const d = [target[0] - o[0], target[1] - o[1], target[2] - o[2]];
        const { t, normal } = cast(solid, o, d);
        const marched = march(solid, o, d, 2);
        if (t === Infinity) {
          expect(marched).toBe(Infinity);
          continue;
        }
        hits++;
        expect(Math.abs(t - marched)).toBeLessThan(2.5e-4);
        const p = [o[0] + t * d[0], o[1] + t * d[1], o[2] + t * d[2]];
        expect(insideSolid(solid, p[0], p[1], p[2], 1e-9)).toBe(true);
        const len = Math.hypot(normal[0], normal[1], normal[2]);
        expect(len).toBeCloseTo(1, 9);
        // Facing the ray, and stepping out along it leaves the solid.
        expect(normal[0] * d[0] + normal[1] * d[1] + normal[2] * d[2]).toBeLessThan(0);
        expect(insideSolid(solid, p[0] + normal[0] * 1e-3, p[1] + normal[1] * 1e-3, p[2] + normal[2] * 1e-3, 0)).toBe(false);
      }
      expect(hits).toBeGreaterThan(30);
    });
  }

  it('ignores hits before tMin and solids behind the ray', () => {
    for (const [, solid] of SOLIDS) {
      const { t } = cast(solid, [0, 0.5, -5], [0, 0, 1]);
      expect(t).toBeGreaterThan(3);
      expect(cast(solid, [0, 0.5, -5], [0, 0, 1], t + 1e-6).t).toBe(Infinity);
      expect(cast(solid, [0, 0.5, -5], [0, 0, -1]).t).toBe(Infinity);
    }
  });

  it('gives the textbook sphere distance', () => {
    const { t, normal } = cast({ shape: SHAPE_SPHERE, a: 1, b: 2, c: 1 }, [0, 1, -5], [0, 0, 2]);
    expect(t).toBe(2);
    expect(normal).toEqual([0, 0, -1]);
  });
});
