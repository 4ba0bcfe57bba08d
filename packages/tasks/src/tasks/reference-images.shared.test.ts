import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeImage, depthFromNpy, readH5Depth, readNpyFile, type DepthMap, type RgbImage } from '@spatial-ssrl/image';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '@spatial-ssrl/spec';
import { isRejection, type Task, type TaskSample } from '../task.js';
import { verifyCrop, verifyDepth, verifyFlip, verifyPosition, verifyShuffle } from './__fixtures__/verify.js';
import { cropParams, cropTask } from './crop/crop.js';
import { depthTask } from './depth/depth.js';
import { flipTask } from './flip/flip.js';
import { positionTask } from './position/position.js';
import { shuffleTask } from './shuffle/shuffle.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const sharedDir = process.env.SSRL_SHARED_DIR ?? join(repoRoot, '..', 'shared');
const imagesDir = join(sharedDir, 'fixtures', 'reference-images');
const available = existsSync(join(imagesDir, 'RGB-D_img1.jpg'));

interface Reference {
  readonly name: string;
  readonly rgb: RgbImage;
  readonly depth?: DepthMap;
}

function run<P>(task: Task<P>, ref: Reference, seeds: number, params: P = task.params.parse({})): { samples: TaskSample[]; codes: string[] } {
  const samples: TaskSample[] = [];
  const codes: string[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const r = task.generate({ rgb: ref.rgb, depth: ref.depth, source: { dataset: 'reference', id: ref.name } }, params, createRng(seed));
    if (isRejection(r)) codes.push(r.code);
    else samples.push(r);
  }
  return { samples, codes };
}

describe.runIf(available)('tasks on the reference images', () => {
  const refs: Reference[] = [];

  beforeAll(async () => {
    const file = (name: string): string => join(imagesDir, name);
    refs.push({ name: 'RGB_img', rgb: await decodeImage(file('RGB_img.png')) });
    refs.push({ name: 'RGB-D_img1', rgb: await decodeImage(file('RGB-D_img1.jpg')), depth: await readH5Depth(file('RGB-D_depth1.h5')) });
    refs.push({ name: 'RGB-D_img2', rgb: await decodeImage(file('RGB-D_img2.jpg')), depth: await readH5Depth(file('RGB-D_depth2.h5')) });
    const depth3 = depthFromNpy(await readNpyFile(file('RGB-D_depth3.npy')), await readNpyFile(file('RGB-D_depth_mask3.npy')));
    refs.push({ name: 'RGB-D_img3', rgb: await decodeImage(file('RGB-D_img3.png')), depth: depth3 });
  });

  it('shuffle restores every reference image when reassembled by the answer', () => {
    for (const ref of refs) {
      const { samples } = run(shuffleTask, ref, 6);
      expect(samples.length).toBeGreaterThan(2);
      for (const s of samples) expect(verifyShuffle(s, ref.rgb), `${ref.name} ${s.variant}`).toEqual([]);
    }
  });

  it('flip names the flipped patch of every reference image', () => {
    for (const ref of refs) {
      const { samples, codes } = run(flipTask, ref, 6);
      expect(codes.every((c) => c === 'flip-invisible')).toBe(true);
      for (const s of samples) expect(verifyFlip(s, ref.rgb), ref.name).toEqual([]);
    }
  });

  it('crop puts the raw crop at the answer letter, separate and composite', () => {
    const composite = cropParams.parse({ layout: 'composite' });
    for (const ref of refs) {
      for (const s of [...run(cropTask, ref, 3).samples, ...run(cropTask, ref, 2, composite).samples]) expect(verifyCrop(s, ref.rgb), ref.name).toEqual([]);
    }
  });

  it('depth orders the markers by the true depth on DIODE and MegaDepth', () => {
    for (const ref of refs.filter((r) => r.depth)) {
      const { samples } = run(depthTask, ref, 4);
      expect(samples.length, ref.name).toBe(4);
      for (const s of samples) expect(verifyDepth(s, ref.depth!), ref.name).toEqual([]);
    }
  });

  it('position answers by the table on DIODE and MegaDepth, with both pair kinds', () => {
    const kinds = new Set<string>();
    for (const ref of refs.filter((r) => r.depth)) {
      const { samples } = run(positionTask, ref, 6);
      expect(samples.length, ref.name).toBe(6);
      for (const s of samples) {
        kinds.add(s.variant);
        expect(verifyPosition(s, ref.depth!), ref.name).toEqual([]);
      }
    }
    expect(kinds).toEqual(new Set(['far', 'near']));
  });

  it('gives identical bytes when a reference sample is generated twice', () => {
    const ref = refs[1];
    for (const task of [shuffleTask, flipTask, cropTask, depthTask, positionTask] as Task<unknown>[]) {
      const first = run(task, ref, 3).samples;
      const again = run(task, ref, 3).samples;
      expect(first.length, task.id).toBeGreaterThan(0);
      expect(again.map((s) => s.answer)).toEqual(first.map((s) => s.answer));
      first.forEach((s, i) => s.images.forEach((img, k) => expect(Buffer.from(again[i].images[k].image.data).equals(Buffer.from(img.image.data))).toBe(true)));
    }
  });
});
