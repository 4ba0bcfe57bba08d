import { writeFileAtomic } from '@spatial-ssrl/spec/node';
import { decodeImage, encodeImage } from './codec.js';
import { ImageDecodeError } from './errors.js';

/**
 * Writes a chart's SVG to `svgFile` and, given `pngFile` and a sharp build that can rasterise SVG
 * (librsvg), a PNG of it at the SVG's own size in px; both atomically. Returns whether the PNG
 * was written (a sharp build without SVG input leaves the SVG as the only file).
 */
export async function writeSvgChart(svgFile: string, svg: string, pngFile?: string): Promise<boolean> {
  await writeFileAtomic(svgFile, svg);
  if (pngFile === undefined) return false;
  let raster;
  try {
    raster = await decodeImage(new TextEncoder().encode(svg));
  } catch (err) {
    if (err instanceof ImageDecodeError) return false;
    throw err;
  }
  await writeFileAtomic(pngFile, await encodeImage(raster, { format: 'png', compressionLevel: 9 }));
  return true;
}
