import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeImage } from '../codec.js';
import { encodeNpy } from '../npy.js';
import { createRgb } from '../raster.js';
import { diodeSource } from './diode-source.js';

let root: string;

async function put(rel: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(join(root, rel)), { recursive: true });
  await writeFile(join(root, rel), bytes);
}

const png = (w: number, h: number) => encodeImage(createRgb(w, h, [10, 20, 30]));

function depthNpy(w: number, h: number, value: number, channel = true): Uint8Array {
  return encodeNpy({ shape: channel ? [h, w, 1] : [h, w], dtype: 'float32', data: new Float32Array(w * h).fill(value) });
}

const SCAN = 'val/indoors/scene_00019/scan_00183/00019_00183_indoors_000_010';
const OTHER = 'train/outdoors/scene_2/scan_2';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ssrl-diode-'));
  await put(`${SCAN}.png`, await png(6, 4));
  await put(`${SCAN}_depth.npy`, depthNpy(6, 4, 2.5));
  // DIODE masks can be wider than the depth; the extra column must be ignored.
  const mask = new Float32Array(7 * 4).fill(1);
  mask[0] = 0;
  await put(`${SCAN}_depth_mask.npy`, encodeNpy({ shape: [4, 7], dtype: 'float32', data: mask }));
  await put('val/outdoor/scene_1/scan_1/x.png', await png(3, 2));
  await put('val/outdoor/scene_1/scan_1/x_depth.npy', depthNpy(3, 2, 40, false));
  await put(`${OTHER}/nodepth.png`, await png(3, 2));
  await put(`${OTHER}/wrongsize.png`, await png(3, 2));
  await put(`${OTHER}/wrongsize_depth.npy`, depthNpy(4, 2, 1));
  await put(`${OTHER}/zero.png`, await png(3, 2));
  await put(`${OTHER}/zero_depth.npy`, depthNpy(3, 2, 0));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('diodeSource', () => {
  it('lists every PNG with a sibling _depth.npy, id without extension', async () => {
    const source = diodeSource(root);
    expect(source.name).toBe(`diode:${root}`);
    expect(source.hasDepth).toBe(true);
    const items = await source.list();
    expect(items.map((i) => i.id)).toEqual([
      `${OTHER}/wrongsize`,
      `${OTHER}/zero`,
      SCAN,
      'val/outdoor/scene_1/scan_1/x',
    ]);
    expect(items.every((i) => i.dataset === 'diode' && i.hasDepth)).toBe(true);
  });

  it('loads RGB with depth, applying the mask cropped to the depth width', async () => {
    const items = await diodeSource(root).list();
    const { rgb, depth } = await items[2].load();
    expect([rgb.width, rgb.height]).toEqual([6, 4]);
    expect(depth && [depth.width, depth.height]).toEqual([6, 4]);
    expect(Array.from(depth!.valid.subarray(0, 7))).toEqual([0, 1, 1, 1, 1, 1, 1]);
    expect(depth!.data[1]).toBe(2.5);
    const noMask = await items[3].load();
    expect(Array.from(noMask.depth!.valid)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(noMask.depth!.data[0]).toBe(40);
  });

  it('refuses depth of another size and depth without a valid pixel', async () => {
    const items = await diodeSource(root).list();
    await expect(items[0].load()).rejects.toMatchObject({ name: 'ImageSourceError', code: 'depth-size-mismatch' });
    await expect(items[0].load()).rejects.toThrow(/depth 4×2 .* does not match image 3×2/);
    await expect(items[1].load()).rejects.toMatchObject({ name: 'ImageSourceError', code: 'depth-empty' });
  });
});
