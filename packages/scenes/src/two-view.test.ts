import { describe, expect, it } from 'vitest';
import { projectPoint, unprojectPixel } from '@spatial-ssrl/image';
import { reprojectionReport } from './__fixtures__/reprojection.js';
import { sceneSeed } from './random.js';
import { footprintRadius } from './scene-layout.js';
import { parseTwoViewSpec, renderViewPair, twoViewSource } from './two-view.js';

describe('renderViewPair', () => {
  it('places the cameras exactly the baseline apart, clear of objects, looking at one point', () => {
    for (const baseline of [0.2, 1, 3]) {
      for (let i = 0; i < 6; i++) {
        const seed = sceneSeed(21, i);
        const pair = renderViewPair({ seed, baseline, width: 80, height: 60 });
        const [a, b] = pair.views;
        const pa = a.camera.pose.position;
        const pb = b.camera.pose.position;
        expect(Math.hypot(pb[0] - pa[0], pb[1] - pa[1], pb[2] - pa[2])).toBeCloseTo(baseline, 12);
        expect(Math.hypot(...pair.relative.position)).toBeCloseTo(baseline, 12);
        for (const o of pair.meta.objects) {
          expect(Math.hypot(pb[0] - o.position[0], pb[2] - o.position[2])).toBeGreaterThanOrEqual(footprintRadius(o.kind, o.size) + 0.8);
        }
        // The fixation point on the ground lies straight ahead of both cameras: on the image's centre column.
        const central = pair.meta.objects[0]!;
        for (const v of pair.views) expect(projectPoint(v.camera, [central.position[0], 0, central.position[2]]).x).toBeCloseTo(40, 6);
      }
    }
  });

  it('gives views whose depths and cameras agree, overlapping more as the baseline shrinks', () => {
    const overlap: number[] = [];
    for (const baseline of [0.25, 1, 4]) {
      let inside = 0;
      let valid = 0;
      for (let i = 0; i < 4; i++) {
        const pair = renderViewPair({ seed: sceneSeed(3, i), baseline, width: 96, height: 72 });
        for (const [from, to] of [pair.views, [pair.views[1], pair.views[0]]] as const) {
          const r = reprojectionReport(from, to);
          expect(r.seeThrough).toBe(0);
          expect(r.sameSurface / r.agree).toBeGreaterThan(0.98);
          inside += r.agree;
          valid += r.valid;
        }
      }
      overlap.push(inside / valid);
    }
    expect(overlap[0]).toBeGreaterThan(overlap[1]!);
    expect(overlap[1]).toBeGreaterThan(overlap[2]!);
    expect(overlap[2]).toBeGreaterThan(0.3);
  });

  it('is deterministic by seed and maps one 3-D point to both views within a pixel', () => {
    const a = renderViewPair({ seed: 77, baseline: 1.5, width: 64, height: 48 });
    const b = renderViewPair({ seed: 77, baseline: 1.5, width: 64, height: 48 });
    expect(Buffer.from(a.views[1].rgb.data).equals(Buffer.from(b.views[1].rgb.data))).toBe(true);
    expect(a.relative).toEqual(b.relative);
    const [v1, v2] = a.views;
    const k = 30 * 64 + 20;
    const world = unprojectPixel(v1.camera, 20.5, 30.5, v1.depth.data[k]!);
    const q = projectPoint(v2.camera, world);
    const back = projectPoint(v1.camera, world);
    expect(Math.hypot(back.x - 20.5, back.y - 30.5)).toBeLessThan(1e-9);
    expect(q.depth).toBeGreaterThan(0);
  });

  it('refuses a baseline out of range', () => {
    expect(() => renderViewPair({ seed: 1, baseline: 0 })).toThrow(/baseline must be 0.01-10 m/);
  });
});

describe('twoViewSource', () => {
  it('lists pairs and loads both views with depth and cameras', async () => {
    const source = twoViewSource({ count: 2, width: 32, height: 24, baseline: 0.5 });
    expect(source).toMatchObject({ kind: 'view-pair', name: 'twoview:2:32x24:baseline=0.5', hasDepth: true });
    const [first] = await source.list();
    const [v1, v2] = await first!.load();
    expect(v1.camera.width).toBe(32);
    expect(v2.depth?.width).toBe(32);
    expect(parseTwoViewSpec(source.name)).toEqual({ count: 2, width: 32, height: 24, baseline: 0.5 });
    expect(parseTwoViewSpec('twoview')).toEqual({ count: 1000 });
    expect(() => parseTwoViewSpec('twoview:3:baseline=x')).toThrow(/not a view-pair source spec/);
  });
});
