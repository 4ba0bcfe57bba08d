import type { ImageSource, SourceItem } from '@spatial-ssrl/image';
import { DatasetError } from '@spatial-ssrl/spec';

/** Lists every source in order and concatenates their items; throws on a repeated (dataset, id). */
export async function listItems(sources: readonly ImageSource[]): Promise<SourceItem[]> {
  const items: SourceItem[] = [];
  const seen = new Set<string>();
  for (const source of sources) {
    for (const item of await source.list()) {
      const key = `${item.dataset}\u0000${item.id}`;
      if (seen.has(key)) {
        throw new DatasetError('invalid-options', `image ${item.dataset}:${item.id} is listed twice (source ${source.name}); give each image once`);
      }
      seen.add(key);
      items.push(item);
    }
  }
  return items;
}

/** A short fingerprint of an item list (ids, order and depth flags), to check threads see the same list. */
export function itemsDigest(items: readonly { readonly dataset: string; readonly id: string; readonly hasDepth: boolean }[]): string {
  let a = 0x811c9dc5;
  let b = 0x01234567;
  const encoder = new TextEncoder();
  for (const item of items) {
    for (const byte of encoder.encode(`${item.dataset}\u0000${item.id}\u0000${item.hasDepth ? 1 : 0}\n`)) {
      a = Math.imul(a ^ byte, 0x01000193) >>> 0;
      b = Math.imul(b ^ byte, 0x5bd1e995) >>> 0;
      b = (b ^ (b >>> 15)) >>> 0;
    }
  }
  return `${items.length}:${a.toString(16).padStart(8, '0')}${b.toString(16).padStart(8, '0')}`;
}
