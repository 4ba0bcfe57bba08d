import { describe, expect, it } from 'vitest';
import { projectPoint as projectView } from '@spatial-ssrl/image';
import { cameraModel, cameraView, projectPoint } from './scene-camera.js';
import { layoutScene } from './scene-layout.js';
import { scenePose, type ScenePose } from './scene-pose.js';
import { renderView, SEGMENT } from './scene-render.js';
import type { SceneMeta, SceneObject, Vec3 } from './scene-types.js';

const DEG = Math.PI / 180;

describe('one camera model for every pose', () => {
  it('gives the scene camera and its pose the same K, R and t', () => {
    for (const seed of [1, 7, 42]) {
      const meta = layoutScene(seed);
      expect(cameraModel(scenePose(meta), 320, 240)).toEqual(cameraModel(meta.camera, 320, 240));
    }
  });

  it('is the camera renderView draws through: projections land on the rendered depth', () => {
    const meta = layoutScene(11);
    const pose: ScenePose = { position: [1.5, 1.4, 2], yawDeg: -25, pitchDeg: 8, hfovDeg: 55 };
    const view = renderView({ meta, pose, width: 160, height: 120 });
    const model = cameraModel(pose, 160, 120);
    expect(view.camera).toEqual(cameraView(model));
    let checked = 0;
    for (let j = 70; j < 120; j += 7) {
      for (let i = 3; i < 160; i += 11) {
        const k = j * 160 + i;
        if (view.segments.data[k] !== SEGMENT.ground) continue;
        // The ground point under pixel centre (i + 0.5, j + 0.5), rebuilt from K, R and t.
        const f = model.focal;
        const dirCam: Vec3 = [(i + 0.5 - model.cx) / f, (j + 0.5 - model.cy) / f, 1];
        const r = model.rotation;
        const dir: Vec3 = [0, 1, 2].map((c) => r[c]! * dirCam[0] + r[3 + c]! * dirCam[1] + r[6 + c]! * dirCam[2]) as unknown as Vec3;
        const s = -model.position[1] / dir[1];
        const ground: Vec3 = [model.position[0] + s * dir[0], 0, model.position[2] + s * dir[2]];
        const p = projectPoint(model, ground);
        expect(p.x).toBeCloseTo(i + 0.5, 6);
        expect(p.y).toBeCloseTo(j + 0.5, 6);
        expect(p.depth).toBeCloseTo(view.depth.data[k]!, 3);
        const q = projectView(view.camera, ground);
        expect(q.depth).toBeCloseTo(p.depth, 9);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});

describe('eyes under a turned camera', () => {
  // A camera moved and turned 35° right; a box faces it, a cylinder turns its back on it.
  const pose: ScenePose = { position: [3, 1.6, 1], yawDeg: 35, pitchDeg: 6, hfovDeg: 60 };
  const at: Vec3 = [3 + 6 * Math.sin(35 * DEG), 0, 1 + 6 * Math.cos(35 * DEG)];
  const towardsCamera = Math.atan2(pose.position[0] - at[0], pose.position[2] - at[2]) / DEG;
  const base = layoutScene(7);
  const box: SceneObject = {
    kind: 'box',
    position: at,
    size: [1.2, 1, 1.2],
    yawDeg: towardsCamera,
    color: [210, 40, 40],
    secondaryColor: [90, 15, 15],
    texture: 'stripes',
    textureScale: 0.3,
    eyes: true,
  };
  const cylinder: SceneObject = { ...box, kind: 'cylinder', position: [at[0] + 1.8, 0, at[2] + 0.5], yawDeg: towardsCamera + 180, color: [40, 90, 210], secondaryColor: [15, 30, 90] };
  const meta: SceneMeta = { ...base, objects: [box, cylinder] };

  /** Pixels of object `i` that its eyes change (eyes change colours only, never segments). */
  const eyePixels = (objects: readonly SceneObject[], i: number): number => {
    const withEyes = renderView({ meta: { ...meta, objects }, pose, width: 240, height: 180 });
    const without = renderView({ meta: { ...meta, objects: objects.map((o) => ({ ...o, eyes: false })) }, pose, width: 240, height: 180 });
    expect(withEyes.segments.data).toEqual(without.segments.data);
    let n = 0;
    for (let k = 0; k < withEyes.segments.data.length; k++) {
      if (withEyes.segments.data[k] !== SEGMENT.firstObject + i) continue;
      let d = 0;
      for (let c = 0; c < 3; c++) d = Math.max(d, Math.abs(withEyes.rgb.data[3 * k + c]! - without.rgb.data[3 * k + c]!));
      if (d > 40) n++;
    }
    return n;
  };

  it('shows the eyes of an object facing the camera and hides those of one facing away', () => {
    expect(eyePixels([box, cylinder], 0)).toBeGreaterThan(20);
    expect(eyePixels([box, cylinder], 1)).toBe(0);
    // Turned round, the cylinder shows its eyes and the box hides them.
    const swapped = [{ ...box, yawDeg: towardsCamera + 180 }, { ...cylinder, yawDeg: towardsCamera }];
    expect(eyePixels(swapped, 0)).toBe(0);
    expect(eyePixels(swapped, 1)).toBeGreaterThan(20);
  });
});
