import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadBenchmark } from '../registry.js';
import { benchmarkImages } from './benchmark-images.js';

const fixture = (name: string) => fileURLToPath(new URL(`../__fixtures__/${name}`, import.meta.url));

describe('benchmarkImages', () => {
  it('yields each distinct image of a benchmark once, keyed by its bytes, with the first item showing it', async () => {
    const { items } = await loadBenchmark('mcq', fixture('mcq-sample.tsv'));
    const shown = (await Promise.all(items.map((item) => item.images()))).flat();
    const images = [];
    for await (const image of benchmarkImages('mcq', fixture('mcq-sample.tsv'))) images.push(image);
    // The sample repeats an image by index reference: fewer distinct images than images shown.
    expect(images.length).toBeLessThan(shown.length);
    expect(new Set(images.map((i) => i.key)).size).toBe(images.length);
    expect(new Set(shown.map((i) => Buffer.from(i.data).toString('base64'))).size).toBe(images.length);
    for (const image of images) expect(image.key).toMatch(/^mcq\/[0-9a-f]{16}$/);
    expect(images[0]).toMatchObject({ item: items[0]!.id, position: 0, itemsRead: 1, itemCount: items.length });
  });

  it('reads What\'sUp images from its folder layout', async () => {
    const images = [];
    for await (const image of benchmarkImages('whatsup', fixture('whatsup'))) images.push(image);
    expect(images.length).toBeGreaterThan(0);
    expect(images.every((i) => i.image.mime === 'image/jpeg')).toBe(true);
  });
});
