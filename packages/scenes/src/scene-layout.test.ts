import { describe, expect, it } from 'vitest';
import { SceneError } from './errors.js';
import { layoutScene } from './scene-layout.js';

const SEEDS = Array.from({ length: 200 }, (_, i) => i * 7919 - 300);

function footprint(o: { kind: string; size: readonly number[] }): number {
  return o.kind === 'box' || o.kind === 'pyramid' ? Math.hypot(o.size[0], o.size[2]) / 2 : o.size[0] / 2;
}

describe('layoutScene', () => {
  it('is a pure function of the seed and JSON-serialisable', () => {
    const a = layoutScene(12345);
    expect(layoutScene(12345)).toEqual(a);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
    expect(layoutScene(12346)).not.toEqual(a);
  });

  it('keeps every parameter inside its documented range', () => {
    for (const seed of SEEDS) {
      const m = layoutScene(seed);
      expect(m.seed).toBe(seed);
      expect(m.camera.hfovDeg).toBeGreaterThanOrEqual(50);
      expect(m.camera.hfovDeg).toBeLessThanOrEqual(70);
      expect(m.camera.height).toBeGreaterThanOrEqual(1.2);
      expect(m.camera.height).toBeLessThanOrEqual(2);
      expect(m.camera.pitchDeg).toBeGreaterThanOrEqual(3);
      expect(m.camera.pitchDeg).toBeLessThanOrEqual(10);
      const [lx, ly, lz] = m.light.direction;
      expect(Math.hypot(lx, ly, lz)).toBeCloseTo(1, 12);
      expect(m.light.elevationDeg).toBeGreaterThanOrEqual(20);
      expect(m.light.elevationDeg).toBeLessThanOrEqual(55);
      expect(Math.abs(m.light.azimuthDeg)).toBeGreaterThanOrEqual(50);
      expect(Math.abs(m.light.azimuthDeg)).toBeLessThanOrEqual(115);
      expect(m.backdrop.distance).toBeGreaterThanOrEqual(40);
      expect(m.backdrop.distance).toBeLessThanOrEqual(55);
      expect(m.backdrop.minHeight).toBeGreaterThan(m.camera.height);
      expect(m.backdrop.maxHeight).toBeGreaterThan(m.backdrop.minHeight);
      expect(m.objects.length).toBeGreaterThanOrEqual(4);
      expect(m.objects.length).toBeLessThanOrEqual(9);
      for (const c of [m.ground.color, m.sky.zenithColor, m.light.sunColor, ...m.objects.map((o) => o.color)]) {
        for (const v of c) expect(Number.isInteger(v) && v >= 0 && v <= 255).toBe(true);
      }
    }
  });

  it('places objects on the ground, in view, apart from each other and inside the backdrop', () => {
    for (const seed of SEEDS) {
      const m = layoutScene(seed);
      const tanHalf = Math.tan(((m.camera.hfovDeg / 2) * Math.PI) / 180);
      m.objects.forEach((o, i) => {
        const [x, y, z] = o.position;
        expect(y).toBe(0);
        const distance = Math.hypot(x, z);
        expect(distance).toBeGreaterThanOrEqual(1.5);
        expect(distance).toBeLessThanOrEqual(30);
        expect(Math.abs(x)).toBeLessThanOrEqual(z * tanHalf);
        expect(distance + footprint(o)).toBeLessThan(m.backdrop.distance);
        for (const v of o.size) expect(v).toBeGreaterThan(0);
        if (o.kind === 'sphere') expect(o.size[0]).toBe(o.size[1]);
        for (let j = 0; j < i; j++) {
          const p = m.objects[j];
          expect(Math.hypot(p.position[0] - x, p.position[2] - z)).toBeGreaterThan(footprint(p) + footprint(o));
        }
      });
    }
  });

  it('varies the scene content across seeds', () => {
    const grounds = new Set<string>();
    const kinds = new Set<string>();
    const textures = new Set<string>();
    let rotatedBoxes = 0;
    let sunLeft = 0;
    for (const seed of SEEDS) {
      const m = layoutScene(seed);
      grounds.add(m.ground.texture);
      for (const o of m.objects) {
        kinds.add(o.kind);
        textures.add(o.texture);
        if (o.kind === 'box' && o.yawDeg !== 0) rotatedBoxes++;
      }
      if (m.light.azimuthDeg < 0) sunLeft++;
    }
    expect([...grounds].sort()).toEqual(['checker', 'grass', 'planks', 'tiles']);
    expect([...kinds].sort()).toEqual(['box', 'cone', 'cylinder', 'pyramid', 'sphere']);
    expect([...textures].sort()).toEqual(['checker', 'dots', 'gradient', 'noise', 'stripes']);
    expect(rotatedBoxes).toBeGreaterThan(20);
    expect(sunLeft).toBeGreaterThan(60);
    expect(sunLeft).toBeLessThan(140);
  });

  it('gives the objects of one scene distinct colours', () => {
    for (const seed of SEEDS.slice(0, 50)) {
      const colors = layoutScene(seed).objects.map((o) => o.color.join(','));
      expect(new Set(colors).size).toBe(colors.length);
    }
  });

  it('rejects seeds that are not safe integers', () => {
    for (const bad of [1.5, Number.NaN, Infinity, 2 ** 60, '3' as unknown as number]) {
      expect(() => layoutScene(bad)).toThrow(SceneError);
    }
    try {
      layoutScene(0.5);
    } catch (error) {
      expect((error as SceneError).code).toBe('invalid-seed');
    }
  });
});
