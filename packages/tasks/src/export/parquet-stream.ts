import { closeSync, openSync, writeSync } from 'node:fs';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { ColumnSource } from 'hyparquet-writer';

/** The type of one parquet column, as `datasets` sees it (`image` is its `Image` feature: a `{bytes, path}` struct). */
export type FieldType =
  | { readonly kind: 'string' }
  | { readonly kind: 'int64' }
  | { readonly kind: 'binary' }
  | { readonly kind: 'image' }
  | { readonly kind: 'list'; readonly of: FieldType }
  | { readonly kind: 'struct'; readonly fields: readonly (readonly [string, FieldType])[] };

/** One top-level column: its name and type. */
export interface ColumnSpec {
  readonly name: string;
  readonly type: FieldType;
}

/** Shorthands for column types. */
export const t = {
  string: { kind: 'string' } as FieldType,
  int64: { kind: 'int64' } as FieldType,
  binary: { kind: 'binary' } as FieldType,
  image: { kind: 'image' } as FieldType,
  list: (of: FieldType): FieldType => ({ kind: 'list', of }),
  struct: (fields: readonly (readonly [string, FieldType])[]): FieldType => ({ kind: 'struct', fields }),
};

interface SchemaElement {
  name: string;
  type?: 'BYTE_ARRAY' | 'INT64';
  converted_type?: 'UTF8' | 'LIST';
  repetition_type?: 'OPTIONAL' | 'REPEATED' | 'REQUIRED';
  num_children?: number;
}

const IMAGE_STRUCT = t.struct([
  ['bytes', t.binary],
  ['path', t.string],
]);

