import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DepthReadError } from '../errors.js';
import { encodeNpy } from '../npy.js';
import { readDepthFile } from './load-rgbd.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ssrl-depthfile-'));
  await writeFile(join(dir, 'd.NPY'), encodeNpy({ shape: [1, 2], dtype: 'float64', data: Float64Array.from([0.5, -1]) }));
  await writeFile(join(dir, 'm.npy'), encodeNpy({ shape: [1, 2], dtype: 'bool', data: Uint8Array.from([0, 1]) }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readDepthFile', () => {
  it('chooses the reader by extension, case-insensitively, and applies a mask', async () => {
    const d = await readDepthFile(join(dir, 'd.NPY'));
    expect(Array.from(d.data)).toEqual([0.5, 0]);
    expect(Array.from(d.valid)).toEqual([1, 0]);
    const masked = await readDepthFile(join(dir, 'd.NPY'), { mask: join(dir, 'm.npy') });
    expect(Array.from(masked.valid)).toEqual([0, 0]);
  });

  it('rejects unknown extensions and masks with HDF5 depth', async () => {
    await expect(readDepthFile(join(dir, 'd.exr'))).rejects.toThrow(/unknown depth file extension "\.exr"/);
    await expect(readDepthFile(join(dir, 'd.exr'))).rejects.toBeInstanceOf(DepthReadError);
    await expect(readDepthFile(join(dir, 'd.h5'), { mask: join(dir, 'm.npy') })).rejects.toMatchObject({
      code: 'unsupported',
    });
  });
});
