import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SceneError } from './errors.js';
import { layoutScene } from './scene-layout.js';
import { SEGMENT, renderLayout, renderScene, type RenderedScene } from './scene-render.js';
import type { SceneMeta } from './scene-types.js';

const DEG = Math.PI / 180;
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

/**
 * SHA-256 of rgb + depth + valid + segments for fixed renders, per Node.js major version: V8's
 * own Math routines make the bytes identical on every machine with the same major version.
 * Update these when the renderer changes on purpose.
 */
const PINNED: Record<number, Array<{ seed: number; width: number; height: number; quality: 'standard' | 'high'; sha256: string }>> = {
  20: [
    { seed: 2024, width: 64, height: 48, quality: 'standard', sha256: '8bc3801bcfa4df120ea34ad97b6fcc364be949b9c33eccfb6ebe576a49f280fd' },
    { seed: 7, width: 160, height: 120, quality: 'high', sha256: 'f163fe151e42601619b0cde369fe9a97cdf340a5b121f2f3c46b935a573a52b4' },
  ],
};

function digest(scene: RenderedScene): string {
  const h = createHash('sha256');
  h.update(scene.rgb.data);
  h.update(new Uint8Array(scene.depth.data.buffer));
  h.update(scene.depth.valid);
  h.update(scene.segments.data);
  return h.digest('hex');
}

/** The camera ray through pixel centre (x, y), rebuilt from the documented camera model. */
function pixelRay(meta: SceneMeta, width: number, height: number, x: number, y: number) {
  const f = width / 2 / Math.tan((meta.camera.hfovDeg * DEG) / 2);
  const p = meta.camera.pitchDeg * DEG;
  const forward = [0, -Math.sin(p), Math.cos(p)];
  const up = [0, Math.cos(p), Math.sin(p)];
  const u = (x + 0.5 - width / 2) / f;
  const v = (height / 2 - (y + 0.5)) / f;
  const dir = [u, forward[1] + v * up[1], forward[2] + v * up[2]];
  const len = Math.hypot(dir[0], dir[1], dir[2]);
  return { origin: [0, meta.camera.height, 0], dir: dir.map((c) => c / len), forward };
}

/** Camera-space depth of a point at distance `s` along a unit ray. */
function cameraZ(ray: ReturnType<typeof pixelRay>, s: number): number {
  return s * (ray.dir[0] * ray.forward[0] + ray.dir[1] * ray.forward[1] + ray.dir[2] * ray.forward[2]);
}

/**
 * One SHA-256 over 24 seeds × 3 qualities at 96×72 and one over a 640×480 render, per Node.js
 * major version: recorded before objects could rest on others or wear eyes, so they show that
 * every `layoutScene` scene still renders to the same bytes.
 */
const PINNED_MANY: Record<number, { small: string; large: string }> = {
  20: {
    small: '97639bd1db8c4825c12789fb3eaf264ba0d56d3c34894d9d58fb2ac8f8d3418c',
    large: 'f9fe94d35c9e0c4b7e58008ea58aa166b49054c218b8cbc5c8abfb3bff0a1b14',
  },
};

describe.runIf(NODE_MAJOR in PINNED)(`renderScene output pinned for Node ${NODE_MAJOR}`, () => {
  for (const pin of PINNED[NODE_MAJOR] ?? []) {
    it(`seed ${pin.seed} at ${pin.width}×${pin.height} (${pin.quality}) has the recorded digest`, () => {
      expect(digest(renderScene(pin))).toBe(pin.sha256);
    });
  }

  it('keeps the recorded bytes of 72 small renders and one 640×480 render', () => {
    const h = createHash('sha256');
    for (let seed = 0; seed < 24; seed++) {
      for (const quality of ['draft', 'standard', 'high'] as const) {
        const s = renderScene({ seed: seed * 7919 + 3, width: 96, height: 72, quality });
        h.update(s.rgb.data);
        h.update(new Uint8Array(s.depth.data.buffer));
        h.update(s.depth.valid);
        h.update(s.segments.data);
      }
    }
    expect(h.digest('hex')).toBe(PINNED_MANY[NODE_MAJOR]!.small);
    expect(digest(renderScene({ seed: 11, width: 640, height: 480 }))).toBe(PINNED_MANY[NODE_MAJOR]!.large);
  });
});

