import { createRgb, cropRgb, drawBorder, drawText, fillRect, measureText, pasteRgb, type Rect, type Rgb, type RgbImage } from '@spatial-ssrl/image';
import type { Grid } from './grid.js';

/**
 * Colour of the frame drawn inside every patch: blue, the colour the reference pipeline's
 * output (and so the released Spatial-SSRL-81k data) has; the paper's figures show red.
 */
const PATCH_BORDER_COLOR: Rgb = [0, 0, 255];

/** Width of the patch frame, pixels. */
export const PATCH_BORDER_WIDTH = 2;

/** Offset of a patch label's text box from the patch's top-left corner, pixels. */
const LABEL_OFFSET = 10;

/** Width of the black outline around label glyphs, pixels. */
const LABEL_OUTLINE = 2;

/** Smallest label text height, pixels (the 5×9 font at scale 2). */
export const MIN_LABEL_HEIGHT = 18;

/**
 * Text height for a patch label: at least 1/8 of the patch height and never below
 * {@link MIN_LABEL_HEIGHT}, rounded up to a whole multiple of the 9-px font so the request is exact.
 */
export function labelHeightFor(patchHeight: number): number {
  const scale = Math.max(MIN_LABEL_HEIGHT / 9, Math.ceil(patchHeight / 8 / 9));
  return 9 * scale;
}

/** The pixels a patch label (ink plus outline) may cover, in image coordinates. */
export function labelBox(patch: Rect, label: string): Rect {
  const size = measureText(label, labelHeightFor(patch.height));
  return {
    x: patch.x + LABEL_OFFSET - LABEL_OUTLINE,
    y: patch.y + LABEL_OFFSET - LABEL_OUTLINE,
    width: size.width + 2 * LABEL_OUTLINE,
    height: size.height + 2 * LABEL_OUTLINE,
  };
}

/** Smallest patch side (pixels) that holds a frame and a one-character label without clipping. */
export function minPatchSide(): number {
  const size = measureText('0', MIN_LABEL_HEIGHT);
  return LABEL_OFFSET + Math.max(size.width, size.height) + LABEL_OUTLINE + PATCH_BORDER_WIDTH;
}

/** Draws the patch frame, then the white, black-outlined label at (10, 10) of the patch. Mutates `img`. */
export function decoratePatch(img: RgbImage, patch: Rect, label: string): void {
  drawBorder(img, patch, PATCH_BORDER_WIDTH, PATCH_BORDER_COLOR);
  drawText(img, label, patch.x + LABEL_OFFSET, patch.y + LABEL_OFFSET, {
    height: labelHeightFor(patch.height),
    color: [255, 255, 255],
    outline: LABEL_OUTLINE,
    outlineColor: [0, 0, 0],
  });
}

/**
 * The pieces of `grid` over `rgb` rearranged: slot `k` shows original piece `permutation[k]`,
 * `maskedSlot` (when not null) is filled white, and every slot gets its frame and label `k`.
 */
export function shuffledPatches(rgb: RgbImage, grid: Grid, permutation: readonly number[], maskedSlot: number | null): RgbImage {
  const out = createRgb(grid.cols * grid.patchWidth, grid.rows * grid.patchHeight);
  grid.patches.forEach((slot, k) => {
    pasteRgb(out, cropRgb(rgb, grid.patches[permutation[k]]), slot.x, slot.y);
  });
  if (maskedSlot !== null) fillRect(out, grid.patches[maskedSlot], [255, 255, 255]);
  grid.patches.forEach((slot, k) => decoratePatch(out, slot, String(k)));
  return out;
}
