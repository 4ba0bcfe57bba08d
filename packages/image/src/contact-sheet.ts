import { drawBorder, fillRect, pasteRgb } from './pixel-ops.js';
import { createRgb, type Rgb, type RgbImage } from './raster.js';
import { resizeBilinear } from './resize.js';
import { drawText, measureText } from './text.js';

/** One cell of a contact sheet: the sample's images in order and its text lines. */
export interface SheetCell {
  readonly images: readonly RgbImage[];
  /** Up to four short lines drawn under the images; non-ASCII characters are shown as `?`. */
  readonly lines: readonly { readonly text: string; readonly color?: Rgb }[];
}

/** Layout of a contact sheet, in px. */
export interface SheetLayout {
  readonly columns: number;
  readonly cellWidth: number;
  /** Maximum height of a cell's image row. */
  readonly imageHeight: number;
  /** Line height of the bitmap font (a multiple of 9 draws crisp glyphs). */
  readonly textHeight: number;
}

/** Default layout: 4 columns of 440 px cells, 220 px image rows and 18 px text. */
export const DEFAULT_SHEET_LAYOUT: SheetLayout = { columns: 4, cellWidth: 440, imageHeight: 220, textHeight: 18 };

const PAD = 10;
const GAP = 4;
const LINE_GAP = 6;
const BACKGROUND: Rgb = [250, 250, 250];
const CELL_BORDER: Rgb = [200, 200, 200];
const IMAGE_BORDER: Rgb = [120, 120, 120];
const TEXT: Rgb = [20, 20, 20];

/**
 * Lays cells out on a grid with a title line: each cell shows its images side by side, scaled to
 * a common height that fits the cell (numbered in prompt order when there are several), and its
 * text lines in the project's bitmap font.
 */
export function renderContactSheet(title: string, cells: readonly SheetCell[], layout: SheetLayout = DEFAULT_SHEET_LAYOUT): RgbImage {
  const columns = Math.max(1, Math.min(layout.columns, cells.length || 1));
  const rows = Math.max(1, Math.ceil(cells.length / columns));
  const lineStep = layout.textHeight + LINE_GAP;
  const maxLines = Math.max(1, ...cells.map((c) => c.lines.length));
  const cellHeight = PAD + layout.imageHeight + PAD + maxLines * lineStep + PAD;
  const header = PAD + layout.textHeight + PAD;
  const width = columns * layout.cellWidth + (columns + 1) * PAD;
  const height = header + rows * cellHeight + (rows + 1) * PAD;
  const sheet = createRgb(width, height, BACKGROUND);
  drawLine(sheet, title, PAD, PAD, width - 2 * PAD, layout.textHeight, TEXT);

  cells.forEach((cell, i) => {
    const cx = PAD + (i % columns) * (layout.cellWidth + PAD);
    const cy = header + PAD + Math.floor(i / columns) * (cellHeight + PAD);
    fillRect(sheet, { x: cx, y: cy, width: layout.cellWidth, height: cellHeight }, [255, 255, 255]);
    drawBorder(sheet, { x: cx, y: cy, width: layout.cellWidth, height: cellHeight }, 1, CELL_BORDER);
    const row = tileImages(cell.images, layout.cellWidth - 2 * PAD, layout.imageHeight);
    let x = cx + PAD + Math.floor((layout.cellWidth - 2 * PAD - row.width) / 2);
    const y = cy + PAD + Math.floor((layout.imageHeight - row.height) / 2);
    row.images.forEach((img, k) => {
      pasteRgb(sheet, img, x, y);
      drawBorder(sheet, { x: x - 1, y: y - 1, width: img.width + 2, height: img.height + 2 }, 1, IMAGE_BORDER);
      // Number the images of multi-image samples in prompt order (1 = first placeholder).
      if (row.images.length > 1) drawText(sheet, String(k + 1), x + 3, y + 3, { height: layout.textHeight, color: [255, 255, 0], outline: 2 });
      x += img.width + GAP;
    });
    cell.lines.forEach((line, l) => {
      const ty = cy + PAD + layout.imageHeight + PAD + l * lineStep;
      drawLine(sheet, line.text, cx + PAD, ty, layout.cellWidth - 2 * PAD, layout.textHeight, line.color ?? TEXT);
    });
  });
  return sheet;
}

function tileImages(images: readonly RgbImage[], maxWidth: number, maxHeight: number): { images: RgbImage[]; width: number; height: number } {
  if (images.length === 0) return { images: [], width: 0, height: 0 };
  const aspectSum = images.reduce((s, img) => s + img.width / img.height, 0);
  const free = maxWidth - GAP * (images.length - 1) - 2 * images.length;
  const h = Math.max(8, Math.floor(Math.min(maxHeight - 2, free / aspectSum)));
  const scaled = images.map((img) => shrink(img, Math.max(1, Math.round((img.width * h) / img.height)), h));
  const width = scaled.reduce((s, img) => s + img.width, 0) + GAP * (scaled.length - 1);
  return { images: scaled, width, height: h };
}

// Halving first keeps strong reductions from aliasing: a 2:1 bilinear step averages 2×2 pixels.
function shrink(img: RgbImage, width: number, height: number): RgbImage {
  let cur = img;
  while (cur.width >= width * 2 && cur.height >= height * 2) {
    cur = resizeBilinear(cur, Math.floor(cur.width / 2), Math.floor(cur.height / 2));
  }
  return cur.width === width && cur.height === height ? cur : resizeBilinear(cur, width, height);
}

function drawLine(img: RgbImage, text: string, x: number, y: number, maxWidth: number, height: number, color: Rgb): void {
  let shown = text.replace(/[^\x20-\x7e]/g, '?');
  if (measureText(shown, height).width > maxWidth) {
    while (shown.length > 0 && measureText(`${shown}...`, height).width > maxWidth) shown = shown.slice(0, -1);
    shown = `${shown}...`;
  }
  drawText(img, shown, x, y, { height, color });
}
