import { cameraModel, checkLayout, projectPoint, sceneSeed } from '@spatial-ssrl/scenes';
import { describe, expect, it } from 'vitest';
import { composeScene } from './compose.js';
import { SYNTH_COLOURS, SYNTH_PATTERNS, SYNTH_SHAPES } from './vocabulary.js';

const SEEDS = Array.from({ length: 120 }, (_, i) => sceneSeed(5, i));

describe('composeScene', () => {
  it('is a pure function of the seed and a valid, JSON-serialisable scene graph', () => {
    const a = composeScene(SEEDS[0]!);
    expect(JSON.parse(JSON.stringify(composeScene(SEEDS[0]!)))).toEqual(JSON.parse(JSON.stringify(a)));
    expect(composeScene(SEEDS[1]!)).not.toEqual(a);
    for (const seed of SEEDS) checkLayout(composeScene(seed).meta);
  });

  it('names every object by the colour, shape and pattern it is drawn with', () => {
    for (const seed of SEEDS) {
      const { meta, objects } = composeScene(seed);
      expect(objects).toHaveLength(meta.objects.length);
      expect(objects.length).toBeGreaterThanOrEqual(3);
      expect(objects.length).toBeLessThanOrEqual(7);
      objects.forEach((o, i) => {
        const m = meta.objects[i]!;
        expect(m.kind).toBe(SYNTH_SHAPES[o.shape]);
        expect(m.texture).toBe(SYNTH_PATTERNS[o.pattern]);
        const base = SYNTH_COLOURS[o.colour];
        // A brightness scale of the named colour: channel ratios are kept within rounding.
        const k = Math.max(...m.color) / Math.max(...base);
        expect(k).toBeGreaterThan(0.85);
        expect(k).toBeLessThan(1.06);
        for (let c = 0; c < 3; c++) expect(Math.abs(m.color[c]! - base[c]! * k)).toBeLessThanOrEqual(2);
        if (o.pattern === 'plain') expect(m.secondaryColor).toEqual(m.color);
        expect(m.eyes === true).toBe(o.eyes);
      });
    }
  });

  it('rests stacked objects centred on a flat top, and keeps ground objects apart', () => {
    let stacked = 0;
    for (const seed of SEEDS) {
      const { meta, objects } = composeScene(seed);
      objects.forEach((o, i) => {
        const m = meta.objects[i]!;
        if (o.restsOn < 0) {
          expect(m.position[1]).toBe(0);
          return;
        }
        stacked++;
        const under = meta.objects[o.restsOn]!;
        expect(['box', 'cylinder']).toContain(under.kind);
        expect(objects[o.restsOn]!.restsOn).toBe(-1);
        expect(m.position[1]).toBeCloseTo(under.size[1], 12);
        expect([m.position[0], m.position[2]]).toEqual([under.position[0], under.position[2]]);
        const reach = m.kind === 'box' || m.kind === 'pyramid' ? Math.hypot(m.size[0], m.size[2]) / 2 : m.size[0] / 2;
        expect(reach).toBeLessThanOrEqual(Math.min(under.size[0], under.size[2]) / 2);
      });
      const ground = meta.objects.filter((_, i) => objects[i]!.restsOn < 0);
      for (let a = 0; a < ground.length; a++) {
        for (let b = a + 1; b < ground.length; b++) {
          const d = Math.hypot(ground[a]!.position[0] - ground[b]!.position[0], ground[a]!.position[2] - ground[b]!.position[2]);
          expect(d).toBeGreaterThan(0.35);
        }
      }
    }
    expect(stacked).toBeGreaterThan(40);
  });

  it('frames every object inside the image and turns eyes towards the camera side', () => {
    for (const seed of SEEDS) {
      const { meta } = composeScene(seed, 4 / 3);
      const cam = cameraModel(meta.camera, 400, 300);
      for (const m of meta.objects) {
        const top = projectPoint(cam, [m.position[0], m.position[1] + m.size[1], m.position[2]]);
        const bottom = projectPoint(cam, [m.position[0], m.position[1], m.position[2]]);
        for (const p of [top, bottom]) {
          expect(p.x).toBeGreaterThan(0);
          expect(p.x).toBeLessThan(400);
          expect(p.y).toBeGreaterThan(0);
          expect(p.y).toBeLessThan(300);
        }
        if (!m.eyes) continue;
        const yaw = (m.yawDeg * Math.PI) / 180;
        const toCamera = [-m.position[0], -m.position[2]];
        const cos = (Math.sin(yaw) * toCamera[0]! + Math.cos(yaw) * toCamera[1]!) / Math.hypot(toCamera[0]!, toCamera[1]!);
        expect(cos).toBeGreaterThan(Math.cos((75.001 * Math.PI) / 180));
      }
    }
  });
});
