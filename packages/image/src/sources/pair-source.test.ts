import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeImage } from '../codec.js';
import { DepthReadError, ImageDecodeError, ImageSourceError } from '../errors.js';
import { encodeNpy } from '../npy.js';
import { createRgb } from '../raster.js';
import { pairSource } from './pair-source.js';

let root: string;
const at = (name: string) => join(root, name);

beforeAll(async () => {
  const h5 = await import('h5wasm/node');
  await h5.ready;
  root = await mkdtemp(join(tmpdir(), 'ssrl-pairs-'));
  await writeFile(at('img1.jpg'), await encodeImage(createRgb(5, 4, [50, 60, 70]), { format: 'jpeg' }));
  const f = new h5.File(at('depth1.h5'), 'w');
  f.create_dataset({ name: 'depth', data: new Float32Array(20).fill(7), shape: [4, 5], dtype: '<f' });
  f.close();
  await writeFile(at('img3.png'), await encodeImage(createRgb(3, 2)));
  await writeFile(at('depth3.npy'), encodeNpy({ shape: [2, 3, 1], dtype: 'float32', data: Float32Array.from([1, 2, 3, 4, 5, 6]) }));
  await writeFile(at('mask3.npy'), encodeNpy({ shape: [2, 3], dtype: 'float32', data: Float32Array.from([1, 1, 0, 1, 1, 1]) }));
  await writeFile(at('bad.png'), 'nope');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('pairSource', () => {
  it('loads explicit pairs sorted by id, choosing the depth reader by extension', async () => {
    const source = pairSource(
      [
        { id: 'RGB-D_img3', rgb: at('img3.png'), depth: at('depth3.npy'), mask: at('mask3.npy') },
        { id: 'RGB-D_img1', rgb: at('img1.jpg'), depth: at('depth1.h5') },
      ],
      'reference',
    );
    expect(source.name).toBe('pairs:reference');
    expect(source.hasDepth).toBe(true);
    const items = await source.list();
    expect(items.map((i) => i.id)).toEqual(['RGB-D_img1', 'RGB-D_img3']);
    expect(items.every((i) => i.dataset === 'reference' && i.hasDepth)).toBe(true);
    const one = await items[0].load();
    expect([one.rgb.width, one.rgb.height, one.depth!.data[0]]).toEqual([5, 4, 7]);
    const three = await items[1].load();
    expect(Array.from(three.depth!.valid)).toEqual([1, 1, 0, 1, 1, 1]);
    expect(Array.from(three.depth!.data)).toEqual([1, 2, 0, 4, 5, 6]);
  });

  it('validates the pairs up front', () => {
    expect(() => pairSource([{ id: 'a', rgb: 'a.png', depth: 'a.exr' }], 'd')).toThrow(/extension "\.exr"/);
    expect(() => pairSource([{ id: '', rgb: 'a.png', depth: 'a.npy' }], 'd')).toThrow(/non-empty id/);
    expect(() =>
      pairSource(
        [
          { id: 'a', rgb: 'a.png', depth: 'a.npy' },
          { id: 'a', rgb: 'b.png', depth: 'b.npy' },
        ],
        'd',
      ),
    ).toThrow(expect.objectContaining({ code: 'duplicate-id' }));
    expect(() => pairSource([{ id: 'a', rgb: 'a.png', depth: 'a.h5', mask: 'm.npy' }], 'd')).toThrow(ImageSourceError);
  });

  it('propagates depth-read and decode errors on load', async () => {
    const [missingDepth] = await pairSource([{ id: 'x', rgb: at('img3.png'), depth: at('none.npy') }], 'd').list();
    await expect(missingDepth.load()).rejects.toBeInstanceOf(DepthReadError);
    const [badImage] = await pairSource([{ id: 'y', rgb: at('bad.png'), depth: at('depth3.npy') }], 'd').list();
    await expect(badImage.load()).rejects.toBeInstanceOf(ImageDecodeError);
    const [mismatch] = await pairSource([{ id: 'z', rgb: at('img1.jpg'), depth: at('depth3.npy') }], 'd').list();
    await expect(mismatch.load()).rejects.toMatchObject({ code: 'depth-size-mismatch' });
  });
});

describe('pairSource on crops of the reference inputs', () => {
  const fixture = (name: string) => fileURLToPath(new URL(`../__fixtures__/${name}`, import.meta.url));

  it('loads the MegaDepth crop with its HDF5 depth, zeros invalid', async () => {
    const h5 = await import('h5wasm/node');
    const [item] = await pairSource(
      [{ id: 'megadepth-crop', rgb: fixture('megadepth-crop.png'), depth: fixture('megadepth-crop_depth.h5') }],
      'megadepth',
    ).list();
    const { rgb, depth } = await item.load();
    expect([rgb.width, rgb.height, depth!.width, depth!.height]).toEqual([64, 48, 64, 48]);
    const f = new h5.File(fixture('megadepth-crop_depth.h5'), 'r');
    const raw = (f.get('depth') as InstanceType<typeof h5.Dataset>).value as Float32Array;
    f.close();
    let valid = 0;
    for (let i = 0; i < raw.length; i++) {
      expect(depth!.valid[i]).toBe(raw[i] > 0 ? 1 : 0);
      if (raw[i] > 0) {
        valid++;
        expect(depth!.data[i]).toBe(raw[i]);
      }
    }
    expect(valid / raw.length).toBeGreaterThan(0.3);
    expect(valid / raw.length).toBeLessThan(0.7);
  });

  it('loads the DIODE crop with its depth and mask', async () => {
    const [item] = await pairSource(
      [
        {
          id: 'diode-crop',
          rgb: fixture('diode-crop.png'),
          depth: fixture('diode-crop_depth.npy'),
          mask: fixture('diode-crop_depth_mask.npy'),
        },
      ],
      'diode',
    ).list();
    const { rgb, depth } = await item.load();
    expect([rgb.width, rgb.height, depth!.width, depth!.height]).toEqual([64, 48, 64, 48]);
    let valid = 0;
    for (let i = 0; i < depth!.valid.length; i++) {
      if (!depth!.valid[i]) continue;
      valid++;
      // DIODE depth is metric; its scanner range is about 0.6-350 m.
      expect(depth!.data[i]).toBeGreaterThan(0.5);
      expect(depth!.data[i]).toBeLessThan(350);
    }
    expect(valid / depth!.valid.length).toBeGreaterThan(0.5);
    expect(valid / depth!.valid.length).toBeLessThan(0.95);
  });
});
