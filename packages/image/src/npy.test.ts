import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DepthReadError } from './errors.js';
import { depthFromNpy, encodeNpy, readNpy, readNpyFile, type NpyArray } from './npy.js';

// Builds a .npy file by hand: magic, version, header length (2 or 4 bytes), padded header, body.
function npy(dict: string, body: Uint8Array, major = 1): Uint8Array {
  const prefix = major === 1 ? 10 : 12;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const headerLen = total - prefix;
  const header = new TextEncoder().encode(`${dict}${' '.repeat(headerLen - dict.length - 1)}\n`);
  const out = new Uint8Array(prefix + header.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(header, prefix);
  out.set(body, prefix + header.length);
  return out;
}

function f32(values: number[], little = true): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => v.setFloat32(i * 4, x, little));
  return out;
}

function f64(values: number[], little = true): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => v.setFloat64(i * 8, x, little));
  return out;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DepthReadError);
    return (e as DepthReadError).code;
  }
  return undefined;
}

describe('readNpy', () => {
  it('reads a version 1 little-endian float32 array', () => {
    const bytes = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", f32([1, 2, 3, 4.5, -1, 0]));
    const a = readNpy(bytes);
    expect(a.shape).toEqual([2, 3]);
    expect(a.dtype).toBe('float32');
    expect(a.data).toBeInstanceOf(Float32Array);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4.5, -1, 0]);
  });

  it('reads version 2 and 3 headers', () => {
    const dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }";
    for (const major of [2, 3]) {
      const a = readNpy(npy(dict, f64([0.1, 0.2, 0.3]), major));
      expect(a.shape).toEqual([3]);
      expect(a.dtype).toBe('float64');
      expect(Array.from(a.data)).toEqual([0.1, 0.2, 0.3]);
    }
  });

  it('converts big-endian floats', () => {
    const a = readNpy(npy("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", f32([1.5, -2.25], false)));
    expect(Array.from(a.data)).toEqual([1.5, -2.25]);
    const b = readNpy(npy("{'descr': '>f8', 'fortran_order': False, 'shape': (1, 2), }", f64([Math.PI, 1e-300], false)));
    expect(b.data).toBeInstanceOf(Float64Array);
    expect(Array.from(b.data)).toEqual([Math.PI, 1e-300]);
  });

  it('reads uint8 and bool', () => {
    const u = readNpy(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }", Uint8Array.from([0, 7, 255, 1])));
    expect(u.dtype).toBe('uint8');
    expect(Array.from(u.data)).toEqual([0, 7, 255, 1]);
    const b = readNpy(npy("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", Uint8Array.from([0, 1, 2])));
    expect(b.dtype).toBe('bool');
    expect(Array.from(b.data)).toEqual([0, 1, 1]);
  });

  it('reads scalars and empty arrays', () => {
    expect(Array.from(readNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", f32([7]))).data)).toEqual([7]);
    const empty = readNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4), }", new Uint8Array(0)));
    expect(empty.shape).toEqual([0, 4]);
    expect(empty.data.length).toBe(0);
  });

  it('reorders Fortran-order data to C order', () => {
    // C-order [[1,2,3],[4,5,6]] stored column-major is 1,4,2,5,3,6.
    const a = readNpy(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", f32([1, 4, 2, 5, 3, 6])));
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]);
    // 3-D: element (i,j,k) of shape (2,2,2) is stored at i + 2j + 4k with value 100i + 10j + k.
    const fortran: number[] = [];
    for (let k = 0; k < 2; k++) for (let j = 0; j < 2; j++) for (let i = 0; i < 2; i++) fortran.push(100 * i + 10 * j + k);
    const b = readNpy(npy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2, 2), }", f64(fortran)));
    expect(Array.from(b.data)).toEqual([0, 1, 10, 11, 100, 101, 110, 111]);
  });

  it('reports truncated data and headers', () => {
    const full = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 4), }", f32(new Array(16).fill(1)));
    expect(codeOf(() => readNpy(full.subarray(0, full.length - 1)))).toBe('truncated');
    expect(codeOf(() => readNpy(full.subarray(0, 40)))).toBe('truncated');
    expect(codeOf(() => readNpy(full.subarray(0, 6)))).toBe('truncated');
    expect(codeOf(() => readNpy(new Uint8Array(0)))).toBe('truncated');
    expect(() => readNpy(full.subarray(0, full.length - 4), 'depth.npy')).toThrow(/depth\.npy: .*cut short/);
  });

  it('reports bad magic, malformed headers and unsupported dtypes', () => {
    expect(codeOf(() => readNpy(new TextEncoder().encode('definitely not numpy data')))).toBe('corrupt');
    expect(codeOf(() => readNpy(npy("{'descr': '<f4', 'shape': (1,), }", f32([1]))))).toBe('corrupt');
    expect(codeOf(() => readNpy(npy("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", f32([1]))))).toBe(
      'unsupported',
    );
    expect(() => readNpy(npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", f64([1])))).toThrow(
      /unsupported \.npy dtype "<c8"/,
    );
    expect(codeOf(() => readNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", f32([1]), 9)))).toBe(
      'unsupported',
    );
  });

  it('reads what encodeNpy writes, for every dtype', () => {
    const arrays: NpyArray[] = [
      { shape: [2, 2], dtype: 'float32', data: Float32Array.from([1, 2, 3, 4]) },
      { shape: [3], dtype: 'float64', data: Float64Array.from([0.5, Number.NaN, -Infinity]) },
      { shape: [1, 2, 1], dtype: 'uint8', data: Uint8Array.from([3, 250]) },
      { shape: [2], dtype: 'bool', data: Uint8Array.from([1, 0]) },
    ];
    for (const arr of arrays) {
      const bytes = encodeNpy(arr);
      expect(bytes.length % 64).toBe(arr.data.length * arr.data.BYTES_PER_ELEMENT % 64);
      const back = readNpy(bytes);
      expect(back.shape).toEqual(arr.shape);
      expect(back.dtype).toBe(arr.dtype);
      expect(Array.from(back.data)).toEqual(Array.from(arr.data));
    }
    expect(() => encodeNpy({ shape: [3], dtype: 'float32', data: new Float32Array(2) })).toThrow(/does not match/);
    expect(() => encodeNpy({ shape: [2], dtype: 'float64', data: new Float32Array(2) })).toThrow(/Float64Array/);
  });
});

