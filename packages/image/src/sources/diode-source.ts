import { join } from 'node:path';
import type { ImageSource, SourceItem } from '../source.js';
import { loadRgbd } from './load-rgbd.js';
import { sortById, splitPath, walkFiles } from './walk.js';

/**
 * A DIODE tree (`{train,val}/{indoors,outdoor,outdoors}/scene_<n>/scan_<n>/<id>.png` with
 * `<id>_depth.npy` and, when present, `<id>_depth_mask.npy`). Lenient: every `.png` under `dir`
 * with a sibling `<stem>_depth.npy` is an item; id = relative path without extension; dataset `diode`.
 */
export function diodeSource(dir: string): ImageSource {
  return {
    name: `diode:${dir}`,
    hasDepth: true,
    async list(): Promise<readonly SourceItem[]> {
      const files = await walkFiles(dir);
      const present = new Set(files);
      const items: SourceItem[] = [];
      for (const rel of files) {
        const { folder, stem, ext } = splitPath(rel);
        if (ext !== '.png') continue;
        const depthRel = `${folder}${stem}_depth.npy`;
        if (!present.has(depthRel)) continue;
        const maskRel = `${folder}${stem}_depth_mask.npy`;
        const id = `${folder}${stem}`;
        const rgbPath = join(dir, rel);
        const depthPath = join(dir, depthRel);
        const mask = present.has(maskRel) ? join(dir, maskRel) : undefined;
        items.push({
          dataset: 'diode',
          id,
          hasDepth: true,
          load: () => loadRgbd(`diode:${id}`, rgbPath, depthPath, mask === undefined ? {} : { mask }),
        });
      }
      return sortById(items);
    },
  };
}
