import type { DepthMap, RgbImage } from './raster.js';

/** What one source image provides once loaded. `depth` has the raster's size when present. */
export interface LoadedImage {
  readonly rgb: RgbImage;
  readonly depth?: DepthMap;
}

/** One image of a source: a stable id (unique within its dataset) and a loader. */
export interface SourceItem {
  /** Dataset name recorded with each sample, e.g. `synthetic`, `coco`, `diode`, `megadepth`. */
  readonly dataset: string;
  /** Stable id within the dataset, e.g. a relative path without extension. */
  readonly id: string;
  /** Whether `load()` returns depth. */
  readonly hasDepth: boolean;
  /** Decodes the image (and its depth); rejects with an `ImageSourceError` on bad input. */
  load(): Promise<LoadedImage>;
}

/** A collection of images, listed in a stable, sorted order. */
export interface ImageSource {
  /** Human-readable spec, e.g. `folder:/data/coco` or `synthetic`. */
  readonly name: string;
  /** Whether every item carries depth. */
  readonly hasDepth: boolean;
  /** Lists the items in a stable order (same on every machine for the same files). */
  list(): Promise<readonly SourceItem[]>;
}
