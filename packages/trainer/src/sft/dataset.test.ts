import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeToyDataset } from '../__fixtures__/toy-dataset.js';
import { buildImageCache, cachedImage, readDataset } from './dataset.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'ssrl-ds-'));
  await writeToyDataset(path.join(root, 'data'), { perTask: 6 });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('image cache', () => {
  it('decodes each distinct image once at the model size and reuses its file', async () => {
    const ds = await readDataset(path.join(root, 'data'));
    expect(ds.records).toHaveLength(12);
    const file = path.join(root, 'cache.bin');
    const progress: number[] = [];
    const cache = await buildImageCache(ds, 8, { file, onProgress: (d) => progress.push(d) });
    expect(cache.slots.size).toBe(6 + 12);
    expect(progress.at(-1)).toBe(18);
    expect((await stat(file)).size).toBe(18 * 8 * 8 * 3 + 'ssrl-image-cache-v1\n'.length + 64);
    const img = cachedImage(cache, ds.records[0].images[0]);
    expect(img.size).toBe(8);
    expect(img.data).toHaveLength(8 * 8 * 3);
    const again = await buildImageCache(ds, 8, { file, onProgress: (d) => progress.push(d) });
    expect(progress.at(-1)).toBe(18);
    expect(Buffer.from(again.data).equals(Buffer.from(cache.data))).toBe(true);
    const other = await buildImageCache(ds, 16, { file });
    expect(other.data.length).toBe(18 * 16 * 16 * 3);
    expect(() => cachedImage(cache, 'images/none.png')).toThrow(/not in the image cache/);
  });
});
