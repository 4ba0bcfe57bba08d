import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { decodeImage, DEFAULT_SHEET_LAYOUT, encodeImage, renderContactSheet, type SheetCell } from '@spatial-ssrl/image';
import { type SampleRecord } from '@spatial-ssrl/spec';
import { defineCommand, readDatasetManifest, readSamples } from '@spatial-ssrl/spec/node';
import { command, type Command } from '../command.js';
import { renderPreviewHtml } from '../preview/preview-html.js';

const previewCli = defineCommand({
  program: 'ssrl-train',
  name: 'preview',
  summary: 'draw a contact sheet (and HTML page) of a dataset',
  usage: 'ssrl-train preview <dataset> [options]',
  description: `Draws a contact sheet of the first samples of a dataset: each sample's images side by side
with its id, task, variant, answer, split and source, in the project's bitmap font.`,
  positionals: [{ name: 'dataset', description: 'dataset directory', required: true }],
  options: {
    out: { type: 'string', value: 'FILE', defaultText: '<dataset>/preview.png', description: 'PNG to write' },
    count: { type: 'int', value: 'N', min: 1, max: 200, default: 24, description: 'samples to show, 1-200' },
    columns: { type: 'int', value: 'N', min: 1, max: 12, default: DEFAULT_SHEET_LAYOUT.columns, description: 'samples per row, 1-12' },
    html: { type: 'boolean', description: 'also write an HTML page with the full prompts (FILE with .html)' },
  },
  epilog: `Example:
  ssrl-train preview runs/demo --count 12 --html`,
});

/** `ssrl-train preview`: a contact sheet PNG (and optionally an HTML page) of a dataset's first samples. */
export const previewCommand: Command = command(previewCli, async (args, io) => {
  const dir = resolve(io.cwd, args.dataset);
  const manifest = await readDatasetManifest(dir);
  const records: SampleRecord[] = [];
  for await (const r of readSamples(dir, { limit: args.count })) records.push(r);
  const cells: SheetCell[] = [];
  for (const r of records) {
    const images = await Promise.all(r.images.map((p) => decodeImage(join(dir, p))));
    cells.push({
      images,
      lines: [
        { text: `${r.id}  ${r.variant}`, color: [20, 60, 150] },
        { text: `answer: ${r.answer}`, color: [170, 20, 20] },
        { text: `${r.split}  ${r.source.dataset}:${r.source.id}`, color: [90, 90, 90] },
      ],
    });
  }
  const samples = manifest.counts?.samples;
  const title = `${basename(dir)}: ${records.length} of ${samples ?? 'the'} samples (${manifest.status}), seed ${manifest.config.seed}`;
  const sheet = renderContactSheet(title, cells, { ...DEFAULT_SHEET_LAYOUT, columns: args.columns });
  const png = args.out ? resolve(io.cwd, args.out) : join(dir, 'preview.png');
  await mkdir(dirname(png), { recursive: true });
  await writeFile(png, await encodeImage(sheet, { format: 'png' }));
  io.out.write(`wrote ${png} (${records.length} samples, ${sheet.width}×${sheet.height})\n`);
  if (args.html) {
    const html = png.replace(/\.png$/i, '') + '.html';
    const href = (p: string): string => relative(dirname(html), join(dir, p)).split(sep).map(encodeURIComponent).join('/');
    await writeFile(html, renderPreviewHtml(`${basename(dir)}: ${records.length} samples`, records, href));
    io.out.write(`wrote ${html}\n`);
  }
  return 0;
});
