import { randomUUID } from 'node:crypto';
import { open, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DepthReadError } from './errors.js';
import type { DepthMap } from './raster.js';

type H5 = typeof import('h5wasm/node');

let h5Loading: Promise<H5> | undefined;

// Loaded on first use; h5wasm's throwing error handler turns HDF5 failures into JS errors
// instead of printing diagnostics and returning invalid ids.
function loadH5(): Promise<H5> {
  h5Loading ??= (async () => {
    const h5 = await import('h5wasm/node');
    const module = await h5.ready;
    module.activate_throwing_error_handler();
    return h5;
  })();
  return h5Loading;
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function matchesSignature(bytes: Uint8Array, at: number): boolean {
  return SIGNATURE.every((b, i) => bytes[at + i] === b);
}

// The HDF5 superblock sits at offset 0 or, after a user block, at 512, 1024, 2048, …
function signatureOffsets(size: number): number[] {
  const out = [0];
  for (let o = 512; o + 8 <= size; o *= 2) out.push(o);
  return out;
}

async function checkFile(path: string, label: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DepthReadError('not-found', label, `cannot open file (${code ?? String(err)})`, { cause: err });
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) throw new DepthReadError('truncated', label, 'file is empty (0 bytes)');
    const buf = new Uint8Array(8);
    for (const offset of signatureOffsets(size)) {
      const { bytesRead } = await handle.read(buf, 0, 8, offset);
      if (bytesRead === 8 && matchesSignature(buf, 0)) return;
    }
    throw new DepthReadError('corrupt', label, 'not an HDF5 file (signature not found)');
  } finally {
    await handle.close();
  }
}

function checkBytes(bytes: Uint8Array, label: string): void {
  if (bytes.length === 0) throw new DepthReadError('truncated', label, 'file is empty (0 bytes)');
  if (!signatureOffsets(bytes.length).some((o) => matchesSignature(bytes, o))) {
    throw new DepthReadError('corrupt', label, 'not an HDF5 file (signature not found)');
  }
}

function toDepthMap(values: ArrayLike<number | bigint>, h: number, w: number): DepthMap {
  const n = h * w;
  const data = new Float32Array(n);
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = Math.fround(Number(values[i]));
    if (Number.isFinite(v) && v > 0) {
      data[i] = v;
      valid[i] = 1;
    }
  }
  return { width: w, height: h, data, valid };
}

function planeOf(shape: number[], key: string, label: string): { h: number; w: number } {
  const dims = shape.length === 3 ? shape.filter((d, i) => !(d === 1 && (i === 0 || i === 2))) : shape;
  if (dims.length !== 2 || dims[0] === 0 || dims[1] === 0) {
    throw new DepthReadError('bad-shape', label, `dataset "${key}" must be H×W (or H×W×1, 1×H×W), got (${shape.join(', ')})`);
  }
  return { h: dims[0], w: dims[1] };
}

function readOpened(h5: H5, path: string, key: string, label: string): DepthMap {
  let file: InstanceType<H5['File']>;
  try {
    file = new h5.File(path, 'r');
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/truncated|eof/i.test(message)) {
      throw new DepthReadError('truncated', label, 'HDF5 file is cut short', { cause: err });
    }
    throw new DepthReadError('corrupt', label, 'HDF5 file cannot be opened', { cause: err });
  }
  try {
    let entity: unknown;
    try {
      entity = file.get(key);
    } catch {
      entity = null;
    }
    if (!(entity instanceof h5.Dataset)) {
      const keys = file.keys();
      throw new DepthReadError(
        'missing-dataset',
        label,
        `no dataset "${key}" in HDF5 file (top-level keys: ${keys.length ? keys.map((k) => `"${k}"`).join(', ') : 'none'})`,
      );
    }
    const meta = entity.metadata;
    // HDF5 type class 0 = integer, 1 = float; h5wasm returns raw bytes for floats without a typed array.
    if (!(meta.type === 0 || (meta.type === 1 && (meta.size === 4 || meta.size === 8)))) {
      throw new DepthReadError('unsupported', label, `dataset "${key}" is not an integer or float32/float64 array (dtype ${JSON.stringify(entity.dtype)})`);
    }
    const { h, w } = planeOf(entity.shape ?? [], key, label);
    let value;
    try {
      value = entity.value;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const code = /truncated|eof|read failed/i.test(message) ? 'truncated' : 'corrupt';
      throw new DepthReadError(code, label, `cannot read dataset "${key}"`, { cause: err });
    }
    if (!ArrayBuffer.isView(value) || value instanceof DataView) {
      throw new DepthReadError('unsupported', label, `dataset "${key}" did not read as a numeric array`);
    }
    return toDepthMap(value as unknown as ArrayLike<number | bigint>, h, w);
  } finally {
    file.close();
  }
}

const MEGADEPTH_DEPTH_KEY = 'depth'; // not a task id: the HDF5 dataset name MegaDepth uses

/**
 * Reads a depth map from an HDF5 file (a path or the file's bytes) through h5wasm: dataset `key`
 * (default `depth`, as in MegaDepth) of shape H×W; values that are 0, negative or not finite are
 * invalid. Bytes are written to a uniquely named temporary file that is removed afterwards, so
 * concurrent and repeated calls are safe. Failures are `DepthReadError`s (`not-found`, `corrupt`,
 * `truncated`, `missing-dataset` listing the keys found, `bad-shape`, `unsupported`).
 */
export async function readH5Depth(input: string | Uint8Array, key = MEGADEPTH_DEPTH_KEY): Promise<DepthMap> {
  const h5 = await loadH5();
  if (typeof input === 'string') {
    const path = resolve(input);
    await checkFile(path, input);
    return readOpened(h5, path, key, input);
  }
  const label = '<buffer>';
  checkBytes(input, label);
  const path = join(tmpdir(), `ssrl-depth-${process.pid}-${randomUUID()}.h5`);
  await writeFile(path, input, { flag: 'wx' });
  try {
    return readOpened(h5, path, key, label);
  } finally {
    await unlink(path).catch(() => undefined);
  }
}
