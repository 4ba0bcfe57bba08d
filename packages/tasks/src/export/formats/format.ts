import { type SampleRecord, type SplitName } from '@spatial-ssrl/spec';
import type { ImageTokenSettings, ModelFamily } from '../image-tokens.js';
import type { ColumnSpec } from '../parquet-stream.js';

/** Trainers an export is written for. */
export type ExportTarget = 'easyr1' | 'verl' | 'llamafactory' | 'trl';

/** Every export target, in help order. */
export const EXPORT_TARGETS: readonly ExportTarget[] = ['easyr1', 'verl', 'llamafactory', 'trl'];

/** `embed`: image bytes inside the data file; `files`: image files next to it, named by relative path. */
export type ImageMode = 'embed' | 'files';

/** One image of an exported row: its path relative to the export folder and, when embedded, its bytes. */
export interface RowImage {
  readonly path: string;
  readonly bytes?: Uint8Array;
}

/** What the exporter knows when it writes the files next to the data. */
export interface ExportContext {
  readonly target: ExportTarget;
  readonly images: ImageMode;
  /** Data files per split, relative to the export folder, in shard order. */
  readonly files: Readonly<Partial<Record<SplitName, readonly string[]>>>;
  readonly family?: ModelFamily;
  readonly tokens?: ImageTokenSettings;
  /** Largest image-token count of any row (with `family`). */
  readonly maxRowImageTokens?: number;
  /** Most images of any row. */
  readonly maxImagesPerRow: number;
}

/** A text file written next to the data: path relative to the export folder. */
export interface AuxFile {
  readonly path: string;
  readonly text: string;
}

/** A trainer whose rows are parquet: its columns, how a record becomes a row, where shards go and what files it needs. */
export interface ParquetFormat {
  readonly target: Exclude<ExportTarget, 'llamafactory'>;
  columns(images: ImageMode): readonly ColumnSpec[];
  /** The prompt text the trainer splits on `<image>` (checked against the image count before writing). */
  prompt(record: SampleRecord): string;
  row(record: SampleRecord, images: readonly RowImage[], mode: ImageMode): Record<string, unknown>;
  /** Path of shard `k` (0-based) of `n` of a split, relative to the export folder. */
  shardPath(split: SplitName, k: number, n: number): string;
  files(context: ExportContext): readonly AuxFile[];
}

/** `train-00000-of-00004.parquet`: the shard naming `datasets` infers splits from. */
export function shardName(split: SplitName, k: number, n: number, ext = 'parquet'): string {
  return `${split}-${String(k).padStart(5, '0')}-of-${String(n).padStart(5, '0')}.${ext}`;
}

/**
 * The fields of a record that the trainer row does not carry otherwise, as JSON, so that
 * importing the export gives the record back: index, source, seed, attempt, split, meta, and
 * whether the prompt had numbered placeholders.
 */
export function recordExtras(record: SampleRecord): string {
  return JSON.stringify({
    index: record.index,
    source: record.source,
    seed: record.seed,
    attempt: record.attempt,
    split: record.split,
    meta: record.meta,
    ...(/<image\d+>/.test(record.prompt) ? { numberedPlaceholders: true } : {}),
  });
}
