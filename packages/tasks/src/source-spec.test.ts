import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRgb, encodeImage } from '@spatial-ssrl/image';
import { describe, expect, it } from 'vitest';
import { resolveClipSource, resolveSource, resolveViewPairSource } from './source-spec.js';

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

describe('resolveClipSource and resolveViewPairSource', () => {
  it('open fly-throughs, videos, frame folders and view pairs by spec', async () => {
    const fly = resolveClipSource('flythrough:2:32x24:4');
    expect(fly).toMatchObject({ kind: 'clip', name: 'flythrough:2:32x24:4', hasDepth: true, hasCameras: true });
    expect((await fly.list()).map((c) => c.id)).toEqual(['flythrough-000000', 'flythrough-000001']);
    expect(resolveClipSource('video:/data/clips')).toMatchObject({ kind: 'clip', name: 'video:/data/clips' });
    expect(resolveClipSource('frames:/data/scans?fps=5').name).toBe('frames:/data/scans?fps=5');
    expect(() => resolveClipSource('synthetic:3')).toThrow(/unknown clip source "synthetic"/);
    expect(resolveViewPairSource('twoview:3:32x24:baseline=2')).toMatchObject({ kind: 'view-pair', name: 'twoview:3:32x24:baseline=2' });
  });
});
