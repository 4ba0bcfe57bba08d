import { cropRgb, resizeBilinear, rotate90, type Rect, type RgbImage } from '@spatial-ssrl/image';

/** How an option was made from the source: the raw crop or one of the five distractor transforms. */
export type CropTransform = 'original' | 'rotate-ccw' | 'rotate-cw' | 'interior' | 'context-1' | 'context-2';

/** The five distractor transforms, in a fixed order. */
export const DISTRACTOR_TRANSFORMS: readonly CropTransform[] = ['rotate-ccw', 'rotate-cw', 'interior', 'context-1', 'context-2'];

/**
 * Renders one option for the hole `hole` (a square of side `hole.width`) of `source`: the raw
 * crop, a 90° rotation, the central half `[side/4, 3·side/4)²` of the crop, or the square grown by
 * `side/4` (context-1) or `side/2` (context-2) on each side and clamped to the image; every
 * option is bilinear-resized to `side × side`.
 */
export function renderOption(source: RgbImage, hole: Rect, transform: CropTransform): RgbImage {
  const side = hole.width;
  const crop = cropRgb(source, hole);
  switch (transform) {
    case 'original':
      return crop;
    case 'rotate-ccw':
      return rotate90(crop, 'ccw');
    case 'rotate-cw':
      return rotate90(crop, 'cw');
    case 'interior': {
      const q = Math.floor(side / 4);
      const end = Math.floor((3 * side) / 4);
      return resizeBilinear(cropRgb(crop, { x: q, y: q, width: end - q, height: end - q }), side, side);
    }
    case 'context-1':
    case 'context-2': {
      const grow = transform === 'context-1' ? Math.floor(side / 4) : Math.floor(side / 2);
      const x0 = Math.max(0, hole.x - grow);
      const y0 = Math.max(0, hole.y - grow);
      const x1 = Math.min(source.width, hole.x + side + grow);
      const y1 = Math.min(source.height, hole.y + side + grow);
      return resizeBilinear(cropRgb(source, { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }), side, side);
    }
  }
}
