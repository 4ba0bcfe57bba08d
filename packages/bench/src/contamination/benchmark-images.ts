import { createHash } from 'node:crypto';
import type { PolicyImage } from '@spatial-ssrl/spec';
import type { LoadOptions } from '../benchmark.js';
import { loadBenchmark } from '../registry.js';

/** One distinct image of a benchmark: its encoded bytes and the first item that shows it. */
export interface BenchmarkImage {
  /** `<benchmark>/<first 16 hex digits of the bytes' SHA-256>`: the same bytes get the same key. */
  readonly key: string;
  readonly image: PolicyImage;
  /** Id of the first item (in file order) that shows the image, and its position among that item's images. */
  readonly item: string;
  readonly position: number;
  /** Items read so far (this one included) and in all, for progress. */
  readonly itemsRead: number;
  readonly itemCount: number;
}

/**
 * Every distinct image benchmark `name` shows, loaded from `source` as for a run: items in file
 * order, each item's images in prompt order, byte-identical repeats (the same picture in several
 * questions) yielded once. Images are loaded one item at a time, so a large benchmark is never
 * held in memory whole. `options` are the loader's (`limit`, `framesDir`, `subset`…).
 */
export async function* benchmarkImages(name: string, source: string, options: LoadOptions = {}): AsyncGenerator<BenchmarkImage> {
  const { items } = await loadBenchmark(name, source, { resize: false, ...options, cot: false });
  const seen = new Set<string>();
  for (const [index, item] of items.entries()) {
    const images = await item.images();
    for (const [position, image] of images.entries()) {
      const key = `${name}/${createHash('sha256').update(image.data).digest('hex').slice(0, 16)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      yield { key, image, item: item.id, position, itemsRead: index + 1, itemCount: items.length };
    }
  }
}
