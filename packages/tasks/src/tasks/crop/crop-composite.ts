import { createRgb, pasteRgb, type Rect, type RgbImage } from '@spatial-ssrl/image';
import { decoratePatch } from '../patch-style.js';

/** Where the parts of a composite crop sample sit in the single output image. */
export interface CompositeLayout {
  readonly width: number;
  readonly height: number;
  /** The masked source image. */
  readonly masked: Rect;
  /** Option tiles A-D (2×2, raster order). */
  readonly options: readonly Rect[];
}

/** Gap between the parts of a composite, pixels: 1/16 of the option side, at least 4. */
function compositeGap(side: number): number {
  return Math.max(4, Math.round(side / 16));
}

/** Plans a composite: the masked image on the left, a 2×2 block of `side`-px options on its right, white gaps. */
function compositeLayout(width: number, height: number, side: number): CompositeLayout {
  const gap = compositeGap(side);
  const left = width + gap;
  const options: Rect[] = [0, 1, 2, 3].map((k) => ({
    x: left + (k % 2) * (side + gap),
    y: Math.floor(k / 2) * (side + gap),
    width: side,
    height: side,
  }));
  return {
    width: left + 2 * side + gap,
    height: Math.max(height, 2 * side + gap),
    masked: { x: 0, y: 0, width, height },
    options,
  };
}

/** Tiles the masked image and the four options (framed and labelled A-D) into one image on white. */
export function renderComposite(masked: RgbImage, options: readonly RgbImage[], letters: readonly string[]): { image: RgbImage; layout: CompositeLayout } {
  const layout = compositeLayout(masked.width, masked.height, options[0].width);
  const image = createRgb(layout.width, layout.height, [255, 255, 255]);
  pasteRgb(image, masked, 0, 0);
  layout.options.forEach((rect, k) => {
    pasteRgb(image, options[k], rect.x, rect.y);
    decoratePatch(image, rect, letters[k]);
  });
  return { image, layout };
}
