import { join } from 'node:path';
import { decodeImage } from '../codec.js';
import type { ImageSource, SourceItem } from '../source.js';
import { sortById, splitPath, walkFiles } from './walk.js';

/** File extensions an RGB folder source picks up (compared case-insensitively). */
export const RGB_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.webp'];

/** Options of `folderSource`. */
export interface FolderSourceOptions {
  /** Dataset name recorded with each item, `folder` by default (e.g. `coco`). */
  readonly dataset?: string;
}

/**
 * Every `.jpg`/`.jpeg`/`.png`/`.webp` file under `dir` (recursive, case-insensitive, names starting
 * with `.` skipped) as an RGB-only item; id = path relative to `dir` with `/` separators.
 */
export function folderSource(dir: string, options: FolderSourceOptions = {}): ImageSource {
  const dataset = options.dataset ?? 'folder';
  return {
    name: `folder:${dir}`,
    hasDepth: false,
    async list(): Promise<readonly SourceItem[]> {
      const files = await walkFiles(dir);
      const items = files
        .filter((rel) => RGB_EXTENSIONS.includes(splitPath(rel).ext))
        .map((rel): SourceItem => {
          const path = join(dir, rel);
          return { dataset, id: rel, hasDepth: false, load: async () => ({ rgb: await decodeImage(path) }) };
        });
      return sortById(items);
    },
  };
}
