import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeImage, type CameraView, type CapturedView, type RgbImage } from '@spatial-ssrl/image';
import { renderViewPair, sceneSeed } from '@spatial-ssrl/scenes';
import { createRng } from '@spatial-ssrl/spec';
import { readSamples } from '@spatial-ssrl/spec/node';
import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../dataset/writer.js';
import { describeTask } from '../../testing/index.js';
import { isRejection, type ViewPairInput } from '../../task.js';
import { tempDirs } from '../__fixtures__/test-video.js';
import { correspondenceParams, correspondenceTask, type CorrespondenceMeta } from './correspondence.js';

describeTask(correspondenceTask, { samples: 200 });
describeTask(correspondenceTask, { params: { minDistance: 1, maxPixelDistance: 60, markerRadius: 6, markerFill: 'by-label' }, samples: 80 });

const dirs = tempDirs();

// The camera model written out again: pixel centre + depth → world → other camera's pixel.
function toWorld(cam: CameraView, px: number, py: number, depth: number): number[] {
  const { fx, fy, cx, cy } = cam.intrinsics;
  const c = [((px - cx) / fx) * depth, ((py - cy) / fy) * depth, depth];
  const R = cam.pose.rotation;
  return [0, 1, 2].map((row) => cam.pose.position[row] + R[row * 3] * c[0] + R[row * 3 + 1] * c[1] + R[row * 3 + 2] * c[2]);
}
function toPixel(cam: CameraView, world: readonly number[]): { x: number; y: number; z: number } {
  const R = cam.pose.rotation;
  const d = world.map((w, k) => w - cam.pose.position[k]);
  const c = [0, 1, 2].map((col) => R[col] * d[0] + R[3 + col] * d[1] + R[6 + col] * d[2]);
  return { x: cam.intrinsics.cx + (cam.intrinsics.fx * c[0]) / c[2], y: cam.intrinsics.cy + (cam.intrinsics.fy * c[1]) / c[2], z: c[2] };
}

/** Centre of the pixels where `marked` differs from `plain` within `reach` of `(x, y)`, and how many differ outside every marker. */
function markerCentre(marked: RgbImage, plain: RgbImage, x: number, y: number, reach: number): { x: number; y: number } {
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (let yy = y - reach; yy <= y + reach; yy++) {
    for (let xx = x - reach; xx <= x + reach; xx++) {
      const k = (yy * plain.width + xx) * 3;
      if (marked.data[k] !== plain.data[k] || marked.data[k + 1] !== plain.data[k + 1] || marked.data[k + 2] !== plain.data[k + 2]) {
        sx += xx;
        sy += yy;
        n++;
      }
    }
  }
  return { x: sx / n, y: sy / n };
}

function changedOutside(marked: RgbImage, plain: RgbImage, centres: readonly { x: number; y: number }[], reach: number): number {
  let changed = 0;
  for (let y = 0; y < plain.height; y++) {
    for (let x = 0; x < plain.width; x++) {
      if (centres.some((c) => Math.abs(c.x - x) <= reach && Math.abs(c.y - y) <= reach)) continue;
      const k = (y * plain.width + x) * 3;
      if (marked.data[k] !== plain.data[k] || marked.data[k + 1] !== plain.data[k + 1] || marked.data[k + 2] !== plain.data[k + 2]) changed++;
    }
  }
  return changed;
}

