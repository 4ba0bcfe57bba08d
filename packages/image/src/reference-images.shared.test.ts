import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeImage, imageSize } from './codec.js';
import { readH5Depth } from './h5-depth.js';
import { cropDepth, cropRgb, depthValidFraction, rgbEquals } from './pixel-ops.js';
import { pairSource } from './sources/pair-source.js';
import { readDepthFile } from './sources/load-rgbd.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const sharedDir = process.env.SSRL_SHARED_DIR ?? resolve(repoRoot, '..', 'shared');
const refDir = join(sharedDir, 'fixtures', 'reference-images');
const exists = existsSync(join(refDir, 'RGB-D_img1.jpg'));
const ref = (name: string) => join(refDir, name);
const fixture = (name: string) => fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));

describe.runIf(exists)('reference images (shared fixtures)', () => {
  const source = pairSource(
    [
      { id: 'RGB-D_img1', rgb: ref('RGB-D_img1.jpg'), depth: ref('RGB-D_depth1.h5') },
      { id: 'RGB-D_img2', rgb: ref('RGB-D_img2.jpg'), depth: ref('RGB-D_depth2.h5') },
      { id: 'RGB-D_img3', rgb: ref('RGB-D_img3.png'), depth: ref('RGB-D_depth3.npy'), mask: ref('RGB-D_depth_mask3.npy') },
    ],
    'reference',
  );

  it('decodes the RGB-only reference image', async () => {
    const img = await decodeImage(ref('RGB_img.png'));
    expect([img.width, img.height]).toEqual([902, 1186]);
    expect(await imageSize(ref('RGB_img.png'))).toEqual({ width: 902, height: 1186, format: 'png' });
  });

  it('loads every RGB-D pair with depth of the image size and the known valid fractions', async () => {
    const items = await source.list();
    const expected: Record<string, { size: [number, number]; valid: [number, number] }> = {
      'RGB-D_img1': { size: [1600, 1064], valid: [0.6, 0.7] },
      'RGB-D_img2': { size: [1600, 1062], valid: [0.06, 0.07] },
      'RGB-D_img3': { size: [1024, 768], valid: [0.85, 0.95] },
    };
    expect(items.map((i) => i.id)).toEqual(Object.keys(expected));
    for (const item of items) {
      const { rgb, depth } = await item.load();
      const e = expected[item.id];
      expect([rgb.width, rgb.height], item.id).toEqual(e.size);
      expect([depth!.width, depth!.height], item.id).toEqual(e.size);
      const f = depthValidFraction(depth!);
      expect(f, item.id).toBeGreaterThan(e.valid[0]);
      expect(f, item.id).toBeLessThan(e.valid[1]);
    }
  });

  it('reads the HDF5 depth from bytes the same as from the path', async () => {
    const fromPath = await readH5Depth(ref('RGB-D_depth2.h5'));
    const fromBytes = await readH5Depth(new Uint8Array(await readFile(ref('RGB-D_depth2.h5'))));
    expect(Buffer.from(fromBytes.data.buffer).equals(Buffer.from(fromPath.data.buffer))).toBe(true);
    expect(Buffer.from(fromBytes.valid).equals(Buffer.from(fromPath.valid))).toBe(true);
  });

  it('matches the packaged crops of the reference inputs', async () => {
    const mega = { x: 1200, y: 416, width: 64, height: 48 };
    const img2 = await decodeImage(ref('RGB-D_img2.jpg'));
    expect(rgbEquals(cropRgb(img2, mega), await decodeImage(fixture('megadepth-crop.png')))).toBe(true);
    const depth2 = cropDepth(await readH5Depth(ref('RGB-D_depth2.h5')), mega);
    const crop2 = await readH5Depth(fixture('megadepth-crop_depth.h5'));
    expect(Array.from(crop2.data)).toEqual(Array.from(depth2.data));

    const diode = { x: 192, y: 192, width: 64, height: 48 };
    const img3 = await decodeImage(ref('RGB-D_img3.png'));
    expect(rgbEquals(cropRgb(img3, diode), await decodeImage(fixture('diode-crop.png')))).toBe(true);
    const depth3 = cropDepth(await readDepthFile(ref('RGB-D_depth3.npy'), { mask: ref('RGB-D_depth_mask3.npy') }), diode);
    const crop3 = await readDepthFile(fixture('diode-crop_depth.npy'), { mask: fixture('diode-crop_depth_mask.npy') });
    expect(Array.from(crop3.valid)).toEqual(Array.from(depth3.valid));
    expect(Array.from(crop3.data)).toEqual(Array.from(depth3.data));
  });
});
