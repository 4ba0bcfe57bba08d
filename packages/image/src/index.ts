export type { RgbImage, DepthMap, Rect, Rgb } from './raster.js';
export { createRgb } from './raster.js';
export type { LoadedImage, SourceItem, ImageSource } from './source.js';
