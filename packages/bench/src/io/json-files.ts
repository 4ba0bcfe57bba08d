import { readFile } from 'node:fs/promises';
import { JsonlError, readJsonl } from '@spatial-ssrl/spec/node';
import type { z } from 'zod';
import { BenchError, DataFormatError } from '../errors.js';

function describeIssue(issue: z.core.$ZodIssue): { field: string; message: string } {
  const field = issue.path.map(String).join('.');
  return { field, message: issue.message };
}

/** Reads a JSON file; missing files and syntax errors become clear errors naming the file. */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BenchError('MISSING_FILE', `${path}: no such file`, { cause: err });
    throw err;
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DataFormatError(path, `not valid JSON (${(err as Error).message})`, {}, { cause: err });
  }
}

/** Validates a JSON list file row by row; the first bad row raises a {@link DataFormatError} with its 1-based number and field. */
export async function readJsonList<T>(path: string, row: z.ZodType<T>): Promise<T[]> {
  const data = await readJsonFile(path);
  if (!Array.isArray(data)) throw new DataFormatError(path, 'expected a JSON list of items');
  return data.map((x, i) => parseRow(path, row, x, i + 1));
}

/** Parses one row with a zod schema, naming the row and the first bad field on failure. */
export function parseRow<T>(path: string, schema: z.ZodType<T>, value: unknown, rowNumber: number): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const { field, message } = describeIssue(r.error.issues[0]!);
  throw new DataFormatError(path, message, { row: rowNumber, ...(field ? { field } : {}) });
}

/** Streams a JSONL file, yielding `[lineNumber, value]` for each record (see `readJsonl`); a missing file or bad JSON names the file and line. */
export async function* readJsonLines(path: string): AsyncGenerator<[number, unknown]> {
  try {
    for await (const r of readJsonl(path)) yield [r.line, r.value];
  } catch (err) {
    if (err instanceof JsonlError) {
      if (err.code === 'missing-file') throw new BenchError('MISSING_FILE', `${path}: no such file`, { cause: err });
      throw new DataFormatError(path, err.message.slice(err.message.indexOf(': ') + 2), { ...(err.line !== undefined ? { row: err.line } : {}) }, { cause: err });
    }
    throw err;
  }
}
