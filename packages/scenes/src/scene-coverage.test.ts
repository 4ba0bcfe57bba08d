import { describe, expect, it } from 'vitest';
import { SceneError } from './errors.js';
import { objectSilhouettes } from './scene-coverage.js';
import { layoutScene } from './scene-layout.js';
import { SEGMENT, renderLayout, renderScene } from './scene-render.js';

describe('objectSilhouettes', () => {
  it('counts exactly the pixels the object covers when rendered alone', () => {
    let objects = 0;
    for (const seed of [0, 3, 8, 13]) {
      const meta = layoutScene(seed);
      const silhouettes = objectSilhouettes(meta, { width: 160, height: 120 });
      expect(silhouettes).toHaveLength(meta.objects.length);
      meta.objects.forEach((o, i) => {
        const alone = renderLayout({ ...meta, objects: [o] }, { width: 160, height: 120, quality: 'draft' });
        let pixels = 0;
        let x0 = 160;
        let y0 = 120;
        alone.segments.data.forEach((s, p) => {
          if (s !== SEGMENT.firstObject) return;
          pixels++;
          x0 = Math.min(x0, p % 160);
          y0 = Math.min(y0, Math.floor(p / 160));
        });
        expect(silhouettes[i]!.pixels).toBe(pixels);
        if (pixels > 0) expect([silhouettes[i]!.box!.x0, silhouettes[i]!.box!.y0]).toEqual([x0, y0]);
        objects++;
      });
    }
    expect(objects).toBeGreaterThan(15);
  });

  it('is never smaller than what the full render shows of each object', () => {
    for (let seed = 20; seed < 40; seed++) {
      const scene = renderScene({ seed, width: 120, height: 90, quality: 'draft' });
      const visible = new Array<number>(scene.meta.objects.length).fill(0);
      for (const s of scene.segments.data) if (s >= SEGMENT.firstObject) visible[s - SEGMENT.firstObject]!++;
      const silhouettes = objectSilhouettes(scene.meta, { width: 120, height: 90 });
      silhouettes.forEach((s, i) => expect(s.pixels).toBeGreaterThanOrEqual(visible[i]!));
    }
  });

  it('flags an object cut by the image border', () => {
    const meta = layoutScene(2);
    const edge = { ...meta.objects[0]!, position: [2.2, 0, 4] as const, size: [1, 1, 1] as const, yawDeg: 0, kind: 'box' as const };
    const centre = { ...edge, position: [0, 0, 6] as const };
    const [cut, whole] = objectSilhouettes({ ...meta, objects: [edge, centre] }, { width: 160, height: 120 });
    expect(cut!.clipped).toBe(true);
    expect(whole!.clipped).toBe(false);
    expect(whole!.centroidX).toBeCloseTo(80, -1);
  });

  it('rejects a bad image size', () => {
    expect(() => objectSilhouettes(layoutScene(1), { width: 0, height: 10 })).toThrow(SceneError);
  });
});
