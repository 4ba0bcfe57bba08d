import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { BenchError, DataFormatError } from '../errors.js';

/** A cell left on disk (large base64 images): where its raw bytes are and whether they were quoted. */
export interface TsvLazyCell {
  readonly offset: number;
  readonly length: number;
  readonly quoted: boolean;
  /** The first (up to {@link LAZY_HEAD_BYTES}) raw bytes of the cell, decoded; the whole cell when it is that short. */
  readonly head: string;
}

/** How many leading bytes of a lazy cell are kept in memory. */
const LAZY_HEAD_BYTES = 128;

/** A cell: decoded text, or a reference to bytes on disk for lazy columns. */
type TsvCell = string | TsvLazyCell;

/** One data row: its 1-based number (header excluded) and one cell per header column. */
export interface TsvRecord {
  readonly row: number;
  readonly cells: readonly TsvCell[];
}

const TAB = 9;
const LF = 10;
const CR = 13;
const QUOTE = 34;

const enum S {
  Start,
  Unquoted,
  Quoted,
  QuoteSeen,
  AfterQuote,
  AfterCr,
}

// Byte-level tokenizer for pandas `to_csv(sep='\t')` output: QUOTE_MINIMAL with `"` and doubled
// quotes, `\n`, `\r\n` or `\r` line ends. The bytes that matter are ASCII, so working on raw
// UTF-8 is safe, and lazy cells keep exact file offsets.
class TsvTokenizer {
  private state = S.Start;
  private cells: TsvCell[] = [];
  private parts: Buffer[] = [];
  private fieldStart = 0;
  private contentEnd = 0;
  private quoted = false;
  private lazy = false;
  private headBytes = 0;
  readonly out: TsvCell[][] = [];
  header: string[] | null = null;

  constructor(private readonly lazyNames: ReadonlySet<string>) {}

  private isLazy(column: number): boolean {
    return this.header !== null && this.lazyNames.has(this.header[column] ?? '');
  }

  push(buf: Buffer, base: number): void {
    const n = buf.length;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case S.AfterCr:
          if (buf[i] === LF) i++;
          this.state = S.Start;
          break;
        case S.Start: {
          this.lazy = this.isLazy(this.cells.length);
          this.parts = [];
          this.headBytes = 0;
          if (buf[i] === QUOTE) {
            this.quoted = true;
            i++;
            this.fieldStart = base + i;
            this.state = S.Quoted;
          } else {
            this.quoted = false;
            this.fieldStart = base + i;
            this.state = S.Unquoted;
          }
          break;
        }
        case S.Unquoted:
        case S.AfterQuote: {
          let j = i;
          while (j < n) {
            const b = buf[j];
            if (b === TAB || b === LF || b === CR) break;
            j++;
          }
          this.take(buf, i, j);
          if (j === n) {
            i = n;
            break;
          }
          if (this.state === S.Unquoted) this.contentEnd = base + j;
          this.endField();
          const b = buf[j];
          i = j + 1;
          if (b === TAB) this.state = S.Start;
          else {
            this.endRecord();
            this.state = b === CR ? S.AfterCr : S.Start;
          }
          break;
        }
        case S.Quoted: {
          const j = buf.indexOf(QUOTE, i);
          const end = j === -1 ? n : j;
          this.take(buf, i, end);
          if (j === -1) {
            i = n;
            break;
          }
          this.contentEnd = base + j;
          this.state = S.QuoteSeen;
          i = j + 1;
          break;
        }
        case S.QuoteSeen:
          if (buf[i] === QUOTE) {
            this.take(buf, i, i + 1);
            this.state = S.Quoted;
            i++;
          } else {
            this.state = S.AfterQuote;
          }
          break;
      }
    }
  }

  // Keeps a field's bytes: all of them for ordinary cells, only the head for lazy ones.
  private take(buf: Buffer, from: number, to: number): void {
    if (to <= from) return;
    if (!this.lazy) {
      this.parts.push(buf.subarray(from, to));
      return;
    }
    if (this.state === S.AfterQuote || this.headBytes >= LAZY_HEAD_BYTES) return;
    const stop = Math.min(to, from + (LAZY_HEAD_BYTES - this.headBytes));
    this.parts.push(buf.subarray(from, stop));
    this.headBytes += stop - from;
  }

  end(total: number): void {
    if (this.state === S.Start && this.cells.length === 0) return;
    if (this.state === S.AfterCr) return;
    if (this.state === S.Unquoted) this.contentEnd = total;
    if (this.state === S.Quoted) throw new Error('file ends inside a quoted field');
    if (this.state !== S.Start || this.cells.length > 0) {
      this.endField();
      this.endRecord();
    }
  }

  private endField(): void {
    if (this.lazy) {
      this.cells.push({
        offset: this.fieldStart,
        length: this.contentEnd - this.fieldStart,
        quoted: this.quoted,
        head: Buffer.concat(this.parts).toString('utf8'),
      });
    } else {
      this.cells.push(this.parts.length === 1 ? this.parts[0]!.toString('utf8') : Buffer.concat(this.parts).toString('utf8'));
    }
    this.parts = [];
  }

  private endRecord(): void {
    const cells = this.cells;
    this.cells = [];
    if (cells.length === 1 && cells[0] === '') return;
    if (this.header === null) {
      this.header = cells.map((c) => (typeof c === 'string' ? c : ''));
      return;
    }
    this.out.push(cells);
  }
}

