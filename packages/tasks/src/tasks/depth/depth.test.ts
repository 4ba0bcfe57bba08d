import { labelColouredFill, markerRadiusFor } from '@spatial-ssrl/image';
import { describe, expect, it } from 'vitest';
import { createRng } from '@spatial-ssrl/spec';
import { isRejection, type TaskSample } from '../../task.js';
import { depthFrom, inputOf, pixel, texturedRgb } from '../__fixtures__/inputs.js';
import { verifyDepth } from '../__fixtures__/verify.js';
import { minMarkerDistance } from '../marker-geometry.js';
import { DEPTH_PROMPT, depthParams, depthTask, type DepthMeta } from './depth.js';
import { percentileNormalise } from './depth-normalise.js';


const params = depthParams.parse({});

// Three vertical stripes at 2, 5 and 9 m with a gentle slope, so each band has flat regions.
const W = 240;
const H = 160;
const stripes = depthFrom(W, H, (x, y) => (x < 80 ? 2 : x < 160 ? 5 : 9) + 0.002 * y);
const rgb = texturedRgb(W, H, 6);

function sampleOf(seed: number, depth = stripes): TaskSample {
  const r = depthTask.generate(inputOf(rgb, depth), params, createRng(seed));
  if (isRejection(r)) throw new Error(`unexpected rejection ${r.code}: ${r.reason}`);
  return r;
}

describe('depth prompt', () => {
  it('is the reference wording after one <image> placeholder', () => {
    expect(sampleOf(1).prompt).toBe(`<image>${DEPTH_PROMPT}`);
    expect(DEPTH_PROMPT).toBe(
      "The original image has three regions marked as 1, 2, and 3. Consider the content, positional relationships, depths of the three regions and other cues, and sort the depths of the three regions from smallest to largest from the camera, where the format of the answer is 'Smallest-Middle-Largest'.",
    );
  });
});

describe('depth faithfulness', () => {
  it('orders the marker labels by the true source depth at their centres', () => {
    const answers = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      const sample = sampleOf(seed);
      const meta = sample.meta as unknown as DepthMeta;
      const byDepth = meta.markers
        .map((m) => ({ label: m.label, d: stripes.data[m.y * W + m.x] }))
        .sort((a, b) => a.d - b.d)
        .map((m) => m.label);
      expect(sample.answer).toBe(byDepth.join('-'));
      expect(verifyDepth(sample, stripes)).toEqual([]);
      expect(meta.order).toEqual(byDepth);
      for (const m of meta.markers) {
        expect(m.depth).toBe(stripes.data[m.y * W + m.x]);
        const [lo, hi] = meta.bands[m.band];
        expect(m.normalised).toBeGreaterThanOrEqual(lo);
        expect(m.normalised).toBeLessThanOrEqual(hi);
      }
      answers.add(sample.answer);
    }
    expect(answers.size).toBe(6);
  });

  it('draws three markers fully inside the image, apart from each other, at the image resolution', () => {
    const radius = markerRadiusFor(W, H);
    for (let seed = 0; seed < 20; seed++) {
      const sample = sampleOf(seed);
      const meta = sample.meta as unknown as DepthMeta;
      const out = sample.images[0].image;
      expect([out.width, out.height]).toEqual([W, H]);
      expect(meta.markerRadius).toBe(radius);
      for (const m of meta.markers) {
        expect(m.x - radius).toBeGreaterThanOrEqual(0);
        expect(m.y - radius).toBeGreaterThanOrEqual(0);
        expect(m.x + radius).toBeLessThan(W);
        expect(m.y + radius).toBeLessThan(H);
        // A point inside the white disk, beside the digit.
        expect(pixel(out, m.x, m.y - radius + 4)).toEqual([255, 255, 255]);
      }
      for (let i = 0; i < 3; i++) {
        for (let j = i + 1; j < 3; j++) {
          const a = meta.markers[i];
          const b = meta.markers[j];
          expect(Math.hypot(a.x - b.x, a.y - b.y)).toBeGreaterThanOrEqual(minMarkerDistance(radius));
        }
      }
      // Away from the markers the image is the source.
      expect(pixel(out, 0, 0)).toEqual(pixel(rgb, 0, 0));
    }
  });

  it('colours each marker by its label with markerFill by-label, drawing the same places and answer', () => {
    const coloured = depthParams.parse({ markerFill: 'by-label' });
    for (let seed = 0; seed < 6; seed++) {
      const white = sampleOf(seed);
      const r = depthTask.generate(inputOf(rgb, stripes), coloured, createRng(seed));
      if (isRejection(r)) throw new Error(r.reason);
      expect(r.answer).toBe(white.answer);
      expect(r.meta).toEqual(white.meta);
      const radius = (r.meta as unknown as DepthMeta).markerRadius;
      for (const m of (r.meta as unknown as DepthMeta).markers) {
        expect(pixel(r.images[0].image, m.x, m.y - radius + 4)).toEqual([...labelColouredFill(m.label)]);
      }
    }
    expect(() => depthParams.parse({ markerFill: 'red' })).toThrow();
  });

  it('picks only centres whose 25×25 window is flat, usable and in the band', () => {
    const normalised = percentileNormalise(stripes, 0.5, 99.5);
    if (isRejection(normalised as never)) throw new Error('normalisation failed');
    const { norm } = normalised as { norm: Float32Array };
    for (let seed = 0; seed < 10; seed++) {
      const meta = sampleOf(seed).meta as unknown as DepthMeta;
      for (const m of meta.markers) {
        expect(m.window).toBe(25);
        let lo = Infinity;
        let hi = -Infinity;
        for (let y = m.y - 12; y <= m.y + 12; y++) {
          for (let x = m.x - 12; x <= m.x + 12; x++) {
            lo = Math.min(lo, norm[y * W + x]);
            hi = Math.max(hi, norm[y * W + x]);
          }
        }
        expect(hi).toBeLessThanOrEqual(1);
        expect(hi - lo).toBeLessThan(0.15);
      }
    }
  });

  it('falls back to 11×11 windows when a band has no flat 25×25 region', () => {
    // The far band only exists as an 18-px-wide stripe: too narrow for a 25-px window.
    const narrow = depthFrom(W, H, (x) => (x < 100 ? 2 : x < 222 ? 5 : 9));
    const meta = sampleOf(3, narrow).meta as unknown as DepthMeta;
    const far = meta.markers.find((m) => m.band === 2)!;
    expect(far.window).toBe(11);
    expect(far.x).toBeGreaterThanOrEqual(222 + 5);
    expect(meta.markers.filter((m) => m.band !== 2).every((m) => m.window === 25)).toBe(true);
  });
});

