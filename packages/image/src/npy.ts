import { readFile } from 'node:fs/promises';
import { DepthReadError } from './errors.js';
import type { DepthMap } from './raster.js';

/** Element type of an `NpyArray`, after byte-order conversion. */
export type NpyDtype = 'float32' | 'float64' | 'uint8' | 'bool';

/** A NumPy array read from a `.npy` file, always in C (row-major) order and native byte order. */
export interface NpyArray {
  readonly shape: number[];
  readonly dtype: NpyDtype;
  /** `float32` → Float32Array, `float64` → Float64Array, `uint8`/`bool` → Uint8Array (bool as 0/1). */
  readonly data: Float32Array | Float64Array | Uint8Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
const HOST_LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

interface DescrInfo {
  readonly dtype: NpyDtype;
  readonly size: number;
  readonly little: boolean;
}

function parseDescr(descr: string, file: string): DescrInfo {
  const m = /^([<>|=]?)([fub])(\d+)$/.exec(descr);
  const order = m?.[1] ?? '';
  const little = order === '>' ? false : order === '=' ? HOST_LITTLE : true;
  const key = m ? `${m[2]}${m[3]}` : '';
  if (key === 'f4') return { dtype: 'float32', size: 4, little };
  if (key === 'f8') return { dtype: 'float64', size: 8, little };
  if (key === 'u1') return { dtype: 'uint8', size: 1, little };
  if (key === 'b1') return { dtype: 'bool', size: 1, little };
  throw new DepthReadError(
    'unsupported',
    file,
    `unsupported .npy dtype ${JSON.stringify(descr)} (supported: float32, float64, uint8, bool)`,
  );
}

function parseHeader(text: string, file: string): { descr: string; fortran: boolean; shape: number[] } {
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(text);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text);
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shape) {
    throw new DepthReadError('corrupt', file, `malformed .npy header ${JSON.stringify(text.trim())}`);
  }
  const dims = shape[1]
    .split(',')
    .map((s) => s.trim().replace(/L$/, ''))
    .filter((s) => s !== '')
    .map((s) => {
      const n = Number(s);
      if (!Number.isSafeInteger(n) || n < 0) {
        throw new DepthReadError('corrupt', file, `bad dimension ${JSON.stringify(s)} in .npy shape`);
      }
      return n;
    });
  return { descr: descr[1], fortran: fortran[1] === 'True', shape: dims };
}

function decodeValues(bytes: Uint8Array, offset: number, count: number, info: DescrInfo): NpyArray['data'] {
  const raw = bytes.subarray(offset, offset + count * info.size);
  if (info.dtype === 'uint8') return new Uint8Array(raw);
  if (info.dtype === 'bool') {
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) out[i] = raw[i] === 0 ? 0 : 1;
    return out;
  }
  if (info.little === HOST_LITTLE) {
    const copy = new Uint8Array(raw);
    return info.dtype === 'float32' ? new Float32Array(copy.buffer, 0, count) : new Float64Array(copy.buffer, 0, count);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (info.dtype === 'float32') {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, info.little);
    return out;
  }
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, info.little);
  return out;
}

// Reorders column-major (Fortran) data into row-major (C) order for any number of dimensions.
function fortranToC<T extends NpyArray['data']>(data: T, shape: number[]): T {
  const n = data.length;
  const nd = shape.length;
  if (nd < 2 || n === 0) return data;
  const out = new (data.constructor as new (n: number) => T)(n);
  const fStride = new Array<number>(nd);
  let s = 1;
  for (let k = 0; k < nd; k++) {
    fStride[k] = s;
    s *= shape[k];
  }
  const idx = new Array<number>(nd).fill(0);
  let src = 0;
  for (let i = 0; i < n; i++) {
    out[i] = data[src];
    for (let k = nd - 1; k >= 0; k--) {
      idx[k]++;
      src += fStride[k];
      if (idx[k] < shape[k]) break;
      src -= fStride[k] * shape[k];
      idx[k] = 0;
    }
  }
  return out;
}

/**
 * Parses a `.npy` file (format versions 1, 2 and 3): little- or big-endian float32/float64, uint8
 * and bool, C or Fortran order (Fortran data is reordered to C order). `file` names the input in
 * error messages. Failures are `DepthReadError`s (`corrupt`, `truncated`, `unsupported`).
 */
export function readNpy(bytes: Uint8Array, file = '<buffer>'): NpyArray {
  if (bytes.length < 10) {
    if (bytes.length === 0 || MAGIC.slice(0, bytes.length).every((b, i) => bytes[i] === b)) {
      throw new DepthReadError('truncated', file, `.npy file has only ${bytes.length} bytes`);
    }
    throw new DepthReadError('corrupt', file, 'not a .npy file (bad magic)');
  }
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw new DepthReadError('corrupt', file, 'not a .npy file (bad magic)');
  const major = bytes[6];
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = bytes[8] | (bytes[9] << 8);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new DepthReadError('truncated', file, '.npy header is cut short');
    headerLen = new DataView(bytes.buffer, bytes.byteOffset + 8, 4).getUint32(0, true);
    start = 12;
  } else {
    throw new DepthReadError('unsupported', file, `unsupported .npy format version ${major}.${bytes[7]}`);
  }
  if (bytes.length < start + headerLen) throw new DepthReadError('truncated', file, '.npy header is cut short');
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const header = parseHeader(text, file);
  const info = parseDescr(header.descr, file);
  const count = header.shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  const need = count * info.size;
  if (bytes.length - offset < need) {
    throw new DepthReadError(
      'truncated',
      file,
      `.npy data is cut short: ${bytes.length - offset} bytes for shape (${header.shape.join(', ')}) of ${header.descr}, need ${need}`,
    );
  }
  const values = decodeValues(bytes, offset, count, info);
  const data = header.fortran ? fortranToC(values, header.shape) : values;
  return { shape: header.shape, dtype: info.dtype, data };
}

