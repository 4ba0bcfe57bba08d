import { labelColouredFill, markerRadiusFor } from '@spatial-ssrl/image';
import { describe, expect, it } from 'vitest';
import { createRng } from '@spatial-ssrl/spec';
import { isRejection, type TaskSample } from '../../task.js';
import { depthFrom, inputOf, pixel, texturedRgb } from '../__fixtures__/inputs.js';
import { verifyPosition } from '../__fixtures__/verify.js';
import { minMarkerDistance } from '../marker-geometry.js';
import { COMPOUND_DIRECTIONS, SINGLE_DIRECTIONS, positionAnswer } from './position-answers.js';
import { findBlocks, findPair, minMaxNormalise, type Block, type MinMaxDepth } from './position-candidates.js';
import { positionParams, positionPrompt, positionTask, type PositionMeta } from './position.js';


const params = positionParams.parse({});
const W = 480;
const H = 320;
// Left half near (2), right half far (8), each with a gentle vertical slope: far pairs across the
// halves, near pairs side by side within a half.
const halves = depthFrom(W, H, (x, y) => (x < W / 2 ? 2 : 8) + 0.001 * y);
const rgb = texturedRgb(W, H, 12);

function sampleOf(seed: number, p = params, depth = halves): TaskSample {
  const r = positionTask.generate(inputOf(rgb, depth), p, createRng(seed));
  if (isRejection(r)) throw new Error(`unexpected rejection ${r.code}: ${r.reason}`);
  return r;
}

const normalisedCache = new WeakMap<object, MinMaxDepth>();
function windowStats(depth: typeof halves, x: number, y: number, half: number) {
  let n = normalisedCache.get(depth);
  if (n === undefined) {
    n = minMaxNormalise(depth) as MinMaxDepth;
    normalisedCache.set(depth, n);
  }
  let lo = Infinity;
  let hi = -Infinity;
  let raw = -Infinity;
  for (let yy = y - half; yy <= y + half; yy++) {
    for (let xx = x - half; xx <= x + half; xx++) {
      const i = yy * depth.width + xx;
      lo = Math.min(lo, n.norm[i]);
      hi = Math.max(hi, n.norm[i]);
      raw = Math.max(raw, depth.data[i]);
    }
  }
  return { lo, hi, raw };
}

describe('position prompt', () => {
  it('is the reference wording, with the height clause for far pairs only', () => {
    expect(positionPrompt(2, 'away', 1, ['Left', 'Front', 'Back', 'Right'], 'far')).toBe(
      "<image>I've taken an image and there are two regions marked as 1, and 2 on the image. Assume that there is a camera at position '2' and it's facing to away from me. According to the camera, where is the region marker '1'? A. Left B. Front C. Back D. Right. Consider cues such as depth, orientation, and 3D spatial relationship and ignore the height difference between the two regions. The final answer should be chosen from 'A', 'B', 'C', and 'D'.",
    );
    expect(positionPrompt(1, 'left', 2, ['Right-Back', 'Left-Front', 'Right-Front', 'Left-Back'], 'near')).toBe(
      "<image>I've taken an image and there are two regions marked as 1, and 2 on the image. Assume that there is a camera at position '1' and it's facing to the left of the image. According to the camera, where is the region marker '2'? A. Right-Back B. Left-Front C. Right-Front D. Left-Back. Consider cues such as depth, orientation, and 3D spatial relationship. The final answer should be chosen from 'A', 'B', 'C', and 'D'.",
    );
  });
});