describe('depth normalisation', () => {
  it('uses the 0.5/99.5 percentiles of valid pixels and leaves outliers unusable, not clipped', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i + 1);
    const depth = depthFrom(100, 10, (x, y) => values[y * 100 + x]);
    const n = percentileNormalise(depth, 0.5, 99.5) as { norm: Float32Array; pLo: number; pHi: number };
    // numpy.percentile(range(1, 1001), [0.5, 99.5]) = [5.995, 995.005]
    expect(n.pLo).toBeCloseTo(5.995, 9);
    expect(n.pHi).toBeCloseTo(995.005, 9);
    expect(n.norm[0]).toBeGreaterThan(1);
    expect(n.norm[999]).toBeGreaterThan(1);
    expect(n.norm[500]).toBeCloseTo((501 - 5.995) / (995.005 - 5.995), 6);
  });
});

describe('depth rejections', () => {
  const reasons = (depth: ReturnType<typeof depthFrom> | undefined, image = rgb) => {
    const r = depthTask.generate(inputOf(image, depth), params, createRng(1));
    return isRejection(r) ? r.code : 'sample';
  };

  it('needs depth of the image size', () => {
    expect(reasons(undefined)).toBe('depth-required');
    expect(reasons(depthFrom(10, 10, () => 1))).toBe('depth-size-mismatch');
  });

  it('rejects depth without valid pixels or without range', () => {
    expect(reasons(depthFrom(W, H, () => Number.NaN))).toBe('no-valid-depth');
    expect(reasons(depthFrom(W, H, () => 3))).toBe('no-depth-range');
  });

  it('rejects a depth map with an empty band', () => {
    expect(reasons(depthFrom(W, H, (x) => (x < 120 ? 2 : 9)))).toBe('no-region');
  });

  it('rejects when the only regions lie under each other’s markers', () => {
    // Three adjacent 12-px patches of valid depth: each fits an 11-px window, but they are closer
    // than two marker radii.
    const depth = depthFrom(W, H, (x, y) => (y >= 70 && y < 82 && x >= 100 && x < 136 ? (x < 112 ? 2 : x < 124 ? 5 : 9) : Number.NaN));
    expect(reasons(depth)).toBe('markers-overlap');
  });

  it('rejects images smaller than the fallback window or a marker', () => {
    const small = texturedRgb(10, 10);
    expect(reasons(depthFrom(10, 10, (x) => x + 1), small)).toBe('image-too-small');
  });

  it('validates its params', () => {
    expect(depthParams.safeParse({ window: { size: 24, maxRange: 0.1 } }).success).toBe(false);
    expect(depthParams.safeParse({ percentiles: [99, 1] }).success).toBe(false);
    expect(depthParams.safeParse({ bands: [[0, 0.5], [0.4, 0.6], [0.7, 1]] }).success).toBe(false);
    expect(depthParams.parse({}).window).toEqual({ size: 25, maxRange: 0.15 });
  });
});

describe('depth under a left-right mirror', () => {
  it('keeps the answer: the markers move, their depths do not', () => {
    const s = sampleOf(3);
    expect(depthTask.mirrorAnswer!({ variant: s.variant, answer: s.answer, meta: s.meta })).toBe(s.answer);
    expect(depthTask.mirrorAnswer!({ variant: s.variant, answer: '1-1-2', meta: s.meta })).toBeNull();
  });
});
