import { extname } from 'node:path';
import { decodeImage } from '../codec.js';
import { DepthReadError, ImageSourceError } from '../errors.js';
import { readH5Depth } from '../h5-depth.js';
import { depthFromNpy, readNpyFile } from '../npy.js';
import type { DepthMap } from '../raster.js';
import type { LoadedImage } from '../source.js';

/** Options of `readDepthFile`. */
export interface ReadDepthOptions {
  /** A `.npy` validity mask (nonzero = valid) for a `.npy` depth file. */
  readonly mask?: string;
  /** HDF5 dataset name, `depth` by default. */
  readonly key?: string;
}

/** Depth file extensions `readDepthFile` understands (lower case, with dot). */
export const DEPTH_EXTENSIONS: readonly string[] = ['.npy', '.h5', '.hdf5'];

/** Reads a depth map from a `.npy` (optionally with a `.npy` mask) or `.h5`/`.hdf5` file, chosen by extension. */
export async function readDepthFile(path: string, options: ReadDepthOptions = {}): Promise<DepthMap> {
  const ext = extname(path).toLowerCase();
  if (ext === '.npy') {
    const [depth, mask] = await Promise.all([
      readNpyFile(path),
      options.mask === undefined ? undefined : readNpyFile(options.mask),
    ]);
    return depthFromNpy(depth, mask, path);
  }
  if (ext === '.h5' || ext === '.hdf5') {
    if (options.mask !== undefined) {
      throw new DepthReadError('unsupported', path, 'a separate mask file is only supported with .npy depth');
    }
    return readH5Depth(path, options.key);
  }
  throw new DepthReadError('unsupported', path, `unknown depth file extension "${ext}" (known: ${DEPTH_EXTENSIONS.join(', ')})`);
}

/**
 * Decodes an RGB file and its depth file together and checks that they agree: a size mismatch
 * is an `ImageSourceError` `depth-size-mismatch`, a depth without a single valid pixel `depth-empty`.
 */
export async function loadRgbd(label: string, rgbPath: string, depthPath: string, options: ReadDepthOptions = {}): Promise<LoadedImage> {
  const [rgb, depth] = await Promise.all([decodeImage(rgbPath), readDepthFile(depthPath, options)]);
  if (rgb.width !== depth.width || rgb.height !== depth.height) {
    throw new ImageSourceError(
      'depth-size-mismatch',
      `${label}: depth ${depth.width}×${depth.height} (${depthPath}) does not match image ${rgb.width}×${rgb.height} (${rgbPath})`,
    );
  }
  if (!depth.valid.includes(1)) {
    throw new ImageSourceError('depth-empty', `${label}: depth has no valid pixel (${depthPath})`);
  }
  return { rgb, depth };
}
