import { renderLayout, SEGMENT, type RenderedScene, type SceneMeta } from '@spatial-ssrl/scenes';
import { beforeAll, describe, expect, it } from 'vitest';
import { composeScene, type SynthScene } from './compose.js';
import { SYNTH_DEFAULTS, SynthGenerator, type SynthItem } from './generate.js';

// Every answer is worked out again here, from the scene graph and from the rendered depth and
// segment maps, with this file's own geometry (none of the generator's helpers).

const WIDTH = 320;
const HEIGHT = 240;

interface Rendered {
  readonly scene: SynthScene;
  readonly render: RenderedScene;
}

function generate(bench: 'synth-spatial' | 'synth-general', count: number): SynthItem[] {
  const g = new SynthGenerator({ ...SYNTH_DEFAULTS, bench, count, seed: 11, width: WIDTH, height: HEIGHT });
  const items: SynthItem[] = [];
  for (let k = 0; !g.complete(); k++) items.push(...g.scene(k).items);
  return items;
}

const cache = new Map<number, Rendered>();
function sceneOf(item: SynthItem): Rendered {
  let r = cache.get(item.sceneSeed);
  if (!r) {
    const scene = composeScene(item.sceneSeed, WIDTH / HEIGHT);
    r = { scene, render: renderLayout(scene.meta, { width: WIDTH, height: HEIGHT }) };
    cache.set(item.sceneSeed, r);
  }
  return r;
}

function indexOf(scene: SynthScene, name: string): number {
  const hits = scene.objects.flatMap((o, i) => (`${o.colour} ${o.shape}` === name.replace(/^the /, '') ? [i] : []));
  expect(hits, `"${name}" names exactly one object`).toHaveLength(1);
  return hits[0]!;
}

const measured = new WeakMap<RenderedScene, Map<number, { n: number; x: number; y: number; depth: number }>>();

/** Pixels of object `i` in the segment map: count, centroid, median depth from the depth map. */
function pixelsOf(render: RenderedScene, i: number): { n: number; x: number; y: number; depth: number } {
  const known = measured.get(render) ?? measured.set(render, new Map()).get(render)!;
  const hit = known.get(i);
  if (hit) return hit;
  const m = measure(render, i);
  known.set(i, m);
  return m;
}

function measure(render: RenderedScene, i: number): { n: number; x: number; y: number; depth: number } {
  const { width, data } = render.segments;
  const depths: number[] = [];
  let sx = 0;
  let sy = 0;
  for (let p = 0; p < data.length; p++) {
    if (data[p] !== SEGMENT.firstObject + i) continue;
    sx += (p % width) + 0.5;
    sy += Math.floor(p / width) + 0.5;
    depths.push(render.depth.data[p]!);
  }
  depths.sort((a, b) => a - b);
  const n = depths.length;
  return { n, x: sx / n, y: sy / n, depth: n % 2 ? depths[n >> 1]! : (depths[n / 2 - 1]! + depths[n / 2]!) / 2 };
}

function centre(meta: SceneMeta, i: number): [number, number, number] {
  const o = meta.objects[i]!;
  return [o.position[0], o.position[1] + o.size[1] / 2, o.position[2]];
}

/** Pinhole projection of a world point with the documented camera: pixel x and camera depth. */
function project(meta: SceneMeta, p: readonly number[]): { x: number; depth: number } {
  const pitch = (meta.camera.pitchDeg * Math.PI) / 180;
  const f = WIDTH / 2 / Math.tan((meta.camera.hfovDeg * Math.PI) / 360);
  const d = [p[0]!, p[1]! - meta.camera.height, p[2]!];
  const depth = -Math.sin(pitch) * d[1]! + Math.cos(pitch) * d[2]!;
  return { x: WIDTH / 2 + (f * d[0]!) / depth, depth };
}

function cameraDistance(meta: SceneMeta, i: number): number {
  const c = centre(meta, i);
  return Math.hypot(c[0], c[1] - meta.camera.height, c[2]);
}

function volume(meta: SceneMeta, i: number): number {
  const { kind, size } = meta.objects[i]!;
  const [w, h, d] = size;
  if (kind === 'box') return w * h * d;
  if (kind === 'sphere') return (4 / 3) * Math.PI * (w / 2) ** 3;
  if (kind === 'cylinder') return Math.PI * (w / 2) ** 2 * h;
  if (kind === 'cone') return (Math.PI * (w / 2) ** 2 * h) / 3;
  return (w * w * h) / 3;
}

