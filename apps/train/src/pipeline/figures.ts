import { join } from 'node:path';
import { decodeImage, encodeImage } from '@spatial-ssrl/image';
import { writeFileAtomic } from '@spatial-ssrl/model';

/** Files written for one figure (paths relative to the report folder). */
export interface FigureFiles {
  readonly svg: string;
  /** Absent when the SVG could not be rasterised (sharp built without SVG support). */
  readonly png?: string;
}

/**
 * Writes `figures/<name>.svg` under `dir` and, through sharp's SVG decoder, a PNG of it, so the
 * figure shows where SVG does not (some viewers and chat tools).
 */
export async function writeFigure(dir: string, name: string, svg: string): Promise<FigureFiles> {
  const svgRel = `figures/${name}.svg`;
  await writeFileAtomic(join(dir, svgRel), svg);
  try {
    const raster = await decodeImage(Buffer.from(svg, 'utf8'));
    const pngRel = `figures/${name}.png`;
    await writeFileAtomic(join(dir, pngRel), await encodeImage(raster, { format: 'png', compressionLevel: 9 }));
    return { svg: svgRel, png: pngRel };
  } catch {
    return { svg: svgRel };
  }
}
