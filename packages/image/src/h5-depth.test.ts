import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DepthReadError } from './errors.js';
import { readH5Depth } from './h5-depth.js';

type H5 = typeof import('h5wasm/node');

let dir: string;
let h5: H5;

interface DatasetSpec {
  readonly name: string;
  readonly data: Float32Array | Float64Array | Int16Array;
  readonly shape: number[];
  readonly dtype: string;
}

function writeH5(path: string, datasets: DatasetSpec[], groups: string[] = []): void {
  const f = new h5.File(path, 'w');
  try {
    for (const g of groups) f.create_group(g);
    for (const d of datasets) f.create_dataset({ name: d.name, data: d.data, shape: d.shape, dtype: d.dtype });
  } finally {
    f.close();
  }
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DepthReadError);
  return (err as DepthReadError).code;
}

const VALUES = [2.5, 0, Number.NaN, -1, 7, Infinity];

beforeAll(async () => {
  h5 = await import('h5wasm/node');
  await h5.ready;
  dir = await mkdtemp(join(tmpdir(), 'ssrl-h5-'));
  writeH5(join(dir, 'depth.h5'), [
    { name: 'depth', data: Float32Array.from(VALUES), shape: [2, 3], dtype: '<f' },
    { name: 'rgb', data: new Float32Array(4), shape: [2, 2], dtype: '<f' },
  ]);
  writeH5(join(dir, 'other.h5'), [
    { name: 'z', data: Float64Array.from([1, 2, 3, 4]), shape: [2, 2, 1], dtype: '<d' },
    { name: 'stack', data: new Float32Array(8), shape: [2, 2, 2], dtype: '<f' },
    { name: 'mm', data: Int16Array.from([0, 1500, -3, 200]), shape: [2, 2], dtype: '<h' },
    { name: 'nested/d', data: Float32Array.from([1, 2]), shape: [1, 2], dtype: '<f' },
  ], ['nested']);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readH5Depth', () => {
  it('reads the depth dataset from a path; 0, negative and non-finite values are invalid', async () => {
    const d = await readH5Depth(join(dir, 'depth.h5'));
    expect([d.width, d.height]).toEqual([3, 2]);
    expect(Array.from(d.valid)).toEqual([1, 0, 0, 0, 1, 0]);
    expect(Array.from(d.data)).toEqual([2.5, 0, 0, 0, 7, 0]);
  });

  it('reads from bytes through a temporary file it removes', async () => {
    const bytes = await readFile(join(dir, 'depth.h5'));
    const d = await readH5Depth(new Uint8Array(bytes));
    expect(Array.from(d.valid)).toEqual([1, 0, 0, 0, 1, 0]);
    const left = (await readdir(tmpdir())).filter((n) => n.startsWith(`ssrl-depth-${process.pid}-`));
    expect(left).toEqual([]);
  });

  it('reads other keys, H×W×1 shapes, nested paths and integer data', async () => {
    const z = await readH5Depth(join(dir, 'other.h5'), 'z');
    expect([z.width, z.height, ...z.data]).toEqual([2, 2, 1, 2, 3, 4]);
    const mm = await readH5Depth(join(dir, 'other.h5'), 'mm');
    expect(Array.from(mm.data)).toEqual([0, 1500, 0, 200]);
    expect(Array.from(mm.valid)).toEqual([0, 1, 0, 1]);
    const nested = await readH5Depth(join(dir, 'other.h5'), 'nested/d');
    expect(Array.from(nested.data)).toEqual([1, 2]);
  });

  it('lists the keys found when the dataset is missing', async () => {
    const p = readH5Depth(join(dir, 'other.h5'));
    await expect(p).rejects.toThrow(/no dataset "depth" in HDF5 file \(top-level keys: .*"mm".*"z"/);
    expect(await codeOf(readH5Depth(join(dir, 'other.h5')))).toBe('missing-dataset');
    expect(await codeOf(readH5Depth(join(dir, 'other.h5'), 'nested'))).toBe('missing-dataset');
    expect(await codeOf(readH5Depth(join(dir, 'other.h5'), 'no/such/path'))).toBe('missing-dataset');
  });

  it('rejects stacks that are not a single plane', async () => {
    expect(await codeOf(readH5Depth(join(dir, 'other.h5'), 'stack'))).toBe('bad-shape');
  });

  it('reports missing, empty, non-HDF5 and truncated files', async () => {
    expect(await codeOf(readH5Depth(join(dir, 'missing.h5')))).toBe('not-found');
    const empty = join(dir, 'empty.h5');
    await writeFile(empty, new Uint8Array(0));
    expect(await codeOf(readH5Depth(empty))).toBe('truncated');
    const text = join(dir, 'text.h5');
    await writeFile(text, 'not an hdf5 file, just some text that is long enough to be read');
    expect(await codeOf(readH5Depth(text))).toBe('corrupt');
    await expect(readH5Depth(text)).rejects.toThrow(/text\.h5: not an HDF5 file/);
    expect(await codeOf(readH5Depth(new TextEncoder().encode('nope')))).toBe('corrupt');
    const full = await readFile(join(dir, 'depth.h5'));
    const cut = join(dir, 'cut.h5');
    await writeFile(cut, full.subarray(0, Math.floor(full.length / 2)));
    expect(await codeOf(readH5Depth(cut))).toBe('truncated');
    await expect(readH5Depth(cut)).rejects.toThrow(/cut\.h5: HDF5 file is cut short/);
  });

  it('is safe under concurrency and repetition without leaking files or handles', async () => {
    const bytes = new Uint8Array(await readFile(join(dir, 'depth.h5')));
    const path = join(dir, 'depth.h5');
    const streams = () => (h5.FS as unknown as { streams: unknown[] }).streams.filter(Boolean).length;
    const before = streams();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? readH5Depth(bytes) : readH5Depth(path))),
    );
    for (const d of results) expect(Array.from(d.data)).toEqual([2.5, 0, 0, 0, 7, 0]);
    for (let i = 0; i < 300; i++) await readH5Depth(i % 3 === 0 ? bytes : path);
    await Promise.allSettled(Array.from({ length: 20 }, () => readH5Depth(path, 'missing')));
    expect(streams()).toBe(before);
    const left = (await readdir(tmpdir())).filter((n) => n.startsWith(`ssrl-depth-${process.pid}-`));
    expect(left).toEqual([]);
  });
});