// The layout pyarrow writes: optional LIST group > repeated `list` > optional `element`.
function schemaOf(name: string, type: FieldType, out: SchemaElement[]): void {
  switch (type.kind) {
    case 'string':
      out.push({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' });
      return;
    case 'binary':
      out.push({ name, type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' });
      return;
    case 'int64':
      out.push({ name, type: 'INT64', repetition_type: 'OPTIONAL' });
      return;
    case 'image':
      schemaOf(name, IMAGE_STRUCT, out);
      return;
    case 'list':
      out.push({ name, converted_type: 'LIST', repetition_type: 'OPTIONAL', num_children: 1 });
      out.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 });
      schemaOf('element', type.of, out);
      return;
    case 'struct':
      out.push({ name, repetition_type: 'OPTIONAL', num_children: type.fields.length });
      for (const [child, childType] of type.fields) schemaOf(child, childType, out);
      return;
  }
}

/** The parquet schema (root first) of a list of columns. */
export function parquetSchema(columns: readonly ColumnSpec[]): SchemaElement[] {
  const out: SchemaElement[] = [{ name: 'root', num_children: columns.length }];
  for (const c of columns) schemaOf(c.name, c.type, out);
  return out;
}

// Written in the forms every `datasets` release reads: `Sequence` for lists of images and a
// one-element list for other lists (the `List` type of datasets ≥ 4 is unknown to older ones).
function featureOf(type: FieldType): unknown {
  switch (type.kind) {
    case 'string':
      return { dtype: 'string', _type: 'Value' };
    case 'binary':
      return { dtype: 'binary', _type: 'Value' };
    case 'int64':
      return { dtype: 'int64', _type: 'Value' };
    case 'image':
      return { _type: 'Image' };
    case 'list':
      return type.of.kind === 'image' ? { feature: { _type: 'Image' }, _type: 'Sequence' } : [featureOf(type.of)];
    case 'struct':
      return Object.fromEntries(type.fields.map(([n, f]) => [n, featureOf(f)]));
  }
}

/** The `huggingface` key-value metadata that makes `datasets` decode `image` columns as images. */
export function huggingFaceMetadata(columns: readonly ColumnSpec[]): string {
  return JSON.stringify({ info: { features: Object.fromEntries(columns.map((c) => [c.name, featureOf(c.type)])) } });
}

function holdsBytes(type: FieldType): boolean {
  if (type.kind === 'binary' || type.kind === 'image') return true;
  if (type.kind === 'list') return holdsBytes(type.of);
  if (type.kind === 'struct') return type.fields.some(([, f]) => holdsBytes(f));
  return false;
}

const FLUSH_BYTES = 4 << 20;

// A ByteWriter that appends to a file descriptor whenever its buffer passes FLUSH_BYTES, so
// a file of any size needs one buffer of a few MiB plus the largest single value.
class FdWriter extends ByteWriter {
  constructor(private readonly fd: number) {
    super(FLUSH_BYTES * 2);
  }

  override ensure(size: number): void {
    if (this.index > FLUSH_BYTES) this.flushToFile();
    super.ensure(size);
  }

  flushToFile(): void {
    let done = 0;
    const bytes = new Uint8Array(this.buffer, 0, this.index);
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done);
    this.index = 0;
  }

  override finish(): void {
    this.flushToFile();
  }
}

/** Options of {@link ParquetStream}. */
export interface ParquetStreamOptions {
  readonly columns: readonly ColumnSpec[];
  /** Extra key-value metadata besides `huggingface`. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** `created_by` of the file footer. */
  readonly createdBy: string;
}

/**
 * A parquet file written one row group at a time: each {@link ParquetStream.writeRowGroup}
 * encodes its rows and appends them to the file, so memory holds one row group, never the file.
 * Columns holding image bytes are stored plain and uncompressed (PNG and JPEG do not compress
 * further), the others snappy-compressed with dictionaries where they pay.
 */
export class ParquetStream {
  private readonly fd: number;
  private readonly writer: FdWriter;
  private readonly parquet: ParquetWriter;
  private readonly columns: readonly ColumnSpec[];
  private closed = false;
  /** Rows written so far. */
  rows = 0;

  constructor(path: string, options: ParquetStreamOptions) {
    this.columns = options.columns;
    this.fd = openSync(path, 'w');
    this.writer = new FdWriter(this.fd);
    const kv = [{ key: 'huggingface', value: huggingFaceMetadata(options.columns) }];
    for (const [key, value] of Object.entries(options.metadata ?? {})) kv.push({ key, value });
    this.parquet = new ParquetWriter({
      writer: this.writer,
      schema: parquetSchema(options.columns) as never,
      statistics: true,
      kvMetadata: kv,
      createdBy: options.createdBy,
    });
  }

  /** Appends `rows` (objects keyed by column name) as one row group. */
  writeRowGroup(rows: readonly Readonly<Record<string, unknown>>[]): void {
    if (this.closed) throw new Error('parquet stream is closed');
    if (rows.length === 0) return;
    const columnData: ColumnSource[] = this.columns.map((c) => {
      const data = rows.map((r) => toParquetValue(r[c.name], c.type));
      return holdsBytes(c.type)
        ? { name: c.name, data, encoding: 'PLAIN', codec: 'UNCOMPRESSED', statistics: false }
        : { name: c.name, data };
    });
    void this.parquet.write({ columnData, rowGroupSize: rows.length });
    this.rows += rows.length;
  }

  /** Writes the footer and closes the file. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      void this.parquet.finish();
    } finally {
      closeSync(this.fd);
    }
  }

  /** Closes the file without a footer (after a failure); the caller removes it. */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

function toParquetValue(value: unknown, type: FieldType): unknown {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case 'int64':
      return typeof value === 'bigint' ? value : BigInt(value as number);
    case 'image': {
      const v = value as { bytes?: Uint8Array | null; path?: string | null };
      return { bytes: v.bytes ?? null, path: v.path ?? null };
    }
    case 'list':
      return (value as unknown[]).map((v) => toParquetValue(v, type.of));
    case 'struct': {
      const v = value as Record<string, unknown>;
      return Object.fromEntries(type.fields.map(([n, f]) => [n, toParquetValue(v[n], f)]));
    }
    default:
      return value;
  }
}
