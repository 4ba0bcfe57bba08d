import type { ClipItem, ClipSource, ImageSource, SourceItem, ViewPairItem, ViewPairSource } from '@spatial-ssrl/image';
import { DatasetError } from '@spatial-ssrl/spec';

/** One listed source item of a run: an image, a clip or a view pair, with what the plan reads of it. */
export type DatasetItem =
  | { readonly kind: 'image'; readonly dataset: string; readonly id: string; readonly hasDepth: boolean; readonly hasCameras: false; readonly item: SourceItem }
  | { readonly kind: 'clip'; readonly dataset: string; readonly id: string; readonly hasDepth: boolean; readonly hasCameras: boolean; readonly item: ClipItem }
  | { readonly kind: 'view-pair'; readonly dataset: string; readonly id: string; readonly hasDepth: boolean; readonly hasCameras: true; readonly item: ViewPairItem };

/** The sources of a run by kind; each list is listed in order. */
export interface RunSources {
  readonly images: readonly ImageSource[];
  readonly clips?: readonly ClipSource[];
  readonly viewPairs?: readonly ViewPairSource[];
}

/**
 * Lists every source in order (images, then clips, then view pairs) and concatenates their
 * items; throws on a repeated (dataset, id).
 */
export async function listItems(sources: RunSources): Promise<DatasetItem[]> {
  const items: DatasetItem[] = [];
  const seen = new Set<string>();
  const add = (entry: DatasetItem, sourceName: string): void => {
    const key = `${entry.dataset}\u0000${entry.id}`;
    if (seen.has(key)) {
      throw new DatasetError('invalid-options', `${entry.kind === 'image' ? 'image' : entry.kind} ${entry.dataset}:${entry.id} is listed twice (source ${sourceName}); give each once`);
    }
    seen.add(key);
    items.push(entry);
  };
  for (const source of sources.images) {
    for (const item of await source.list()) add({ kind: 'image', dataset: item.dataset, id: item.id, hasDepth: item.hasDepth, hasCameras: false, item }, source.name);
  }
  for (const source of sources.clips ?? []) {
    for (const item of await source.list()) add({ kind: 'clip', dataset: item.dataset, id: item.id, hasDepth: item.hasDepth, hasCameras: item.hasCameras, item }, source.name);
  }
  for (const source of sources.viewPairs ?? []) {
    for (const item of await source.list()) add({ kind: 'view-pair', dataset: item.dataset, id: item.id, hasDepth: item.hasDepth, hasCameras: true, item }, source.name);
  }
  return items;
}

/** A short fingerprint of an item list (kinds, ids, order and depth flags), to check threads see the same list. */
export function itemsDigest(
  items: readonly { readonly dataset: string; readonly id: string; readonly hasDepth: boolean; readonly kind?: string; readonly hasCameras?: boolean }[],
): string {
  let a = 0x811c9dc5;
  let b = 0x01234567;
  const encoder = new TextEncoder();
  for (const item of items) {
    const extra = item.kind === undefined || item.kind === 'image' ? '' : `\u0000${item.kind}\u0000${item.hasCameras ? 1 : 0}`;
    for (const byte of encoder.encode(`${item.dataset}\u0000${item.id}\u0000${item.hasDepth ? 1 : 0}${extra}\n`)) {
      a = Math.imul(a ^ byte, 0x01000193) >>> 0;
      b = Math.imul(b ^ byte, 0x5bd1e995) >>> 0;
      b = (b ^ (b >>> 15)) >>> 0;
    }
  }
  return `${items.length}:${a.toString(16).padStart(8, '0')}${b.toString(16).padStart(8, '0')}`;
}
