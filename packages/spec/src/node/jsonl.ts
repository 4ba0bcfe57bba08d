import { appendFile, mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { SsrlError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';

/** Machine codes of {@link JsonlError}. */
export type JsonlErrorCode = 'missing-file' | 'bad-line';

/** A JSON-lines file is missing or holds a line that is not valid JSON or not a valid record; names the file, the 1-based line and the field. */
export class JsonlError extends SsrlError<JsonlErrorCode> {
  readonly file: string;
  readonly line: number | undefined;
  readonly field: string | undefined;

  constructor(code: JsonlErrorCode, file: string, detail: string, where: { line?: number; field?: string } = {}, options?: { cause?: unknown }) {
    const at = where.line !== undefined ? `:${where.line}` : '';
    super(code, `${file}${at}: ${where.field ? `${where.field}: ` : ''}${detail}`, options);
    this.file = file;
    this.line = where.line;
    this.field = where.field;
  }
}

/** One line of a file: its text, 1-based number, the byte offset just past it, and whether a newline ended it. */
export interface FileLine {
  readonly text: string;
  readonly number: number;
  readonly end: number;
  readonly complete: boolean;
}

/** Options of {@link readLines}. */
export interface ReadLinesOptions {
  /** Byte offset to start at, the start of a line (e.g. the `end` of one read before); default 0. Line numbers then count from there. */
  readonly start?: number;
}

/**
 * Streams the `\n`-separated UTF-8 lines of a file in 1 MiB chunks, with byte offsets (from the
 * file's start); a missing file is a {@link JsonlError} (`missing-file`). A file that grows is
 * read on from where an earlier pass stopped with `start`.
 */
export async function* readLines(file: string, options: ReadLinesOptions = {}): AsyncGenerator<FileLine> {
  const handle = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new JsonlError('missing-file', file, 'no such file', {}, { cause: err });
    throw err;
  });
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    let carry: Buffer = Buffer.alloc(0);
    let offset = options.start ?? 0;
    let position = offset;
    let number = 0;
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
      position += bytesRead;
      if (bytesRead === 0) break;
      const data: Buffer = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : Buffer.from(chunk.subarray(0, bytesRead));
      let start = 0;
      for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
        offset += nl - start + 1;
        yield { text: data.toString('utf8', start, nl), number: ++number, end: offset, complete: true };
        start = nl + 1;
      }
      carry = data.subarray(start);
    }
    if (carry.length > 0) yield { text: carry.toString('utf8'), number: number + 1, end: offset + carry.length, complete: false };
  } finally {
    await handle.close();
  }
}

/** Options of {@link readJsonl}. */
export interface ReadJsonlOptions<T> {
  /** Validates each value; a failure is a {@link JsonlError} naming the line and field. */
  readonly schema?: z.ZodType<T>;
  /** A missing file: an error (`error`, default) or no records (`empty`). */
  readonly missing?: 'error' | 'empty';
  /** Stop after this many records (default: all). */
  readonly limit?: number;
}

/** One record of a JSON-lines file with the line it came from and the byte offset just past it. */
export interface JsonlRecord<T> {
  readonly value: T;
  readonly line: number;
  readonly end: number;
}

/**
 * Streams the records of a JSON-lines file in file order, skipping blank lines. A last line with
 * no newline that does not parse is a torn write (a crash, or a writer still running) and is
 * skipped; any other line that is not valid JSON, or fails `schema`, is a {@link JsonlError}.
 */
export async function* readJsonl<T = unknown>(file: string, options: ReadJsonlOptions<T> = {}): AsyncGenerator<JsonlRecord<T>> {
  const limit = options.limit ?? Infinity;
  if (limit <= 0) return;
  let n = 0;
  let lines: AsyncGenerator<FileLine>;
  try {
    lines = readLines(file);
    const first = await lines.next();
    if (first.done) return;
    lines = prepend(first.value, lines);
  } catch (err) {
    if (options.missing === 'empty' && err instanceof JsonlError && err.code === 'missing-file') return;
    throw err;
  }
  for await (const line of lines) {
    if (line.text.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line.text);
    } catch (err) {
      if (!line.complete) return;
      throw new JsonlError('bad-line', file, `not valid JSON (${(err as Error).message})`, { line: line.number }, { cause: err });
    }
    let value = json as T;
    if (options.schema) {
      const parsed = options.schema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const field = issue.path.map(String).join('.');
        throw new JsonlError('bad-line', file, issue.message, { line: line.number, ...(field ? { field } : {}) });
      }
      value = parsed.data;
    }
    yield { value, line: line.number, end: line.end };
    if (++n >= limit) return;
  }
}

async function* prepend<T>(first: T, rest: AsyncGenerator<T>): AsyncGenerator<T> {
  // A consumer that stops at the first item must still close `rest` (and its file).
  try {
    yield first;
    yield* rest;
  } finally {
    await rest.return(undefined);
  }
}

/** Reads every record of a JSON-lines file into an array (see {@link readJsonl}). */
export async function readJsonlFile<T = unknown>(file: string, options: ReadJsonlOptions<T> = {}): Promise<T[]> {
  const out: T[] = [];
  for await (const r of readJsonl(file, options)) out.push(r.value);
  return out;
}

/** The JSON-lines text of `values`: one `JSON.stringify` per line, each ended by a newline. */
export function toJsonl(values: readonly unknown[]): string {
  let text = '';
  for (const v of values) text += `${JSON.stringify(v)}\n`;
  return text;
}

/** Appends `values` as JSON lines to `file` (created with its directory when missing). */
export async function appendJsonl(file: string, values: readonly unknown[]): Promise<void> {
  if (values.length === 0) return;
  await mkdir(path.dirname(file), { recursive: true });
  await appendFile(file, toJsonl(values));
}

/** Writes `values` as a JSON-lines file atomically (temp file + rename). */
export async function writeJsonl(file: string, values: readonly unknown[]): Promise<void> {
  await writeFileAtomic(file, toJsonl(values));
}