// The verifier: the markers sit where the metadata says (by pixels, against a fresh render of
// the same pair); the answer's view-2 point, lifted with view 2's depth and projected into view
// 1, lands within one pixel of the marked view-1 point; every distractor's 3-D point is far from it.
function verify(meta: CorrespondenceMeta, answer: string, shown: readonly RgbImage[], views: readonly [CapturedView, CapturedView]): void {
  const r = meta.markerRadius;
  const p = markerCentre(shown[0], views[0].rgb, meta.point.x, meta.point.y, r);
  expect(Math.hypot(p.x - meta.point.x, p.y - meta.point.y)).toBeLessThan(0.5);
  expect(changedOutside(shown[0], views[0].rgb, [meta.point], r)).toBe(0);
  expect(changedOutside(shown[1], views[1].rgb, meta.candidates, r)).toBe(0);
  const chosen = meta.candidates['ABCD'.indexOf(answer)];
  const c = markerCentre(shown[1], views[1].rgb, chosen.x, chosen.y, r);
  expect(Math.hypot(c.x - chosen.x, c.y - chosen.y)).toBeLessThan(0.5);
  const [cam1, cam2] = [views[0].camera, views[1].camera];
  const depth2 = views[1].depth!;
  const lift = (x: number, y: number) => toWorld(cam2, x + 0.5, y + 0.5, depth2.data[y * depth2.width + x]);
  const back = toPixel(cam1, lift(chosen.x, chosen.y));
  expect(back.z).toBeGreaterThan(0);
  expect(Math.hypot(back.x - (meta.point.x + 0.5), back.y - (meta.point.y + 0.5))).toBeLessThanOrEqual(1);
  // View 1's depth at the point agrees with the lifted point's depth in view 1: not occluded there.
  const depth1 = views[0].depth!;
  expect(Math.abs(depth1.data[meta.point.y * depth1.width + meta.point.x] - back.z)).toBeLessThan(0.03 * back.z);
  const target = toWorld(cam1, meta.point.x + 0.5, meta.point.y + 0.5, depth1.data[meta.point.y * depth1.width + meta.point.x]);
  for (const other of meta.candidates.filter((o) => o !== chosen)) {
    const w = lift(other.x, other.y);
    expect(Math.hypot(w[0] - target[0], w[1] - target[1], w[2] - target[2])).toBeGreaterThanOrEqual(0.5);
  }
}

describe('correspondence on synthetic view pairs', () => {
  it('writes samples whose answer reprojects within one pixel of the marked point', async () => {
    const out = await mkdtemp(join(tmpdir(), 'ssrl-correspondence-'));
    dirs.track(out);
    await generateDataset({ sources: [], viewPairs: ['twoview:6:160x120'], tasks: [{ task: correspondenceTask }], count: 12, seed: 4, out, workers: 1 });
    let n = 0;
    const letters = new Set<string>();
    for await (const record of readSamples(out)) {
      const shown = await Promise.all(record.images.map(async (f) => decodeImage(await readFile(join(out, f)))));
      const index = Number(record.source.id.replace('pair-', ''));
      const pair = renderViewPair({ seed: sceneSeed(0, index), width: 160, height: 120 });
      verify(record.meta as unknown as CorrespondenceMeta, record.answer, shown, pair.views);
      letters.add(record.answer);
      n++;
    }
    expect(n).toBe(12);
    expect(letters.size).toBeGreaterThanOrEqual(3);
  }, 300_000);

  it('rejects a view-2 point hidden behind a nearer surface (occlusion from depth)', () => {
    const pair = renderViewPair({ seed: sceneSeed(0, 1), width: 128, height: 96, quality: 'draft' });
    const [v1, v2] = pair.views;
    // A wall right in front of view 2: every reprojected point is occluded there.
    const wall = { ...v2.depth!, data: new Float32Array(v2.depth!.data.length).fill(0.05), valid: new Uint8Array(v2.depth!.data.length).fill(1) };
    const input: ViewPairInput = { kind: 'view-pair', views: [v1, { ...v2, depth: wall }], source: { dataset: 'fixture', id: 'occluded' } };
    const result = correspondenceTask.generate(input, correspondenceParams.parse({}), createRng(3));
    expect(isRejection(result) && result.code).toBe('no-visible-point');
    const noDepth: ViewPairInput = { ...input, views: [v1, { rgb: v2.rgb, camera: v2.camera }] };
    const r2 = correspondenceTask.generate(noDepth, correspondenceParams.parse({}), createRng(3));
    expect(isRejection(r2) && r2.code).toBe('depth-required');
  });
});
