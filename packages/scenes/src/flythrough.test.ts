import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { reprojectionReport } from './__fixtures__/reprojection.js';
import { SceneError } from './errors.js';
import { CAMERA_MOTIONS, planFlythrough, renderFlythroughFrame } from './flythrough.js';
import { flythroughSource, parseFlythroughSpec } from './flythrough-source.js';
import { sceneSeed } from './random.js';
import { footprintRadius } from './scene-layout.js';
import { renderScene, renderView } from './scene-render.js';

const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
const DEG = Math.PI / 180;

function digest(parts: readonly Uint8Array[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

describe('renderView', () => {
  it('gives renderScene\'s bytes from the scene\'s own pose', () => {
    for (const seed of [3, 2024]) {
      const still = renderScene({ seed, width: 96, height: 72 });
      const view = renderView({ seed, width: 96, height: 72 });
      expect(Buffer.from(view.rgb.data).equals(Buffer.from(still.rgb.data))).toBe(true);
      expect(Buffer.from(view.depth.data.buffer).equals(Buffer.from(still.depth.data.buffer))).toBe(true);
      expect(view.camera.intrinsics).toEqual({ fx: 48 / Math.tan((still.meta.camera.hfovDeg * DEG) / 2), fy: 48 / Math.tan((still.meta.camera.hfovDeg * DEG) / 2), cx: 48, cy: 36 });
      expect(view.camera.pose.position).toEqual([0, still.meta.camera.height, 0]);
    }
  });

  it('refuses poses outside the scene', () => {
    const bad = (pose: object) => () => renderView({ seed: 1, width: 8, height: 8, pose: { position: [0, 1.5, 0], yawDeg: 0, pitchDeg: 5, hfovDeg: 60, ...pose } });
    expect(bad({ position: [0, -1, 0] })).toThrow(/above the ground/);
    expect(bad({ position: [60, 1.5, 0] })).toThrow(/inside the ring of hills/);
    expect(bad({ hfovDeg: 179 })).toThrow(/hfovDeg/);
    expect(bad({ yawDeg: Number.NaN })).toThrow(SceneError);
  });
});

describe('planFlythrough', () => {
  it('is deterministic by seed and starts at the scene\'s camera', () => {
    const a = planFlythrough({ seed: 11, frames: 60 });
    expect(planFlythrough({ seed: 11, frames: 60 })).toEqual(a);
    expect(planFlythrough({ seed: 12, frames: 60 }).poses).not.toEqual(a.poses);
    expect(a.poses).toHaveLength(60);
    expect(a.poses[0]).toEqual({ position: [0, a.meta.camera.height, 0], yawDeg: 0, pitchDeg: a.meta.camera.pitchDeg, hfovDeg: a.meta.camera.hfovDeg });
    // A shorter path is a prefix of a longer one only up to the segment cut; its poses are valid either way.
    expect(planFlythrough({ seed: 11, frames: 1 }).poses).toEqual([a.poses[0]]);
  });

  it('keeps clear of objects and the hills, and moves as each segment says', () => {
    const used = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      const path = planFlythrough({ seed: sceneSeed(5, seed), frames: 48 });
      for (const pose of path.poses) {
        const [x, y, z] = pose.position;
        expect(y).toBe(path.meta.camera.height);
        expect(Math.hypot(x, z)).toBeLessThanOrEqual(path.meta.backdrop.distance - 15 + 1e-9);
        for (const o of path.meta.objects) {
          expect(Math.hypot(x - o.position[0], z - o.position[2])).toBeGreaterThanOrEqual(footprintRadius(o.kind, o.size) + 0.8 - 1e-9);
        }
      }
      expect(path.segments.reduce((n, s) => n + s.frames, 1)).toBe(48);
      for (const s of path.segments) {
        used.add(s.motion);
        for (let k = s.fromFrame; k < s.fromFrame + s.frames; k++) {
          const a = path.poses[k]!;
          const b = path.poses[k + 1]!;
          const yaw = a.yawDeg * DEG;
          const dx = b.position[0] - a.position[0];
          const dz = b.position[2] - a.position[2];
          // Motion in the camera's frame at frame k: forward and right components, and the turn.
          const forward = dx * Math.sin(yaw) + dz * Math.cos(yaw);
          const right = dx * Math.cos(yaw) - dz * Math.sin(yaw);
          const turn = b.yawDeg - a.yawDeg;
          const [kind, dir] = s.motion.split('-') as [string, string];
          if (kind === 'dolly') expect([Math.sign(forward), Math.abs(right) < 1e-12, turn]).toEqual([dir === 'forward' ? 1 : -1, true, 0]);
          if (kind === 'truck') expect([Math.abs(forward) < 1e-12, Math.sign(right), turn]).toEqual([true, dir === 'right' ? 1 : -1, 0]);
          if (kind === 'turn') expect([dx, dz, Math.sign(turn)]).toEqual([0, 0, dir === 'right' ? 1 : -1]);
          if (kind === 'arc') expect([forward > 0, Math.abs(right) < 1e-12, Math.sign(turn)]).toEqual([true, true, dir === 'right' ? 1 : -1]);
          expect(Math.hypot(dx, dz)).toBeLessThanOrEqual(0.35 + 1e-12);
          expect(Math.abs(turn)).toBeLessThanOrEqual(3 + 1e-12);
        }
      }
    }
    expect([...used].sort()).toEqual([...CAMERA_MOTIONS].sort());
  });
});

describe('fly-through frames', () => {
  it('agree with each other by depth and pose: pixels of frame t land on the same surface in frame t+1', () => {
    let pairs = 0;
    const colourDiffs: number[] = [];
    for (const seed of [1, 17, 23]) {
      const path = planFlythrough({ seed, frames: 24 });
      const frames = Array.from({ length: 24 }, (_, k) => renderFlythroughFrame(path, k, 96, 72));
      for (let t = 0; t + 1 < frames.length; t++) {
        const r = reprojectionReport(frames[t]!, frames[t + 1]!);
        pairs++;
        expect(r.seeThrough).toBe(0);
        // Consecutive frames overlap: most of what frame t sees lies in frame t+1's view, and is seen there.
        expect(r.inside / r.valid).toBeGreaterThan(0.75);
        expect(r.agree / r.inside).toBeGreaterThan(0.9);
        expect(r.sameSurface / r.agree).toBeGreaterThan(0.98);
        // Textures, clouds and hills stay fixed to the world: a surface keeps its colour.
        expect(r.colourDiff).toBeLessThan(20);
        colourDiffs.push(r.colourDiff);
      }
    }
    expect(pairs).toBe(69);
    expect(colourDiffs.sort((a, b) => a - b)[colourDiffs.length >> 1]).toBeLessThan(4);
  });

  it('are deterministic by seed, and frame 0 is the scene itself', () => {
    const path = planFlythrough({ seed: 99, frames: 8 });
    const a = renderFlythroughFrame(path, 7, 64, 48);
    const b = renderFlythroughFrame(planFlythrough({ seed: 99, frames: 8 }), 7, 64, 48);
    expect(digest([a.rgb.data, new Uint8Array(a.depth.data.buffer)])).toBe(digest([b.rgb.data, new Uint8Array(b.depth.data.buffer)]));
    expect(Buffer.from(renderFlythroughFrame(path, 0, 64, 48).rgb.data).equals(Buffer.from(renderScene({ seed: 99, width: 64, height: 48 }).rgb.data))).toBe(true);
  });

  it.runIf(NODE_MAJOR === 20)('has the recorded digest for Node 20', () => {
    const frame = renderFlythroughFrame(planFlythrough({ seed: 2024, frames: 12 }), 11, 80, 60);
    expect(digest([frame.rgb.data, new Uint8Array(frame.depth.data.buffer), frame.depth.valid, frame.segments.data])).toBe(PINNED_FRAME);
  });
});

// SHA-256 of frame 11 of seed 2024's fly-through at 80×60 (rgb, depth, valid, segments); update when the renderer changes on purpose.
const PINNED_FRAME = '22caeb6bc712d9867f76dfd841f3e79bb370ea4a20a06fa07a4aff988ae41cdb';

describe('flythroughSource', () => {
  it('lists clips with depth and cameras and renders only the asked frames', async () => {
    const source = flythroughSource({ count: 3, width: 48, height: 36, frames: 10 });
    expect(source).toMatchObject({ kind: 'clip', name: 'flythrough:3:48x36:10', hasDepth: true, hasCameras: true });
    const items = await source.list();
    expect(items.map((i) => i.id)).toEqual(['flythrough-000000', 'flythrough-000001', 'flythrough-000002']);
    const info = await items[1]!.probe();
    expect(info).toMatchObject({ frameCount: 10, frameRate: 10, duration: 1, width: 48, height: 36 });
    expect(info.frameTime(4)).toBeCloseTo(0.4, 12);
    const frames = await items[1]!.frames([9, 2, 9]);
    expect(frames.map((f) => [f.index, f.time])).toEqual([[9, 0.9], [2, 0.2], [9, 0.9]]);
    const path = planFlythrough({ seed: sceneSeed(0, 1), frames: 10 });
    const direct = renderFlythroughFrame(path, 2, 48, 36);
    expect(Buffer.from(frames[1]!.rgb.data).equals(Buffer.from(direct.rgb.data))).toBe(true);
    expect(frames[1]!.depth).toEqual(direct.depth);
    expect(frames[1]!.camera).toEqual(direct.camera);
    // Item i flies through the scene of synthetic item i.
    expect(Buffer.from((await items[1]!.frames([0]))[0]!.rgb.data).equals(Buffer.from(renderScene({ seed: sceneSeed(0, 1), width: 48, height: 36 }).rgb.data))).toBe(true);
  });

  it('parses specs and refuses bad ones', () => {
    expect(parseFlythroughSpec('flythrough')).toEqual({ count: 1000 });
    expect(parseFlythroughSpec('flythrough:20:320x240:8:seed=4')).toEqual({ count: 20, width: 320, height: 240, frames: 8, seed: 4 });
    expect(parseFlythroughSpec(flythroughSource({ count: 2, frames: 5, seed: -3 }).name)).toEqual({ count: 2, width: 640, height: 480, frames: 5, seed: -3 });
    expect(() => parseFlythroughSpec('flythrough:2:320x240:0')).toThrow(/frames must be 1-10000/);
    expect(() => parseFlythroughSpec('flythrough:x')).toThrow(SceneError);
    expect(() => flythroughSource({ count: 1, frames: 0 })).toThrow(/frames must be an integer/);
  });
});
