import { dirname, isAbsolute, join } from 'node:path';
import { BenchError, DataFormatError } from '../errors.js';
import { imageFromBase64, readImageFile } from '../io/images.js';
import { openTsv, readTsvCell, type TsvLazyCell } from '../io/tsv.js';
import type { PolicyImage } from '@spatial-ssrl/spec';

import { isPandasNa, pandasColumn } from '../scorers/vlmeval-table.js';

/** One row of a VLMEvalKit TSV with its text columns and a loader for its images. */
export interface VlmevalRow {
  readonly row: number;
  readonly index: string;
  /** Text columns as written in the file. */
  readonly text: Readonly<Record<string, string>>;
  /**
   * Text columns as VLMEvalKit sees them after pandas `read_csv` (Python `str()` of the value;
   * `null` for NaN): a numeric column with a blank cell reads as floats (`4` → `4.0`).
   */
  readonly pandas: Readonly<Record<string, string | null>>;
  readonly images: () => Promise<PolicyImage[]>;
  readonly imageCount: number;
}

// VLMEvalKit `toliststr`: a Python list literal of strings, or a single string.
function pyListOfStrings(s: string): string[] | null {
  const t = s.trim();
  if (!(t.startsWith('[') && t.endsWith(']'))) return null;
  const out: string[] = [];
  for (const m of t.slice(1, -1).matchAll(/'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g)) out.push(m[1] ?? m[2] ?? '');
  return out;
}

const REFERENCE_MAX = 64;

/**
 * Reads a VLMEvalKit TSV (`index`, `image` as base64 — or another row's index for repeated
 * images, or a list literal for several —, or `image_path`, plus text columns). Rows without
 * an image are dropped as VLMEvalKit does; images stay on disk until requested.
 */
export async function readVlmevalTsv(path: string, options: { imageRoot?: string } = {}): Promise<{ header: string[]; rows: VlmevalRow[] }> {
  const { header, records } = await openTsv(path, { lazyColumns: ['image'] });
  if (!header.includes('index')) throw new DataFormatError(path, 'missing the "index" column', { field: 'index' });
  const hasImage = header.includes('image');
  const hasPath = header.includes('image_path');
  if (!hasImage && !hasPath) throw new DataFormatError(path, 'needs an "image" (base64) or "image_path" column', { field: 'image' });
  const imageRoot = options.imageRoot ?? dirname(path);

  const raw: { row: number; text: Record<string, string>; image: TsvLazyCell | null }[] = [];
  const imageByIndex = new Map<string, TsvLazyCell>();
  const seen = new Set<string>();
  for await (const rec of records) {
    const text: Record<string, string> = {};
    let image: TsvLazyCell | null = null;
    header.forEach((name, i) => {
      const cell = rec.cells[i]!;
      if (typeof cell === 'string') text[name] = cell;
      else image = cell;
    });
    const index = text['index'] ?? '';
    if (index === '') throw new DataFormatError(path, 'empty index', { row: rec.row, field: 'index' });
    if (seen.has(index)) throw new DataFormatError(path, `duplicate index "${index}"`, { row: rec.row, field: 'index' });
    seen.add(index);
    const img = image as TsvLazyCell | null;
    if (img && img.length > 0) imageByIndex.set(index, img);
    raw.push({ row: rec.row, text, image: img });
  }

  // pandas infers each column's type over the whole file, rows without an image included.
  const typed = header.map((name) =>
    name === 'index' || name === 'image' || name === 'image_path' ? null : pandasColumn(raw.map((r) => r.text[name] ?? null)),
  );
  const rows: VlmevalRow[] = [];
  for (const [k, r] of raw.entries()) {
    const index = r.text['index']!;
    let images: () => Promise<PolicyImage[]>;
    let imageCount = 1;
    if (hasImage && r.image && r.image.length > 0) {
      let cell = r.image;
      if (cell.length <= REFERENCE_MAX && !cell.head.trim().startsWith('[')) {
        const target = imageByIndex.get(cell.head.trim());
        if (!target || target.length <= REFERENCE_MAX) {
          throw new DataFormatError(path, `image refers to index "${cell.head.trim()}", which has no base64 image`, { row: r.row, field: 'image' });
        }
        cell = target;
      }
      const ref = cell;
      if (ref.head.trim().startsWith('[')) {
        const list = pyListOfStrings(await readTsvCell(path, ref));
        if (!list || list.length === 0) throw new DataFormatError(path, 'image list literal holds no image', { row: r.row, field: 'image' });
        imageCount = list.length;
        images = () => Promise.all(list.map(imageFromBase64));
      } else {
        images = async () => {
          try {
            return [await imageFromBase64(await readTsvCell(path, ref))];
          } catch (err) {
            throw new DataFormatError(path, `image cannot be decoded (${(err as Error).message})`, { row: r.row, field: 'image' }, { cause: err });
          }
        };
      }
    } else if (hasPath && (r.text['image_path'] ?? '') !== '' && !isPandasNa(r.text['image_path']!)) {
      const value = r.text['image_path']!;
      const paths = (pyListOfStrings(value) ?? [value]).map((p) => (isAbsolute(p) ? p : join(imageRoot, p)));
      imageCount = paths.length;
      images = () => Promise.all(paths.map(readImageFile));
    } else {
      continue;
    }
    const pandas: Record<string, string | null> = {};
    header.forEach((name, i) => {
      const col = typed[i];
      if (col) pandas[name] = col[k] === 'nan' ? null : col[k]!;
    });
    rows.push({ row: r.row, index, text: r.text, pandas, images, imageCount });
  }
  if (rows.length === 0) throw new BenchError('BAD_DATA', `${path}: no rows with an image`);
  return { header, rows };
}

/** Option letters present in a TSV header (single capital letters), in A-Z order. */
export function optionColumns(header: readonly string[]): string[] {
  return header.filter((h) => /^[A-Z]$/.test(h)).sort();
}
