import { join } from 'node:path';
import type { ImageSource, SourceItem } from '../source.js';
import { loadRgbd } from './load-rgbd.js';
import { sortById, splitPath, walkFiles } from './walk.js';

/**
 * A MegaDepth tree (`<scene>/dense<n>/imgs/<stem>.jpg` with `<scene>/dense<n>/depths/<stem>.h5`,
 * dataset key `depth`, 0 = invalid). Every `.jpg`/`.jpeg`/`.png` inside an `imgs` folder whose
 * sibling `depths` folder holds `<stem>.h5` is an item; id = relative path without extension.
 */
export function megadepthSource(dir: string): ImageSource {
  return {
    name: `megadepth:${dir}`,
    hasDepth: true,
    async list(): Promise<readonly SourceItem[]> {
      const files = await walkFiles(dir);
      const present = new Set(files);
      const items: SourceItem[] = [];
      for (const rel of files) {
        const { folder, stem, ext } = splitPath(rel);
        if (ext !== '.jpg' && ext !== '.jpeg' && ext !== '.png') continue;
        const m = /^(.*\/)?imgs\/$/.exec(folder);
        if (!m) continue;
        const depthRel = `${m[1] ?? ''}depths/${stem}.h5`;
        if (!present.has(depthRel)) continue;
        const id = `${folder}${stem}`;
        const rgbPath = join(dir, rel);
        const depthPath = join(dir, depthRel);
        items.push({
          dataset: 'megadepth',
          id,
          hasDepth: true,
          load: () => loadRgbd(`megadepth:${id}`, rgbPath, depthPath),
        });
      }
      return sortById(items);
    },
  };
}
