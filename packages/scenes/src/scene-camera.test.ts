import { describe, expect, it } from 'vitest';
import { cameraModel, projectPoint, toCamera } from './scene-camera.js';
import { layoutScene } from './scene-layout.js';
import { SEGMENT, renderScene } from './scene-render.js';

describe('cameraModel', () => {
  it('has an orthonormal rotation and puts the optical centre at the origin of camera space', () => {
    for (const seed of [0, 5, 99]) {
      const meta = layoutScene(seed);
      const cam = cameraModel(meta.camera, 320, 240);
      const r = cam.rotation;
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          const dot = r[i * 3] * r[j * 3] + r[i * 3 + 1] * r[j * 3 + 1] + r[i * 3 + 2] * r[j * 3 + 2];
          expect(dot).toBeCloseTo(i === j ? 1 : 0, 12);
        }
      }
      const c = toCamera(cam, cam.position);
      for (const v of c) expect(Math.abs(v)).toBeLessThan(1e-12);
      expect(cam.intrinsics).toEqual([cam.focal, 0, 160, 0, cam.focal, 120, 0, 0, 1]);
      expect(cam.focal).toBeCloseTo(160 / Math.tan((meta.camera.hfovDeg * Math.PI) / 360), 10);
    }
  });

  it('projects ground points onto pixels whose depth map value is the projected depth', () => {
    const width = 320;
    const height = 240;
    let checked = 0;
    for (const seed of [1, 2, 3, 4]) {
      const scene = renderScene({ seed, width, height, quality: 'draft' });
      const cam = cameraModel(scene.meta.camera, width, height);
      for (let gx = -6; gx <= 6; gx += 1.5) {
        for (let gz = 3; gz <= 30; gz += 2.5) {
          const p = projectPoint(cam, [gx, 0, gz]);
          const x = Math.floor(p.x);
          const y = Math.floor(p.y);
          if (x < 0 || y < 0 || x >= width || y >= height) continue;
          const i = y * width + x;
          if (scene.segments.data[i] !== SEGMENT.ground) continue;
          // Pixel centres lie within half a pixel of the projection; depth varies smoothly on the ground.
          const slope = Math.abs(projectPoint(cam, [gx, 0, gz + 0.01]).depth - p.depth) / Math.max(1e-9, Math.abs(projectPoint(cam, [gx, 0, gz + 0.01]).y - p.y));
          expect(Math.abs(scene.depth.data[i] - p.depth)).toBeLessThanOrEqual(slope * 0.75 + 1e-4 * p.depth);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('projects each sphere centre inside that sphere on the image, at its camera depth', () => {
    let checked = 0;
    for (let seed = 0; seed < 30; seed++) {
      const scene = renderScene({ seed, width: 200, height: 150, quality: 'draft' });
      const cam = cameraModel(scene.meta.camera, 200, 150);
      scene.meta.objects.forEach((o, k) => {
        if (o.kind !== 'sphere') return;
        const r = o.size[0] / 2;
        const p = projectPoint(cam, [o.position[0], r, o.position[2]]);
        const x = Math.floor(p.x);
        const y = Math.floor(p.y);
        if (x < 0 || y < 0 || x >= 200 || y >= 150) return;
        const i = y * 200 + x;
        if (scene.segments.data[i] !== SEGMENT.firstObject + k) return;
        // The front surface is between r and a little less than r in front of the centre.
        expect(p.depth - scene.depth.data[i]).toBeGreaterThan(0);
        expect(p.depth - scene.depth.data[i]).toBeLessThanOrEqual(r * 1.0001);
        checked++;
      });
    }
    expect(checked).toBeGreaterThan(5);
  });
});