describe('renderScene', () => {
  it('is deterministic and different seeds give different images', () => {
    const a = renderScene({ seed: 7, width: 160, height: 120 });
    const b = renderScene({ seed: 7, width: 160, height: 120 });
    const c = renderScene({ seed: 8, width: 160, height: 120 });
    expect(digest(a)).toBe(digest(b));
    expect(Buffer.from(a.rgb.data).equals(Buffer.from(c.rgb.data))).toBe(false);
  });

  it('renders any resolution with consistent buffers', () => {
    for (const [width, height] of [
      [97, 61],
      [1, 1],
      [33, 200],
      [1280, 960],
    ]) {
      const scene = renderScene({ seed: 3, width, height });
      expect(scene.rgb.width).toBe(width);
      expect(scene.rgb.height).toBe(height);
      expect(scene.rgb.data.length).toBe(width * height * 3);
      expect(scene.depth.data.length).toBe(width * height);
      expect(scene.depth.valid.length).toBe(width * height);
      expect(scene.segments.data.length).toBe(width * height);
      let inconsistent = 0;
      for (let i = 0; i < width * height; i++) {
        const sky = scene.segments.data[i] === SEGMENT.sky;
        const ok = sky
          ? scene.depth.valid[i] === 0 && scene.depth.data[i] === 0
          : scene.depth.valid[i] === 1 && scene.depth.data[i] > 0 && Number.isFinite(scene.depth.data[i]);
        if (!ok) inconsistent++;
      }
      expect(inconsistent).toBe(0);
    }
  });

  it('draws the same scene at every resolution (layout independent of size)', () => {
    expect(renderScene({ seed: 11, width: 50, height: 40 }).meta).toEqual(renderScene({ seed: 11, width: 640, height: 480 }).meta);
  });

  it('gives exact camera-space depth on the ground, the hills and spheres', () => {
    const width = 320;
    const height = 240;
    let checkedGround = 0;
    let checkedHills = 0;
    let checkedSpheres = 0;
    for (let seed = 0; seed < 12; seed++) {
      const scene = renderScene({ seed, width, height });
      const { meta } = scene;
      for (let y = 0; y < height; y += 3) {
        for (let x = 0; x < width; x += 3) {
          const i = y * width + x;
          const seg = scene.segments.data[i];
          const ray = pixelRay(meta, width, height, x, y);
          let s: number | undefined;
          if (seg === SEGMENT.ground) {
            s = meta.camera.height / -ray.dir[1];
            checkedGround++;
          } else if (seg === SEGMENT.backdrop) {
            s = meta.backdrop.distance / Math.hypot(ray.dir[0], ray.dir[2]);
            const hitY = meta.camera.height + s * ray.dir[1];
            expect(hitY).toBeGreaterThanOrEqual(0);
            expect(hitY).toBeLessThanOrEqual(meta.backdrop.maxHeight);
            checkedHills++;
          } else if (seg >= SEGMENT.firstObject && meta.objects[seg - SEGMENT.firstObject].kind === 'sphere') {
            const o = meta.objects[seg - SEGMENT.firstObject];
            const r = o.size[0] / 2;
            const oc = [ray.origin[0] - o.position[0], ray.origin[1] - r, ray.origin[2] - o.position[2]];
            const b = oc[0] * ray.dir[0] + oc[1] * ray.dir[1] + oc[2] * ray.dir[2];
            const c = oc[0] ** 2 + oc[1] ** 2 + oc[2] ** 2 - r * r;
            s = -b - Math.sqrt(b * b - c);
            checkedSpheres++;
          }
          if (s === undefined) continue;
          const expected = cameraZ(ray, s);
          expect(Math.abs(scene.depth.data[i] - expected) / expected).toBeLessThan(1e-4);
        }
      }
    }
    expect(checkedGround).toBeGreaterThan(1000);
    expect(checkedHills).toBeGreaterThan(100);
    expect(checkedSpheres).toBeGreaterThan(20);
  });

  it('labels pixels in front of an object as that object only when the object is nearer than the ground', () => {
    const scene = renderScene({ seed: 5, width: 200, height: 150 });
    const { meta } = scene;
    for (let i = 0; i < scene.segments.data.length; i++) {
      const seg = scene.segments.data[i];
      if (seg < SEGMENT.firstObject) continue;
      const x = i % 200;
      const y = Math.floor(i / 200);
      const ray = pixelRay(meta, 200, 150, x, y);
      if (ray.dir[1] < 0) {
        const ground = cameraZ(ray, meta.camera.height / -ray.dir[1]);
        expect(scene.depth.data[i]).toBeLessThanOrEqual(ground * (1 + 1e-6));
      }
    }
  });

  it('keeps depth and segments identical across qualities and smooths the high-quality image', () => {
    const draft = renderScene({ seed: 21, width: 120, height: 90, quality: 'draft' });
    const standard = renderScene({ seed: 21, width: 120, height: 90 });
    const high = renderScene({ seed: 21, width: 120, height: 90, quality: 'high' });
    for (const other of [draft, high]) {
      expect(Buffer.from(other.depth.data.buffer).equals(Buffer.from(standard.depth.data.buffer))).toBe(true);
      expect(Buffer.from(other.segments.data).equals(Buffer.from(standard.segments.data))).toBe(true);
    }
    expect(Buffer.from(high.rgb.data).equals(Buffer.from(standard.rgb.data))).toBe(false);
    let diff = 0;
    for (let i = 0; i < high.rgb.data.length; i++) diff += Math.abs(high.rgb.data[i] - standard.rgb.data[i]);
    expect(diff / high.rgb.data.length).toBeLessThan(12);
  });

  it('casts sun shadows exactly where an object blocks the sun', () => {
    let shadowedTotal = 0;
    for (let seed = 0; seed < 10; seed++) {
      const width = 240;
      const height = 180;
      const lit = renderScene({ seed, width, height, quality: 'draft' });
      const full = renderScene({ seed, width, height });
      const { meta } = full;
      const [lx, ly, lz] = meta.light.direction;
      let shadowed = 0;
      for (let i = 0; i < width * height; i++) {
        if (full.segments.data[i] !== SEGMENT.ground) continue;
        const o = i * 3;
        const darker = full.rgb.data[o] + full.rgb.data[o + 1] + full.rgb.data[o + 2];
        const base = lit.rgb.data[o] + lit.rgb.data[o + 1] + lit.rgb.data[o + 2];
        // Ground shading is the same in both qualities apart from shadows.
        expect(darker).toBeLessThanOrEqual(base);
        const ray = pixelRay(meta, width, height, i % width, Math.floor(i / width));
        const s = meta.camera.height / -ray.dir[1];
        const p = [s * ray.dir[0], 0, s * ray.dir[2]];
        // Distance of each object's bounding sphere (or exact sphere) centre from the sun ray.
        let blocked = false;
        let surelyBlocked = false;
        for (const obj of meta.objects) {
          const half = [obj.size[0] / 2, obj.size[1] / 2, obj.size[2] / 2];
          const c = [obj.position[0], half[1], obj.position[2]];
          const oc = [c[0] - p[0], c[1] - p[1], c[2] - p[2]];
          const along = oc[0] * lx + oc[1] * ly + oc[2] * lz;
          if (along <= 0) continue;
          const miss = Math.hypot(oc[0] - along * lx, oc[1] - along * ly, oc[2] - along * lz);
          if (miss <= Math.hypot(half[0], half[1], half[2])) blocked = true;
          if (obj.kind === 'sphere' && miss < 0.9 * half[0]) surelyBlocked = true;
        }
        const isShadow = darker < base - 6;
        if (isShadow) {
          shadowed++;
          expect(blocked).toBe(true);
        }
        if (surelyBlocked) expect(darker).toBeLessThan(base);
      }
      shadowedTotal += shadowed;
    }
    expect(shadowedTotal).toBeGreaterThan(2000);
  });

  it('rejects bad options with a SceneError and a code', () => {
    const cases: Array<[unknown, string]> = [
      [{ seed: 1.5 }, 'invalid-seed'],
      [{ seed: 1, width: 0 }, 'invalid-size'],
      [{ seed: 1, height: 10.5 }, 'invalid-size'],
      [{ seed: 1, width: 9000 }, 'invalid-size'],
      [{ seed: 1, quality: 'ultra' }, 'invalid-option'],
      [null, 'invalid-option'],
    ];
    for (const [options, code] of cases) {
      let caught: unknown;
      try {
        renderScene(options as never);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(SceneError);
      expect((caught as SceneError).code).toBe(code);
    }
  });
});

/** A scene of `layoutScene(seed)` with its objects replaced. */
function withObjects(seed: number, objects: SceneMeta['objects']): SceneMeta {
  return { ...layoutScene(seed), objects };
}

function object(kind: SceneMeta['objects'][number]['kind'], position: [number, number, number], size: [number, number, number], extra: Partial<SceneMeta['objects'][number]> = {}): SceneMeta['objects'][number] {
  return { kind, position, size, yawDeg: 0, color: [200, 60, 50], secondaryColor: [80, 20, 20], texture: 'stripes', textureScale: 0.3, ...extra };
}

function pixelCount(scene: RenderedScene, code: number): number {
  let n = 0;
  for (const s of scene.segments.data) if (s === code) n++;
  return n;
}

describe('renderLayout', () => {
  it('renders a layoutScene result to the same bytes as renderScene', () => {
    for (const seed of [0, 42, -7]) {
      for (const quality of ['draft', 'standard', 'high'] as const) {
        expect(digest(renderLayout(layoutScene(seed), { width: 80, height: 60, quality }))).toBe(digest(renderScene({ seed, width: 80, height: 60, quality })));
      }
    }
  });

  it('draws an object resting on another at its height, with exact depth', () => {
    const width = 240;
    const height = 180;
    const box = object('box', [0, 0, 6], [1.2, 1, 1.2]);
    const sphere = object('sphere', [0, 1, 6], [0.8, 0.8, 0.8], { texture: 'dots', color: [40, 80, 220] });
    const meta = withObjects(3, [box, sphere]);
    const scene = renderLayout(meta, { width, height });
    let checked = 0;
    let sphereTop = height;
    let boxTop = height;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const seg = scene.segments.data[y * width + x];
        if (seg === SEGMENT.firstObject) boxTop = Math.min(boxTop, y);
        if (seg !== SEGMENT.firstObject + 1) continue;
        sphereTop = Math.min(sphereTop, y);
        const ray = pixelRay(meta, width, height, x, y);
        const oc = [ray.origin[0], ray.origin[1] - 1.4, ray.origin[2] - 6];
        const b = oc[0] * ray.dir[0] + oc[1] * ray.dir[1] + oc[2] * ray.dir[2];
        const c = oc[0] ** 2 + oc[1] ** 2 + oc[2] ** 2 - 0.16;
        const expected = cameraZ(ray, -b - Math.sqrt(b * b - c));
        expect(Math.abs(scene.depth.data[y * width + x] - expected) / expected).toBeLessThan(1e-4);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
    expect(sphereTop).toBeLessThan(boxTop);
    // The same sphere on the ground shows lower in the image.
    const grounded = renderLayout(withObjects(3, [box, { ...sphere, position: [0, 0, 6] }]), { width, height });
    let groundedTop = height;
    grounded.segments.data.forEach((s, i) => {
      if (s === SEGMENT.firstObject + 1) groundedTop = Math.min(groundedTop, Math.floor(i / width));
    });
    expect(groundedTop).toBeGreaterThan(sphereTop + 10);
  });

  it('paints eyes on the front only: visible when the object faces the camera, absent when it faces away', () => {
    const width = 200;
    const height = 150;
    const facing = object('box', [0, 0, 5], [1.2, 1.2, 1.2], { yawDeg: 180, texture: 'noise', secondaryColor: [200, 60, 50] });
    for (const [yawDeg, changes] of [
      [180, true],
      [0, false],
    ] as const) {
      const plain = renderLayout(withObjects(9, [{ ...facing, yawDeg }]), { width, height });
      const eyed = renderLayout(withObjects(9, [{ ...facing, yawDeg, eyes: true }]), { width, height });
      expect(Buffer.from(eyed.segments.data).equals(Buffer.from(plain.segments.data))).toBe(true);
      expect(Buffer.from(eyed.depth.data.buffer).equals(Buffer.from(plain.depth.data.buffer))).toBe(true);
      let white = 0;
      let dark = 0;
      let elsewhere = 0;
      for (let i = 0; i < width * height; i++) {
        const d = Math.abs(eyed.rgb.data[i * 3] - plain.rgb.data[i * 3]) + Math.abs(eyed.rgb.data[i * 3 + 2] - plain.rgb.data[i * 3 + 2]);
        if (d === 0) continue;
        if (plain.segments.data[i] !== SEGMENT.firstObject) elsewhere++;
        else if (eyed.rgb.data[i * 3 + 2] > plain.rgb.data[i * 3 + 2]) white++;
        else dark++;
      }
      expect(elsewhere).toBe(0);
      if (changes) {
        expect(white).toBeGreaterThan(30);
        expect(dark).toBeGreaterThan(5);
      } else expect(white + dark).toBe(0);
    }
  });

  it('rejects a layout it cannot render with invalid-layout naming the field', () => {
    const good = withObjects(1, [object('box', [0, 0, 5], [1, 1, 1])]);
    const cases: Array<[SceneMeta, RegExp]> = [
      [withObjects(1, [object('box', [0, -0.5, 5], [1, 1, 1])]), /objects\[0\]\.position\[1\]/],
      [withObjects(1, [object('box', [0, 0, 5], [1, 0, 1])]), /objects\[0\]\.size\[1\]/],
      [withObjects(1, [object('box', [0, 0, 500], [1, 1, 1])]), /ring of hills/],
      [withObjects(1, [{ ...object('box', [0, 0, 5], [1, 1, 1]), kind: 'torus' as never }]), /objects\[0\]\.kind/],
      [withObjects(1, [object('box', [0, Number.NaN, 5], [1, 1, 1])]), /objects\[0\]\.position\[1\] must be a finite number/],
      [{ ...good, camera: { ...good.camera, hfovDeg: 0 } }, /camera\.hfovDeg/],
      [{ ...good, light: { ...good.light, direction: [0, -1, 0] } }, /light\.direction/],
      [withObjects(1, Array.from({ length: 253 }, (_, i) => object('sphere', [((i % 23) - 11) * 0.6, 0, 4 + Math.floor(i / 23) * 0.6], [0.2, 0.2, 0.2]))), /at most 252/],
    ];
    for (const [meta, message] of cases) {
      let caught: unknown;
      try {
        renderLayout(meta, { width: 16, height: 12 });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(SceneError);
      expect((caught as SceneError).code).toBe('invalid-layout');
      expect((caught as SceneError).message).toMatch(message);
    }
  });
});