/** Reads and parses a `.npy` file from disk; a missing file is a `DepthReadError` with code `not-found`. */
export async function readNpyFile(path: string): Promise<NpyArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new DepthReadError('not-found', path, `cannot read file (${(err as NodeJS.ErrnoException).code ?? String(err)})`, {
      cause: err,
    });
  }
  return readNpy(bytes, path);
}

function plane(arr: NpyArray, what: string, file: string): { h: number; w: number } {
  const s = arr.shape;
  if (s.length === 2 || (s.length === 3 && s[2] === 1)) return { h: s[0], w: s[1] };
  throw new DepthReadError('bad-shape', file, `${what} must be H×W or H×W×1, got (${s.join(', ')})`);
}

/**
 * Builds a depth map from an H×W or H×W×1 array; a pixel is valid when its value is finite and
 * > 0 and, with a mask, the mask is nonzero there. A mask larger than the depth (DIODE masks can
 * be wider) is cropped to the depth's top-left H×W; a smaller one is a `bad-shape` error.
 * Invalid pixels hold 0 in `data`.
 */
export function depthFromNpy(depth: NpyArray, mask?: NpyArray, file = '<array>'): DepthMap {
  const { h, w } = plane(depth, 'depth', file); // not a task id: the array named in messages
  if (h === 0 || w === 0) throw new DepthReadError('bad-shape', file, `depth is empty (${h}×${w})`);
  let maskW = 0;
  if (mask) {
    const m = plane(mask, 'depth mask', file);
    if (m.h < h || m.w < w) {
      throw new DepthReadError('bad-shape', file, `depth mask ${m.h}×${m.w} is smaller than the depth ${h}×${w}`);
    }
    maskW = m.w;
  }
  const n = h * w;
  const data = new Float32Array(n);
  const valid = new Uint8Array(n);
  const src = depth.data;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const v = Math.fround(src[i]);
      if (!(Number.isFinite(v) && v > 0)) continue;
      if (mask) {
        const m = mask.data[y * maskW + x];
        if (!(m > 0 || m < 0)) continue;
      }
      data[i] = v;
      valid[i] = 1;
    }
  }
  return { width: w, height: h, data, valid };
}

const DESCR: Record<NpyDtype, string> = { float32: '<f4', float64: '<f8', uint8: '|u1', bool: '|b1' };

/**
 * Serialises an array as a `.npy` file (format 1.0, or 2.0 when the header needs it), little-endian,
 * C order, header padded so the data starts on a 64-byte boundary as NumPy writes it.
 */
export function encodeNpy(arr: NpyArray): Uint8Array {
  const count = arr.shape.reduce((a, b) => a * b, 1);
  if (arr.shape.some((d) => !Number.isSafeInteger(d) || d < 0) || count !== arr.data.length) {
    throw new RangeError(`shape (${arr.shape.join(', ')}) does not match ${arr.data.length} values`);
  }
  const expected = arr.dtype === 'float32' ? Float32Array : arr.dtype === 'float64' ? Float64Array : Uint8Array;
  if (!(arr.data instanceof expected)) {
    throw new RangeError(`dtype ${arr.dtype} needs a ${expected.name}, got ${arr.data.constructor.name}`);
  }
  const shape = arr.shape.length === 1 ? `(${arr.shape[0]},)` : `(${arr.shape.join(', ')})`;
  const dict = `{'descr': '${DESCR[arr.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  let major = 1;
  let prefix = 10;
  let total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  if (total - prefix > 0xffff) {
    major = 2;
    prefix = 12;
    total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  }
  const headerLen = total - prefix;
  const elementSize = arr.dtype === 'float64' ? 8 : arr.dtype === 'float32' ? 4 : 1;
  const out = new Uint8Array(total + count * elementSize);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, headerLen, true);
  else view.setUint32(8, headerLen, true);
  const header = `${dict}${' '.repeat(headerLen - dict.length - 1)}\n`;
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  if (arr.dtype === 'float32') for (let i = 0; i < count; i++) view.setFloat32(total + i * 4, arr.data[i], true);
  else if (arr.dtype === 'float64') for (let i = 0; i < count; i++) view.setFloat64(total + i * 8, arr.data[i], true);
  else if (arr.dtype === 'bool') for (let i = 0; i < count; i++) out[total + i] = arr.data[i] === 0 ? 0 : 1;
  else out.set(arr.data as Uint8Array, total);
  return out;
}
