import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRgb, encodeImage } from '@spatial-ssrl/image';
import { describe, expect, it } from 'vitest';
import { resolveSource } from './source-spec.js';

describe('resolveSource', () => {
  it('opens synthetic scenes with their count and size', async () => {
    const source = resolveSource('synthetic:3:40x30');
    expect(source.hasDepth).toBe(true);
    const items = await source.list();
    expect(items.map((i) => i.id)).toEqual(['scene-000000', 'scene-000001', 'scene-000002']);
    const loaded = await items[1].load();
    expect([loaded.rgb.width, loaded.rgb.height, loaded.depth?.width]).toEqual([40, 30, 40]);
  });

  it('opens file sources through the image package', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ssrl-spec-'));
    try {
      await writeFile(join(dir, 'a.png'), await encodeImage(createRgb(8, 6, [1, 2, 3])));
      const items = await resolveSource(`folder:${dir}`).list();
      expect(items.map((i) => [i.dataset, i.id, i.hasDepth])).toEqual([['folder', 'a.png', false]]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names the known kinds for an unknown spec', () => {
    expect(() => resolveSource('s3://bucket')).toThrow(/unknown image source/);
    expect(() => resolveSource('synthetic:many')).toThrow(/synthetic/);
  });
});
