import { decodeImage, encodeImage, ImageDecodeError } from '@spatial-ssrl/image';
import { writeFileAtomic } from './atomic-write.js';

/**
 * Writes a chart's SVG to `svgFile` and, given `pngFile` and an image codec that can rasterise
 * SVG (sharp with librsvg), a PNG of it; both atomically. Returns whether the PNG was written.
 */
export async function writeChartFiles(svgFile: string, svg: string, pngFile?: string): Promise<boolean> {
  await writeFileAtomic(svgFile, svg);
  if (pngFile === undefined) return false;
  let raster;
  try {
    raster = await decodeImage(new TextEncoder().encode(svg));
  } catch (err) {
    // A sharp build without SVG input (librsvg) cannot rasterise: the SVG stays the only chart.
    if (err instanceof ImageDecodeError) return false;
    throw err;
  }
  await writeFileAtomic(pngFile, await encodeImage(raster));
  return true;
}
