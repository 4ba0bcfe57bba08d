import { open, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { ExportError } from './export-error.js';

/** A parquet file opened for reading row group by row group. */
export interface ParquetInput {
  readonly path: string;
  /** Top-level column names. */
  readonly columns: readonly string[];
  readonly rows: number;
  /** Rows of each row group, in order. */
  readonly rowGroups: readonly number[];
  /** Reads rows `[start, end)` as objects; byte columns as `Uint8Array`, strings as strings. */
  read(start: number, end: number): Promise<Record<string, unknown>[]>;
}

const MAGIC = 'PAR1';

/** Lists the parquet files of a file or folder (recursively, sorted by path). */
export async function listParquetFiles(input: string): Promise<string[]> {
  const s = await stat(input).catch((cause: unknown) => {
    throw new ExportError('not-parquet', `${input} does not exist`, { cause });
  });
  if (s.isFile()) return [input];
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && entry.name.endsWith('.parquet')) found.push(path);
    }
  };
  await walk(input);
  if (found.length === 0) throw new ExportError('not-parquet', `${input} holds no .parquet file`);
  return found.sort((a, b) => {
    const ra = relative(input, a);
    const rb = relative(input, b);
    return ra < rb ? -1 : ra > rb ? 1 : 0;
  });
}

async function checkMagic(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(4);
    if (size >= 12) {
      await handle.read(head, 0, 4, 0);
      await handle.read(tail, 0, 4, size - 4);
    }
    if (size < 12 || head.toString('latin1') !== MAGIC || tail.toString('latin1') !== MAGIC) {
      const what = size === 0 ? 'it is empty' : size < 12 ? `it has only ${size} bytes` : head.toString('latin1') === MAGIC ? 'it is cut short (no footer)' : 'it does not start with PAR1';
      throw new ExportError('not-parquet', `${path} is not a parquet file (${what}); give the .parquet file of an EasyR1 or verl dataset`);
    }
  } finally {
    await handle.close();
  }
}

/** Opens a parquet file after checking its magic bytes; a file that is not parquet is an `ExportError` (`not-parquet`). */
export async function openParquet(path: string): Promise<ParquetInput> {
  await checkMagic(path);
  const file = await asyncBufferFromFile(path);
  let metadata;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (cause) {
    throw new ExportError('not-parquet', `${path} has a parquet header but its footer cannot be read (${(cause as Error).message})`, { cause });
  }
  const columns = parquetSchema(metadata).children.map((c) => c.element.name);
  const rowGroups = metadata.row_groups.map((g) => Number(g.num_rows));
  return {
    path,
    columns,
    rows: Number(metadata.num_rows),
    rowGroups,
    async read(start, end) {
      return (await parquetReadObjects({ file, metadata, rowStart: start, rowEnd: end, utf8: false, compressors })) as Record<string, unknown>[];
    },
  };
}
