import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from './codec.js';
import { writeSvgChart } from './svg-chart-files.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ssrl-svg-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="white"/><rect x="20" width="20" height="20" fill="#ff0000"/></svg>';

describe('writeSvgChart', () => {
  it('writes the SVG and a PNG of it at the SVG size', async () => {
    const svg = path.join(dir, 'c', 'curve.svg');
    const png = path.join(dir, 'c', 'curve.png');
    expect(await writeSvgChart(svg, SVG, png)).toBe(true);
    expect(await readFile(svg, 'utf8')).toBe(SVG);
    const raster = await decodeImage(png);
    expect([raster.width, raster.height]).toEqual([40, 20]);
    const at = (x: number) => [...raster.data.subarray((5 * 40 + x) * 3, (5 * 40 + x) * 3 + 3)];
    expect(at(5)).toEqual([255, 255, 255]);
    expect(at(30)).toEqual([255, 0, 0]);
  });

  it('writes only the SVG when no PNG is asked for', async () => {
    expect(await writeSvgChart(path.join(dir, 'only.svg'), SVG)).toBe(false);
  });
});
