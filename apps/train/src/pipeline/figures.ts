import { join } from 'node:path';
import { writeSvgChart } from '@spatial-ssrl/image';

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
  const pngRel = `figures/${name}.png`;
  const png = await writeSvgChart(join(dir, svgRel), svg, join(dir, pngRel));
  return png ? { svg: svgRel, png: pngRel } : { svg: svgRel };
}
