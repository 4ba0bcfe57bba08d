import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeImage } from '../codec.js';
import { ImageDecodeError, ImageSourceError } from '../errors.js';
import { createRgb, type Rgb } from '../raster.js';
import { folderSource } from './folder-source.js';

let root: string;

async function put(rel: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(dirname(join(root, rel)), { recursive: true });
  await writeFile(join(root, rel), bytes);
}

const image = (w: number, h: number, fill: Rgb, format: 'png' | 'jpeg' = 'png') =>
  encodeImage(createRgb(w, h, fill), { format });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ssrl-folder-'));
  const coco = 'coco/train2017';
  await put(`${coco}/000000000009.jpg`, await image(8, 6, [200, 0, 0], 'jpeg'));
  await put(`${coco}/Z.jpg`, await image(4, 4, [0, 0, 0], 'jpeg'));
  await put(`${coco}/a.webp`, await sharp(createRgb(4, 4, [0, 255, 0]).data, { raw: { width: 4, height: 4, channels: 3 } }).webp({ lossless: true }).toBuffer());
  await put(`${coco}/sub/B.PNG`, await image(5, 3, [1, 1, 1]));
  await put(`${coco}/ä.jpeg`, await image(3, 3, [1, 2, 3], 'jpeg'));
  await put(`${coco}/\u{FF21}.png`, await image(2, 2, [0, 0, 0]));
  await put(`${coco}/\u{1F600}.png`, await image(2, 2, [0, 0, 0]));
  await put(`${coco}/.hidden.jpg`, await image(2, 2, [0, 0, 0]));
  await put(`${coco}/.cache/x.jpg`, await image(2, 2, [0, 0, 0]));
  await put(`${coco}/notes.txt`, 'hello');
  await put('broken/bad.jpg', 'not a jpeg');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('folderSource', () => {
  it('lists images recursively in byte order, skipping hidden names and other files', async () => {
    const source = folderSource(join(root, 'coco'), { dataset: 'coco' });
    expect(source.name).toBe(`folder:${join(root, 'coco')}`);
    expect(source.hasDepth).toBe(false);
    const items = await source.list();
    expect(items.map((i) => i.id)).toEqual([
      'train2017/000000000009.jpg',
      'train2017/Z.jpg',
      'train2017/a.webp',
      'train2017/sub/B.PNG',
      'train2017/ä.jpeg',
      'train2017/\u{FF21}.png',
      'train2017/\u{1F600}.png',
    ]);
    expect(items.every((i) => i.dataset === 'coco' && !i.hasDepth)).toBe(true);
  });

  it('loads RGB without depth', async () => {
    const items = await folderSource(join(root, 'coco')).list();
    const first = await items[0].load();
    expect([first.rgb.width, first.rgb.height]).toEqual([8, 6]);
    expect(first.depth).toBeUndefined();
    expect(first.rgb.data[0]).toBeGreaterThan(150);
    const webp = await items[2].load();
    expect(Array.from(webp.rgb.data.subarray(0, 3))).toEqual([0, 255, 0]);
  });

  it('uses the default dataset name and propagates decode errors', async () => {
    const [item] = await folderSource(join(root, 'broken')).list();
    expect(item.dataset).toBe('folder');
    await expect(item.load()).rejects.toBeInstanceOf(ImageDecodeError);
    await expect(item.load()).rejects.toMatchObject({ code: 'unsupported' });
  });

  it('reports a missing directory', async () => {
    await expect(folderSource(join(root, 'nope')).list()).rejects.toMatchObject({ code: 'not-found' });
    await expect(folderSource(join(root, 'broken/bad.jpg')).list()).rejects.toBeInstanceOf(ImageSourceError);
  });
});