describe('readNpyFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ssrl-npy-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads from disk and names the file in errors', async () => {
    const path = join(dir, 'a.npy');
    await writeFile(path, encodeNpy({ shape: [1, 2], dtype: 'float32', data: Float32Array.from([5, 6]) }));
    expect(Array.from((await readNpyFile(path)).data)).toEqual([5, 6]);
    await expect(readNpyFile(join(dir, 'missing.npy'))).rejects.toMatchObject({ code: 'not-found' });
    const bad = join(dir, 'bad.npy');
    await writeFile(bad, 'oops');
    await expect(readNpyFile(bad)).rejects.toThrow(/bad\.npy: not a \.npy file/);
  });
});

describe('depthFromNpy', () => {
  const arr = (shape: number[], values: number[]): NpyArray => ({ shape, dtype: 'float32', data: Float32Array.from(values) });

  it('accepts H×W and H×W×1 and marks NaN, ±Inf and ≤ 0 invalid', () => {
    const values = [1.5, Number.NaN, Infinity, -Infinity, 0, -2, 3];
    for (const shape of [[1, 7], [1, 7, 1]]) {
      const d = depthFromNpy(arr(shape, values));
      expect([d.width, d.height]).toEqual([7, 1]);
      expect(Array.from(d.valid)).toEqual([1, 0, 0, 0, 0, 0, 1]);
      expect(Array.from(d.data)).toEqual([1.5, 0, 0, 0, 0, 0, 3]);
    }
  });

  it('applies a mask and crops a wider mask to the depth width', () => {
    const depth = arr([2, 2, 1], [1, 2, 3, 4]);
    const mask: NpyArray = { shape: [2, 3], dtype: 'float32', data: Float32Array.from([1, 0, 9, 0, 1, 9]) };
    const d = depthFromNpy(depth, mask);
    expect(Array.from(d.valid)).toEqual([1, 0, 0, 1]);
    expect(Array.from(d.data)).toEqual([1, 0, 0, 4]);
    const boolMask: NpyArray = { shape: [2, 2], dtype: 'bool', data: Uint8Array.from([0, 1, 1, 1]) };
    expect(Array.from(depthFromNpy(depth, boolMask).valid)).toEqual([0, 1, 1, 1]);
    const nanMask: NpyArray = { shape: [2, 2], dtype: 'float32', data: Float32Array.from([Number.NaN, 1, 1, 1]) };
    expect(Array.from(depthFromNpy(depth, nanMask).valid)).toEqual([0, 1, 1, 1]);
  });

  it('rejects bad shapes', () => {
    expect(codeOf(() => depthFromNpy(arr([4], [1, 2, 3, 4])))).toBe('bad-shape');
    expect(codeOf(() => depthFromNpy(arr([1, 2, 2], [1, 2, 3, 4])))).toBe('bad-shape');
    expect(codeOf(() => depthFromNpy(arr([0, 3], [])))).toBe('bad-shape');
    expect(() => depthFromNpy(arr([2, 2], [1, 2, 3, 4]), arr([2, 1], [1, 1]), 'x.npy')).toThrow(
      /x\.npy: depth mask 2×1 is smaller than the depth 2×2/,
    );
  });
});

describe('files written by NumPy', () => {
  const fixture = (name: string) => readNpyFile(fileURLToPath(new URL(`./__fixtures__/numpy-${name}.npy`, import.meta.url)));
  const expected = Array.from({ length: 12 }, (_, i) => i * 0.5 - 1);

  it('reads format versions 1, 2 and 3 in C order', async () => {
    for (const [name, dtype] of [
      ['f4-c-v1', 'float32'],
      ['f8-c-v2', 'float64'],
      ['f4-c-v3', 'float32'],
    ] as const) {
      const a = await fixture(name);
      expect(a.shape, name).toEqual([3, 4]);
      expect(a.dtype, name).toBe(dtype);
      expect(Array.from(a.data), name).toEqual(expected);
    }
  });

  it('reads Fortran order and big-endian data as C-order native values', async () => {
    expect(Array.from((await fixture('f4-fortran')).data)).toEqual(expected);
    expect(Array.from((await fixture('f8-big-endian')).data)).toEqual(expected);
    const cube = await fixture('f4-big-endian-fortran-3d');
    expect(cube.shape).toEqual([3, 2, 2]);
    expect(Array.from(cube.data)).toEqual(expected);
  });

  it('reads uint8 and bool', async () => {
    const u = await fixture('u1');
    expect(u.dtype).toBe('uint8');
    expect(Array.from(u.data)).toEqual(Array.from({ length: 12 }, (_, i) => i * 20));
    const b = await fixture('b1');
    expect(b.dtype).toBe('bool');
    expect(Array.from(b.data)).toEqual(Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? 1 : 0)));
  });
});
