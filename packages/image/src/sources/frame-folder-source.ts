import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClipFrame, ClipInfo, ClipItem, ClipSource } from '../clip.js';
import { decodeImage, imageSize } from '../codec.js';
import { ClipSourceError } from '../errors.js';
import { RGB_EXTENSIONS } from './folder-source.js';
import { sortById, splitPath, walkFiles } from './walk.js';

/** Name of the optional per-clip timestamps file of a frame folder. */
export const TIMESTAMPS_FILE = 'timestamps.txt';

/** Options of {@link frameFolderSource}. */
export interface FrameFolderOptions {
  /** Dataset name recorded with each clip; default `frames`. */
  readonly dataset?: string;
  /** Frames per second of clips without a timestamps file; default 30. */
  readonly fps?: number;
}

/**
 * Orders file names with digit runs compared as numbers (`2.jpg` before `10.jpg`), ties broken
 * by UTF-8 bytes, so the order is the same on every machine.
 */
export function compareNatural(a: string, b: string): number {
  const pa = a.split(/(\d+)/);
  const pb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    if (i % 2 === 1) {
      const d = BigInt(x) - BigInt(y);
      if (d !== 0n) return d < 0n ? -1 : 1;
      continue;
    }
    return Buffer.compare(Buffer.from(x), Buffer.from(y));
  }
  if (pa.length !== pb.length) return pa.length - pb.length;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * Parses a timestamps file: one line per frame in frame order, either `<seconds>` or
 * `<file name> <seconds>`; blank lines and lines starting with `#` are skipped. Times must be
 * finite and strictly increasing; returns them relative to the first, seconds.
 */
export function parseTimestamps(text: string, frameNames: readonly string[], file: string): number[] {
  const entries = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(/\s+/));
  const bad = (message: string): never => {
    throw new ClipSourceError('bad-timestamps', file, message);
  };
  if (entries.length !== frameNames.length) bad(`lists ${entries.length} times for ${frameNames.length} frames`);
  const named = entries.every((e) => e.length === 2);
  const times = new Map<string, number>();
  const ordered: number[] = [];
  entries.forEach((e, i) => {
    if (e.length > 2 || (named && e.length !== 2)) bad(`line ${i + 1} is not "<seconds>" or "<file name> <seconds>"`);
    const t = Number(e[e.length - 1]);
    if (!Number.isFinite(t)) bad(`line ${i + 1}: "${e[e.length - 1]}" is not a number of seconds`);
    if (named) times.set(e[0]!, t);
    else ordered.push(t);
  });
  const out = named
    ? frameNames.map((name) => times.get(name) ?? bad(`has no time for frame ${name}`))
    : ordered;
  for (let i = 1; i < out.length; i++) {
    if (!(out[i]! > out[i - 1]!)) bad(`times must increase from frame to frame; frame ${i} is at ${out[i]} s after ${out[i - 1]} s`);
  }
  return out.map((t) => t - out[0]!);
}

function clipItem(dir: string, id: string, names: readonly string[], options: FrameFolderOptions): ClipItem {
  const dataset = options.dataset ?? 'frames';
  const fps = options.fps ?? 30;
  const paths = names.map((n) => join(dir, n));
  let probed: Promise<ClipInfo> | undefined;
  const probeOnce = async (): Promise<ClipInfo> => {
    const stampsPath = join(dir, TIMESTAMPS_FILE);
    const text = await readFile(stampsPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw new ClipSourceError('bad-timestamps', stampsPath, `cannot be read (${error.code ?? error.message})`, { cause: error });
    });
    const times = text === null ? null : parseTimestamps(text, names, stampsPath);
    const first = await imageSize(paths[0]!);
    const n = names.length;
    const span = times ? times[n - 1]! : 0;
    const rate = times && n > 1 ? (n - 1) / span : fps;
    return {
      frameCount: n,
      frameRate: rate,
      duration: times ? span + 1 / rate : n / fps,
      width: first.width,
      height: first.height,
      frameTime: (k) => (times ? times[k]! : k / fps),
    };
  };
  const probe = (): Promise<ClipInfo> => (probed ??= probeOnce());
  return {
    dataset,
    id,
    hasDepth: false,
    hasCameras: false,
    probe,
    async frames(indices: readonly number[]): Promise<ClipFrame[]> {
      const info = await probe();
      for (const k of indices) {
        if (!Number.isInteger(k) || k < 0 || k >= info.frameCount) {
          throw new ClipSourceError('invalid-frame', dir, `frame ${String(k)} is outside 0…${info.frameCount - 1}`);
        }
      }
      const unique = [...new Set(indices)];
      const decoded = new Map(await Promise.all(unique.map(async (k) => [k, await decodeImage(paths[k]!)] as const)));
      for (const [k, rgb] of decoded) {
        if (rgb.width !== info.width || rgb.height !== info.height) {
          throw new ClipSourceError('mixed-sizes', paths[k]!, `is ${rgb.width}×${rgb.height} but the clip's first frame is ${info.width}×${info.height}`);
        }
      }
      return indices.map((index) => ({ index, time: info.frameTime(index), rgb: decoded.get(index)! }));
    },
  };
}

/**
 * A clip source of frame folders: every folder under `dir` (itself included) that directly holds
 * `.jpg`/`.jpeg`/`.png`/`.webp` files is one clip, its frames those files in natural order
 * ({@link compareNatural}). Times come from an optional `timestamps.txt` in the folder (see
 * {@link parseTimestamps}), else from `fps`. Ids are folder paths relative to `dir` (`.` for `dir`).
 */
export function frameFolderSource(dir: string, options: FrameFolderOptions = {}): ClipSource {
  if (options.fps !== undefined && !(options.fps > 0 && Number.isFinite(options.fps))) {
    throw new ClipSourceError('bad-timestamps', dir, `fps must be a positive number, got ${String(options.fps)}`);
  }
  return {
    kind: 'clip',
    name: `frames:${dir}${options.fps === undefined ? '' : `?fps=${options.fps}`}`,
    hasDepth: false,
    hasCameras: false,
    async list(): Promise<readonly ClipItem[]> {
      const byFolder = new Map<string, string[]>();
      for (const rel of await walkFiles(dir)) {
        const { folder, ext } = splitPath(rel);
        if (!RGB_EXTENSIONS.includes(ext)) continue;
        const names = byFolder.get(folder) ?? [];
        names.push(rel.slice(folder.length));
        byFolder.set(folder, names);
      }
      const items = [...byFolder].map(([folder, names]) =>
        clipItem(join(dir, folder), folder === '' ? '.' : folder.slice(0, -1), [...names].sort(compareNatural), options),
      );
      return sortById(items);
    },
  };
}