describe('position faithfulness', () => {
  it('answers by the table from the marker geometry, with depths read from the source', () => {
    const kinds = new Set<string>();
    for (let seed = 0; seed < 60; seed++) {
      const sample = sampleOf(seed);
      const meta = sample.meta as unknown as PositionMeta;
      kinds.add(meta.pairKind);
      expect(sample.variant).toBe(meta.pairKind);
      const camera = meta.markers.find((m) => m.label === meta.cameraLabel)!;
      const target = meta.markers.find((m) => m.label === meta.targetLabel)!;
      expect(meta.cameraLabel + meta.targetLabel).toBe(3);
      for (const m of meta.markers) expect(m.depth).toBe(windowStats(halves, m.x, m.y, 7).raw);
      const direction = positionAnswer({ kind: meta.pairKind, facing: meta.facing, dx: target.x - camera.x, dd: target.depth - camera.depth, compoundDx: 150 });
      expect(meta.direction).toBe(direction);
      expect(meta.options['ABCD'.indexOf(sample.answer)]).toBe(direction);
      expect(meta.letter).toBe(sample.answer);
      expect(verifyPosition(sample, halves)).toEqual([]);
      expect([...meta.options].sort()).toEqual([...(meta.compound ? COMPOUND_DIRECTIONS : SINGLE_DIRECTIONS)].sort());
      expect(meta.compound).toBe(meta.pairKind === 'far' && Math.abs(target.x - camera.x) > 150);
      expect(sample.prompt).toContain(`camera at position '${meta.cameraLabel}'`);
      expect(sample.prompt).toContain(`region marker '${meta.targetLabel}'?`);
    }
    expect(kinds).toEqual(new Set(['far', 'near']));
  });

  it('finds far pairs with depth intervals ≥ 0.25 apart and near pairs level and side by side', () => {
    const md = Math.floor(Math.min(W, H) / 8);
    for (let seed = 0; seed < 30; seed++) {
      const meta = sampleOf(seed).meta as unknown as PositionMeta;
      const [a, b] = meta.markers;
      const sa = windowStats(halves, a.x, a.y, 7);
      const sb = windowStats(halves, b.x, b.y, 7);
      const gap = Math.max(sa.lo - sb.hi, sb.lo - sa.hi);
      if (meta.pairKind === 'far') {
        expect(gap).toBeGreaterThanOrEqual(0.25);
        expect(Math.hypot(a.x - b.x, a.y - b.y)).toBeGreaterThanOrEqual(md);
      } else {
        expect(gap).toBeLessThan(0.25);
        expect(Math.abs(a.y - b.y)).toBeLessThan(30);
        expect(Math.abs(a.x - b.x)).toBeGreaterThanOrEqual(md);
      }
      for (const m of meta.markers) {
        expect(Math.abs(m.x - Math.floor(W / 2))).toBeLessThanOrEqual(0.45 * W);
        expect(Math.abs(m.y - Math.floor(H / 2))).toBeLessThanOrEqual(0.45 * H);
        expect(m.x - meta.markerRadius).toBeGreaterThanOrEqual(0);
        expect(m.x + meta.markerRadius).toBeLessThan(W);
      }
      expect(Math.hypot(a.x - b.x, a.y - b.y)).toBeGreaterThanOrEqual(minMarkerDistance(markerRadiusFor(W, H)));
    }
  });

  it('colours markers 1 and 2 by label with markerFill by-label, the question unchanged', () => {
    const coloured = positionParams.parse({ markerFill: 'by-label' });
    for (let seed = 0; seed < 6; seed++) {
      const white = sampleOf(seed);
      const r = sampleOf(seed, coloured);
      expect([r.prompt, r.answer]).toEqual([white.prompt, white.answer]);
      const meta = r.meta as unknown as PositionMeta;
      for (const m of meta.markers) {
        expect(pixel(r.images[0].image, m.x, m.y - meta.markerRadius + 4)).toEqual([...labelColouredFill(m.label)]);
        expect(pixel(white.images[0].image, m.x, m.y - meta.markerRadius + 4)).toEqual([255, 255, 255]);
      }
    }
  });

  it('draws facings with weights 30/30/30/10', () => {
    const counts = { left: 0, right: 0, me: 0, away: 0 };
    const small = depthFrom(128, 96, (x) => (x < 64 ? 2 : 8));
    const image = texturedRgb(128, 96);
    for (let seed = 0; seed < 800; seed++) {
      const r = positionTask.generate(inputOf(image, small), params, createRng(seed));
      if (isRejection(r)) throw new Error(r.reason);
      counts[(r.meta as unknown as PositionMeta).facing]++;
    }
    // Expected 240/240/240/80; ±5 binomial standard deviations.
    for (const f of ['left', 'right', 'me'] as const) expect(Math.abs(counts[f] - 240)).toBeLessThan(65);
    expect(Math.abs(counts.away - 80)).toBeLessThan(43);
  });

  it('tries far pairs first with farProbability 1 and falls back to near when there is none', () => {
    const farFirst = positionParams.parse({ farProbability: 1 });
    expect((sampleOf(1, farFirst).meta as unknown as PositionMeta).pairKind).toBe('far');
    // Every central block at the same normalised depth (one far strip at the edge sets the scale).
    const flat = depthFrom(W, H, (x) => (x < 4 ? 10 : 4));
    expect((sampleOf(1, farFirst, flat).meta as unknown as PositionMeta).pairKind).toBe('near');
  });
});

