import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeImage } from '../codec.js';
import { createRgb } from '../raster.js';
import { megadepthSource } from './megadepth-source.js';

let root: string;
let h5: typeof import('h5wasm/node');

async function putJpeg(rel: string, w: number, h: number): Promise<void> {
  await mkdir(dirname(join(root, rel)), { recursive: true });
  await writeFile(join(root, rel), await encodeImage(createRgb(w, h, [9, 9, 9]), { format: 'jpeg' }));
}

async function putH5(rel: string, w: number, h: number, value: number): Promise<void> {
  await mkdir(dirname(join(root, rel)), { recursive: true });
  const f = new h5.File(join(root, rel), 'w');
  f.create_dataset({ name: 'depth', data: new Float32Array(w * h).fill(value), shape: [h, w], dtype: '<f' });
  f.close();
}

beforeAll(async () => {
  h5 = await import('h5wasm/node');
  await h5.ready;
  root = await mkdtemp(join(tmpdir(), 'ssrl-megadepth-'));
  await putJpeg('0001/dense0/imgs/a.jpg', 6, 5);
  await putH5('0001/dense0/depths/a.h5', 6, 5, 3);
  await putJpeg('0001/dense1/imgs/b.jpg', 6, 5);
  await putJpeg('0002/dense0/imgs/c.JPG', 4, 2);
  await putH5('0002/dense0/depths/c.h5', 4, 2, 0);
  await putJpeg('0002/dense0/imgs/d.jpg', 4, 2);
  await putH5('0002/dense0/depths/d.h5', 5, 2, 1);
  await putJpeg('0002/dense0/other/e.jpg', 4, 2);
  await putH5('0002/dense0/depths/e.h5', 4, 2, 1);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('megadepthSource', () => {
  it('pairs imgs/<stem>.jpg with depths/<stem>.h5', async () => {
    const source = megadepthSource(root);
    expect(source.name).toBe(`megadepth:${root}`);
    expect(source.hasDepth).toBe(true);
    const items = await source.list();
    expect(items.map((i) => i.id)).toEqual(['0001/dense0/imgs/a', '0002/dense0/imgs/c', '0002/dense0/imgs/d']);
    expect(items.every((i) => i.dataset === 'megadepth' && i.hasDepth)).toBe(true);
  });

  it('loads RGB with depth and checks it', async () => {
    const items = await megadepthSource(root).list();
    const { rgb, depth } = await items[0].load();
    expect([rgb.width, rgb.height, depth!.width, depth!.height]).toEqual([6, 5, 6, 5]);
    expect(depth!.data[0]).toBe(3);
    await expect(items[1].load()).rejects.toMatchObject({ code: 'depth-empty' });
    await expect(items[2].load()).rejects.toMatchObject({ code: 'depth-size-mismatch' });
  });
});