/**
 * Streams a TSV written by pandas `to_csv(sep='\t')`: header first, then one record per row.
 * Cells of the `lazyColumns` stay on disk (read them with {@link readTsvCell}); rows whose cell
 * count differs from the header's raise a {@link DataFormatError} naming the row. The file is
 * read in `chunkBytes` pieces (default 1 MiB).
 */
export async function openTsv(
  path: string,
  options: { lazyColumns?: readonly string[]; chunkBytes?: number } = {},
): Promise<{ header: string[]; records: AsyncGenerator<TsvRecord> }> {
  const tokenizer = new TsvTokenizer(new Set(options.lazyColumns ?? []));
  const stream = createReadStream(path, { highWaterMark: options.chunkBytes ?? 1 << 20 });
  const iterator = stream[Symbol.asyncIterator]();
  let base = 0;
  let done = false;
  let row = 0;

  async function pull(): Promise<boolean> {
    if (done) return false;
    let next: IteratorResult<Buffer>;
    try {
      next = (await iterator.next()) as IteratorResult<Buffer>;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new BenchError('MISSING_FILE', `${path}: no such file`, { cause: err });
      throw err;
    }
    if (next.done) {
      done = true;
      try {
        tokenizer.end(base);
      } catch (err) {
        throw new DataFormatError(path, (err as Error).message, { row: row + 1 });
      }
      return true;
    }
    let chunk = next.value;
    if (base === 0 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
      chunk = chunk.subarray(3);
      base = 3;
    }
    tokenizer.push(chunk, base);
    base += chunk.length;
    return true;
  }

  while (tokenizer.header === null && (await pull()));
  const header = tokenizer.header as string[] | null;
  if (header === null) throw new DataFormatError(path, 'empty file: expected a header row');

  const columns = header.length;
  async function* records(): AsyncGenerator<TsvRecord> {
    try {
      for (;;) {
        while (tokenizer.out.length > 0) {
          const cells = tokenizer.out.shift()!;
          row++;
          if (cells.length !== columns) {
            throw new DataFormatError(path, `expected ${columns} tab-separated cells as in the header, found ${cells.length}`, { row });
          }
          yield { row, cells };
        }
        if (!(await pull())) return;
      }
    } finally {
      if (!done) stream.destroy();
    }
  }
  return { header, records: records() };
}

/** Reads a lazy cell's text from disk (un-doubling quotes of a quoted cell). */
export async function readTsvCell(path: string, cell: TsvLazyCell): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(cell.length);
    const { bytesRead } = await fh.read(buf, 0, cell.length, cell.offset);
    const text = buf.subarray(0, bytesRead).toString('utf8');
    return cell.quoted ? text.split('""').join('"') : text;
  } finally {
    await fh.close();
  }
}
