import { extname } from 'node:path';
import { ImageSourceError } from '../errors.js';
import type { ImageSource, SourceItem } from '../source.js';
import { DEPTH_EXTENSIONS, loadRgbd } from './load-rgbd.js';
import { sortById } from './walk.js';

/** One explicit RGB + depth file pair of `pairSource`. */
export interface RgbdPair {
  /** Stable id within the dataset. */
  readonly id: string;
  /** Path of the RGB image. */
  readonly rgb: string;
  /** Path of the depth file: `.npy`, `.h5` or `.hdf5`. */
  readonly depth: string;
  /** Path of a `.npy` validity mask, only with `.npy` depth. */
  readonly mask?: string;
}

/**
 * Explicit RGB + depth file pairs as a source (for files that follow no dataset layout); the depth
 * reader is chosen by extension. Ids must be unique; items are listed sorted by id.
 */
export function pairSource(pairs: readonly RgbdPair[], dataset: string): ImageSource {
  const ids = new Set<string>();
  for (const pair of pairs) {
    if (typeof pair.id !== 'string' || pair.id === '') {
      throw new ImageSourceError('invalid-spec', `${dataset}: every pair needs a non-empty id`);
    }
    if (ids.has(pair.id)) throw new ImageSourceError('duplicate-id', `${dataset}: duplicate id "${pair.id}"`);
    ids.add(pair.id);
    const ext = extname(pair.depth).toLowerCase();
    if (!DEPTH_EXTENSIONS.includes(ext)) {
      throw new ImageSourceError(
        'unsupported-depth-format',
        `${dataset}:${pair.id}: depth file ${pair.depth} has extension "${ext}" (known: ${DEPTH_EXTENSIONS.join(', ')})`,
      );
    }
    if (pair.mask !== undefined && (ext !== '.npy' || extname(pair.mask).toLowerCase() !== '.npy')) {
      throw new ImageSourceError('unsupported-depth-format', `${dataset}:${pair.id}: a mask file is only supported as .npy with .npy depth`);
    }
  }
  const items = sortById(
    pairs.map((pair): SourceItem => {
      const { id, rgb, depth, mask } = pair;
      return {
        dataset,
        id,
        hasDepth: true,
        load: () => loadRgbd(`${dataset}:${id}`, rgb, depth, mask === undefined ? {} : { mask }),
      };
    }),
  );
  return {
    name: `pairs:${dataset}`,
    hasDepth: true,
    list: async () => items,
  };
}