describe('position pair search', () => {
  const block = (x: number, y: number, lo: number, hi: number): Block => ({ x, y, lo, hi, depth: hi });
  const rule = { separation: 0.25, minDistance: 40, nearMaxDy: 30 };

  it('returns the first qualifying pair in candidate order', () => {
    const blocks = [block(100, 100, 0.1, 0.2), block(110, 100, 0.8, 0.9), block(200, 100, 0.5, 0.55), block(200, 300, 0.9, 1)];
    // (0,1) is too close; (0,2) has a gap 0.3 ≥ 0.25 and is 100 px apart.
    expect(findPair(blocks, 'far', rule)).toEqual([blocks[0], blocks[2]]);
    // Near: (0,1) too close, (0,2) gap too big, (1,2) gap 0.25 is not < 0.25, (2,3) |Δy| too big.
    expect(findPair(blocks, 'near', rule)).toBeNull();
    const level = [...blocks, block(150, 110, 0.15, 0.3)];
    expect(findPair(level, 'near', rule)).toEqual([blocks[0], level[4]]);
  });

  it('orders candidate blocks by distance to the image centre and keeps only flat, valid windows', () => {
    const depth = depthFrom(W, H, (x, y) => (x > 300 && y > 200 ? Number.NaN : 2 + (x < 240 ? 0 : 0.05 * (x - 240))));
    const n = minMaxNormalise(depth) as MinMaxDepth;
    const blocks = findBlocks(depth, n, { window: 15, maxRange: 0.15, centreFraction: 0.45, edgeMargin: 7, stride: 4, maxCandidates: 5000, markerRadius: 10 });
    expect(blocks.length).toBeGreaterThan(100);
    let prev = -1;
    for (const b of blocks) {
      const d2 = (b.x - 240) ** 2 + (b.y - 160) ** 2;
      expect(d2).toBeGreaterThanOrEqual(prev);
      prev = d2;
      const s = windowStats(depth, b.x, b.y, 7);
      expect(Number.isFinite(s.hi) && s.hi <= 1).toBe(true);
      expect(s.hi - s.lo).toBeLessThanOrEqual(0.15 + 1e-6);
      expect([b.lo, b.hi]).toEqual([s.lo, s.hi]);
      expect(b.x > 300 - 8 && b.y > 200 - 8).toBe(false);
    }
    const capped = findBlocks(depth, n, { window: 15, maxRange: 0.15, centreFraction: 0.45, edgeMargin: 7, stride: 4, maxCandidates: 10, markerRadius: 10 });
    expect(capped).toEqual(blocks.slice(0, 10));
  });
});

describe('position rejections', () => {
  const code = (depth: ReturnType<typeof depthFrom> | undefined, image = rgb) => {
    const r = positionTask.generate(inputOf(image, depth), params, createRng(1));
    return isRejection(r) ? r.code : 'sample';
  };

  it('needs valid depth with a range', () => {
    expect(code(undefined)).toBe('depth-required');
    expect(code(depthFrom(W, H, () => 0))).toBe('no-valid-depth');
    expect(code(depthFrom(W, H, () => 5))).toBe('no-depth-range');
  });

  it('rejects depth without flat central blocks or without any pair', () => {
    expect(code(depthFrom(W, H, (x, y) => 1 + ((x * 7 + y * 13) % 10)))).toBe('no-region');
    // One small flat island in the centre (an edge strip sets the depth scale): blocks exist on a
    // 1-px grid, but no two are far enough apart.
    const island = depthFrom(W, H, (x, y) => (x < 4 ? 10 : Math.abs(x - 240) < 12 && Math.abs(y - 160) < 12 ? 3 : Number.NaN));
    const r = positionTask.generate(inputOf(rgb, island), positionParams.parse({ stride: 1 }), createRng(1));
    expect(isRejection(r) && r.code).toBe('no-pair');
  });

  it('rejects images too small for two markers', () => {
    expect(code(depthFrom(30, 30, (x) => x + 1), texturedRgb(30, 30))).toBe('image-too-small');
  });
});
