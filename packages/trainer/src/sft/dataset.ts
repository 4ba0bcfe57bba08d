import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { decodeImage, ImageDecodeError } from '@spatial-ssrl/image';
import { DATASET_FILES, DatasetError, type SampleRecord } from '@spatial-ssrl/spec';
import { readSamples, writeFileAtomic } from '@spatial-ssrl/spec/node';
import { prepareImage, type PreparedImage } from '@spatial-ssrl/model/training';

/** The records of a dataset directory, in file order. */
export interface Dataset {
  readonly dir: string;
  readonly records: readonly SampleRecord[];
}

/** Reads `samples.jsonl` of a dataset directory (see `readSamples`); a missing or empty file or a bad line is a `DatasetError` naming the line. */
export async function readDataset(dir: string): Promise<Dataset> {
  const records: SampleRecord[] = [];
  for await (const record of readSamples(dir)) records.push(record);
  if (records.length === 0) throw new DatasetError('not-a-dataset', 'has no records', { path: path.join(dir, DATASET_FILES.samples) });
  return { dir, records };
}

/** Every image of a dataset decoded once and resized to the model's input size, in one buffer. */
export interface ImageCache {
  readonly size: number;
  /** `count × size² × 3` bytes, image `i` at offset `i·size²·3` (on a `SharedArrayBuffer` when built by `buildImageCache`). */
  readonly data: Uint8Array;
  /** Slot of each image, by its path relative to the dataset directory. */
  readonly slots: ReadonlyMap<string, number>;
}

/** Reads image `rel` of the cache as a prepared image (views, no copy). */
export function cachedImage(cache: ImageCache, rel: string): PreparedImage {
  const slot = cache.slots.get(rel);
  if (slot === undefined) throw new DatasetError('image-missing', 'image is not in the image cache', { path: rel });
  const n = cache.size * cache.size * 3;
  return { size: cache.size, data: cache.data.subarray(slot * n, (slot + 1) * n) };
}

/** Options of `buildImageCache`. */
export interface ImageCacheOptions {
  /** Images decoded at once (sharp decodes on its own thread pool, so this uses every core); default 8. */
  readonly concurrency?: number;
  /** A file to keep the cache in between runs; reused when the image list, sizes and dates match. */
  readonly file?: string;
  /** Called after each decoded image with (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
}

const CACHE_MAGIC = 'ssrl-image-cache-v1\n';

// On shared memory, so worker threads read the cache without a copy.
function sharedBytes(length: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(length));
}

async function cacheKey(dir: string, paths: readonly string[], size: number): Promise<string> {
  const h = createHash('sha256').update(`${size}\n`);
  for (const p of paths) {
    const s = await stat(path.join(dir, p)).catch(() => undefined);
    h.update(`${p}\u0000${s?.size ?? -1}\u0000${s?.mtimeMs ?? -1}\n`);
  }
  return h.digest('hex');
}

async function readCacheFile(file: string, key: string, expectedBytes: number): Promise<Uint8Array | undefined> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const header = Buffer.alloc(CACHE_MAGIC.length + 64);
    await handle.read(header, 0, header.length, 0);
    if (header.toString('latin1') !== CACHE_MAGIC + key) return undefined;
    const data = sharedBytes(expectedBytes);
    const { bytesRead } = await handle.read(data, 0, expectedBytes, header.length);
    return bytesRead === expectedBytes ? data : undefined;
  } finally {
    await handle.close();
  }
}

/**
 * Decodes every image the records reference (each distinct path once), resizes it to
 * `size × size` with `prepareImage`, and packs the results into one buffer. A record whose image
 * file is missing or undecodable is a `DatasetError` (`image-missing` / `corrupt-dataset`)
 * naming the record and the file.
 */
export async function buildImageCache(
  dataset: Dataset,
  size: number,
  options: ImageCacheOptions = {},
): Promise<ImageCache> {
  const owner = new Map<string, string>();
  for (const r of dataset.records) for (const p of r.images) if (!owner.has(p)) owner.set(p, r.id);
  const paths = [...owner.keys()];
  const slots = new Map(paths.map((p, i) => [p, i]));
  const per = size * size * 3;
  const key = options.file ? await cacheKey(dataset.dir, paths, size) : '';
  if (options.file) {
    const data = await readCacheFile(options.file, key, paths.length * per);
    if (data) {
      options.onProgress?.(paths.length, paths.length);
      return { size, data, slots };
    }
  }
  const data = sharedBytes(paths.length * per);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const i = next++;
      const rel = paths[i];
      const file = path.join(dataset.dir, rel);
      let img;
      try {
        img = await decodeImage(file);
      } catch (err) {
        const missing = err instanceof ImageDecodeError && err.code === 'not-found';
        throw new DatasetError(missing ? 'image-missing' : 'corrupt-dataset', `${missing ? 'image file is missing' : 'image cannot be decoded'} (record ${owner.get(rel)})`, { path: file, cause: err });
      }
      data.set(prepareImage(img, size).data, i * per);
      options.onProgress?.(++done, paths.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));
  if (options.file) {
    const header = Buffer.from(CACHE_MAGIC + key, 'latin1');
    const out = new Uint8Array(header.length + data.length);
    out.set(header, 0);
    out.set(data, header.length);
    await writeFileAtomic(options.file, out);
  }
  return { size, data, slots };
}
