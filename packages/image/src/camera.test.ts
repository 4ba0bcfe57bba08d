import { describe, expect, it } from 'vitest';
import { projectPoint, relativePose, reprojectPixel, unprojectPixel, type CameraView, type Matrix3 } from './camera.js';

// A camera at (1, 2, 3) turned 30° to the right about the vertical axis (world y up).
const yaw = (30 * Math.PI) / 180;
const turned: Matrix3 = [Math.cos(yaw), 0, Math.sin(yaw), 0, -1, 0, -Math.sin(yaw), 0, Math.cos(yaw)];
const view: CameraView = { width: 64, height: 48, intrinsics: { fx: 50, fy: 50, cx: 32, cy: 24 }, pose: { position: [1, 2, 3], rotation: turned } };
const ahead: CameraView = { ...view, pose: { position: [0, 0, 0], rotation: [1, 0, 0, 0, -1, 0, 0, 0, 1] } };

describe('camera geometry', () => {
  it('projects what it unprojects', () => {
    for (const [x, y, d] of [[0.5, 0.5, 1], [32, 24, 7.5], [63.5, 10.25, 0.3]] as const) {
      const p = projectPoint(view, unprojectPixel(view, x, y, d));
      expect(p.x).toBeCloseTo(x, 10);
      expect(p.y).toBeCloseTo(y, 10);
      expect(p.depth).toBeCloseTo(d, 10);
    }
  });

  it('follows the OpenCV axes: x right, y down, z forward', () => {
    const p = projectPoint(ahead, [1, 1, 10]);
    expect(p.x).toBeGreaterThan(32);
    expect(p.y).toBeLessThan(24);
    expect(p.depth).toBe(10);
    // A camera turned right sees a point straight ahead of it at the principal point.
    const straight = projectPoint(view, [1 + 4 * Math.sin(yaw), 2, 3 + 4 * Math.cos(yaw)]);
    expect(straight.x).toBeCloseTo(32, 10);
    expect(straight.depth).toBeCloseTo(4, 10);
  });

  it('reprojects pixels between views and gives relative poses', () => {
    const q = reprojectPixel(ahead, view, 20, 30, 5);
    const world = unprojectPixel(ahead, 20.5, 30.5, 5);
    expect(q).toEqual(projectPoint(view, world));
    const rel = relativePose(ahead.pose, view.pose);
    expect(rel.position).toEqual([1, -2, 3]);
    expect(rel.rotation[0]).toBeCloseTo(Math.cos(yaw), 12);
    expect(rel.rotation[4]).toBeCloseTo(1, 12);
  });
});
