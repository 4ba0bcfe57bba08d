import { basename, dirname, extname, join, relative } from 'node:path';
import { compareFigureSvg, compareRuns, readCompareFigureData, readRunSummary, runLabels } from '@spatial-ssrl/bench';
import { decodeImage, encodeImage } from '@spatial-ssrl/image';
import { writeFileAtomic } from '@spatial-ssrl/spec/node';

/** What `compare` wrote. */
export interface CompareOutput {
  readonly markdown: string;
  /** Figure files written (SVG, then PNG), when a figure path was known. */
  readonly figures: readonly string[];
}

/**
 * Compares run folders: the Markdown tables (to `out` when given, else returned for stdout) and
 * a figure of every benchmark and category with 95 % intervals, as SVG and PNG, at `figure`
 * (a path without extension; default: `out` without its extension).
 */
export async function compareCommand(runs: readonly string[], out?: string, figure?: string): Promise<CompareOutput> {
  let md = await compareRuns(runs);
  const stem = figure ?? (out ? join(dirname(out), basename(out, extname(out))) : undefined);
  const figures: string[] = [];
  if (stem) {
    const summaries = await Promise.all(runs.map(readRunSummary));
    const svg = compareFigureSvg(await readCompareFigureData(runs, runLabels(summaries, runs)));
    await writeFileAtomic(`${stem}.svg`, svg);
    figures.push(`${stem}.svg`);
    // sharp rasterises the SVG (librsvg is part of its prebuilt binaries).
    const png = await encodeImage(await decodeImage(Buffer.from(svg, 'utf8')), { format: 'png', compressionLevel: 9 });
    await writeFileAtomic(`${stem}.png`, png);
    figures.push(`${stem}.png`);
    if (out) md = `![Scores per benchmark and category with 95 % intervals](${relative(dirname(out), `${stem}.png`)})\n\n${md}`;
  }
  if (out) await writeFileAtomic(out, md);
  return { markdown: md, figures };
}
