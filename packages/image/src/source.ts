import type { CameraView } from './camera.js';
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

/** One image with the camera that took it, and its depth when known. */
export interface CapturedView {
  readonly rgb: RgbImage;
  /** Camera-space depth (metres) with the image's size. */
  readonly depth?: DepthMap;
  readonly camera: CameraView;
}

/** Two views of one scene, for tasks that relate them (correspondence, relative pose). */
export interface ViewPairItem {
  readonly dataset: string;
  readonly id: string;
  readonly hasDepth: boolean;
  /** Renders or decodes both views. */
  load(): Promise<readonly [CapturedView, CapturedView]>;
}

/** A collection of view pairs, listed in a stable order. */
export interface ViewPairSource {
  readonly kind: 'view-pair';
  /** The spec the source was opened from, e.g. `twoview:100:640x480:baseline=1`. */
  readonly name: string;
  readonly hasDepth: boolean;
  list(): Promise<readonly ViewPairItem[]>;
}