function distance3d(meta: SceneMeta, i: number, j: number): number {
  const a = centre(meta, i);
  const b = centre(meta, j);
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/** The side of `i` relative to `j`, from the segment map, and from the scene graph's projection. */
function side(r: Rendered, i: number, j: number): { image: 'left' | 'right'; graph: 'left' | 'right' } {
  return {
    image: pixelsOf(r.render, i).x < pixelsOf(r.render, j).x ? 'left' : 'right',
    graph: project(r.scene.meta, centre(r.scene.meta, i)).x < project(r.scene.meta, centre(r.scene.meta, j)).x ? 'left' : 'right',
  };
}

function answerText(item: SynthItem): string {
  return item.choices[item.answer]!;
}

function checkSpatial(item: SynthItem): void {
  const r = sceneOf(item);
  const { meta, objects } = r.scene;
  const named = item.objects.map((n) => indexOf(r.scene, n));
  for (const i of named) expect(pixelsOf(r.render, i).n, `${item.question}: object visible`).toBeGreaterThanOrEqual(0.002 * WIDTH * HEIGHT);
  const [a, b] = named as [number, number];
  const text = answerText(item);
  switch (item.category) {
    case 'left-right': {
      const s = side(r, a, b);
      expect(s.image).toBe(s.graph);
      expect(text).toMatch(s.image === 'left' ? /left/ : /right/);
      return;
    }
    case 'front-behind': {
      const nearer = pixelsOf(r.render, a).depth < pixelsOf(r.render, b).depth;
      expect(project(meta, centre(meta, a)).depth < project(meta, centre(meta, b)).depth).toBe(nearer);
      expect(text).toMatch(nearer ? /in front/ : /behind/);
      return;
    }
    case 'closer-farther': {
      const closest = /closest|nearest/.test(item.question);
      const byDistance = [...named].sort((x, y) => cameraDistance(meta, x) - cameraDistance(meta, y));
      const byDepth = [...named].sort((x, y) => pixelsOf(r.render, x).depth - pixelsOf(r.render, y).depth);
      const expected = closest ? byDistance[0]! : byDistance[byDistance.length - 1]!;
      expect(closest ? byDepth[0] : byDepth[byDepth.length - 1]).toBe(expected);
      expect(indexOf(r.scene, text)).toBe(expected);
      return;
    }
    case 'above-below': {
      const onTop = objects[a]!.restsOn === b;
      expect(onTop || objects[b]!.restsOn === a).toBe(true);
      const [top, bottom] = onTop ? [a, b] : [b, a];
      expect(meta.objects[top]!.position[1]).toBeCloseTo(meta.objects[bottom]!.position[1] + meta.objects[bottom]!.size[1], 9);
      expect(pixelsOf(r.render, top).y).toBeLessThan(pixelsOf(r.render, bottom).y);
      expect(text).toMatch(onTop ? /above|on top/ : /below|underneath/);
      return;
    }
    case 'larger-smaller': {
      const larger = volume(meta, a) > volume(meta, b);
      expect(Math.max(volume(meta, a), volume(meta, b)) / Math.min(volume(meta, a), volume(meta, b))).toBeGreaterThanOrEqual(2);
      if (text.startsWith('the ')) expect(indexOf(r.scene, text)).toBe(larger ? a : b);
      else expect(text).toBe(larger ? 'larger' : 'smaller');
      return;
    }
    case 'nearest': {
      const others = meta.objects.map((_, i) => i).filter((i) => i !== a);
      others.sort((x, y) => distance3d(meta, a, x) - distance3d(meta, a, y));
      expect(indexOf(r.scene, text)).toBe(others[0]);
      expect(distance3d(meta, a, others[0]!)).toBeLessThanOrEqual(0.75 * distance3d(meta, a, others[1]!));
      return;
    }
    case 'viewpoint': {
      const o = meta.objects[a]!;
      expect(o.eyes).toBe(true);
      const yaw = (o.yawDeg * Math.PI) / 180;
      const f = [Math.sin(yaw), Math.cos(yaw)];
      const d = [meta.objects[b]!.position[0] - o.position[0], meta.objects[b]!.position[2] - o.position[2]];
      const ahead = d[0]! * f[0]! + d[1]! * f[1]!;
      const right = d[0]! * f[1]! - d[1]! * f[0]!;
      const expected = Math.abs(ahead) >= Math.abs(right) ? (ahead > 0 ? /front|ahead/ : /behind/) : right > 0 ? /right/ : /left/;
      expect(text).toMatch(expected);
      // The eyes face the camera side, so they show in the image.
      const toCamera = [-o.position[0], -o.position[2]];
      expect(f[0]! * toCamera[0]! + f[1]! * toCamera[1]!).toBeGreaterThan(0);
      return;
    }
    case 'count-relation': {
      const relation = item.facts.relation as string;
      let n = 0;
      for (let j = 0; j < meta.objects.length; j++) {
        if (j === a) continue;
        expect(pixelsOf(r.render, j).n).toBeGreaterThan(0);
        let holds: boolean;
        if (relation === 'left' || relation === 'right') {
          const s = side(r, j, a);
          expect(s.image).toBe(s.graph);
          holds = s.image === relation;
        } else if (relation === 'closer' || relation === 'farther') holds = (cameraDistance(meta, j) < cameraDistance(meta, a)) === (relation === 'closer');
        else holds = (volume(meta, j) > volume(meta, a)) === (relation === 'larger');
        if (holds) n++;
      }
      expect(text).toBe(String(n));
      return;
    }
    default:
      throw new Error(`no check for ${item.category}`);
  }
}

function checkGeneral(item: SynthItem): void {
  const r = sceneOf(item);
  const { objects } = r.scene;
  const text = answerText(item);
  switch (item.category) {
    case 'colour':
    case 'shape':
    case 'material': {
      const i = indexOf(r.scene, item.objects[0]!);
      expect(pixelsOf(r.render, i).n).toBeGreaterThanOrEqual(0.002 * WIDTH * HEIGHT);
      const o = objects[i]!;
      expect(text).toBe(item.category === 'colour' ? o.colour : item.category === 'shape' ? o.shape : o.pattern);
      // The question names the object without the asked attribute, and uniquely.
      const question = item.question.replace(' in the image', '');
      const tail = question.slice(question.toLowerCase().lastIndexOf('the ') + 4);
      const phrase = tail.match(/^((?:[a-z]+ )*?(?:cube|sphere|cylinder|cone|pyramid|object))\b/)![1]!;
      expect(phrase.split(' ')).not.toContain(text);
      const words = phrase.split(' ').filter((w) => w !== 'object');
      const matches = objects.flatMap((x, k) => (words.every((w) => w === x.colour || w === x.shape || w === x.pattern) ? [k] : []));
      expect(matches).toEqual([i]);
      return;
    }
    case 'presence': {
      const name = item.question.match(/(?:a|an) ([a-z]+ [a-z]+)(?: in the image)?\?$/)![1]!;
      const present = objects.some((o) => `${o.colour} ${o.shape}` === name);
      expect(text).toBe(present ? 'yes' : 'no');
      if (present) {
        const visible = objects.some((o, i) => `${o.colour} ${o.shape}` === name && pixelsOf(r.render, i).n >= 0.002 * WIDTH * HEIGHT);
        expect(visible).toBe(true);
      }
      return;
    }
    case 'count': {
      const { kind, colour, shape } = item.facts as { kind: string; colour: string; shape: string };
      const n = objects.filter((o) => (kind === 'colour' || o.shape === shape) && (kind === 'shape' || o.colour === colour)).length;
      expect(text).toBe(String(n));
      for (let i = 0; i < objects.length; i++) {
        const o = objects[i]!;
        if ((kind === 'colour' || o.shape === shape) && (kind === 'shape' || o.colour === colour)) expect(pixelsOf(r.render, i).n).toBeGreaterThan(0);
      }
      return;
    }
    default:
      throw new Error(`no check for ${item.category}`);
  }
}

describe('synthetic benchmark answers, worked out again from the scene graph and the rendered maps', () => {
  let spatial: SynthItem[] = [];
  let general: SynthItem[] = [];
  beforeAll(() => {
    spatial = generate('synth-spatial', 240);
    general = generate('synth-general', 200);
  }, 120_000);

  it('gets every synth-spatial answer right', () => {
    expect(spatial).toHaveLength(240);
    const seen = new Set<string>();
    for (const item of spatial) {
      checkSpatial(item);
      seen.add(item.category);
    }
    expect([...seen].sort()).toEqual(['above-below', 'closer-farther', 'count-relation', 'front-behind', 'larger-smaller', 'left-right', 'nearest', 'viewpoint']);
  });

  it('gets every synth-general answer right', () => {
    expect(general).toHaveLength(200);
    for (const item of general) checkGeneral(item);
  });

  it('uses several phrasings per category', () => {
    for (const items of [spatial, general]) {
      const phrasings = new Map<string, Set<number>>();
      for (const item of items) (phrasings.get(item.category) ?? phrasings.set(item.category, new Set()).get(item.category)!).add(item.phrasing);
      for (const [category, set] of phrasings) expect(set.size, category).toBe(3);
    }
  });
});
