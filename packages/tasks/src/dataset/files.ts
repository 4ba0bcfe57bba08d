import { open, rename, writeFile } from 'node:fs/promises';

/** One line of a JSONL file with the byte offset just past it; `complete` is false for an unterminated last line. */
export interface FileLine {
  readonly text: string;
  readonly end: number;
  readonly complete: boolean;
}

/** Streams the lines of a file in 1 MiB chunks, with byte offsets (`\n`-separated, UTF-8). */
export async function* readLines(path: string): AsyncGenerator<FileLine> {
  const handle = await open(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    let carry: Buffer = Buffer.alloc(0);
    let offset = 0;
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      const data: Buffer = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : Buffer.from(chunk.subarray(0, bytesRead));
      let start = 0;
      for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
        offset += nl - start + 1;
        yield { text: data.toString('utf8', start, nl), end: offset, complete: true };
        start = nl + 1;
      }
      carry = data.subarray(start);
    }
    if (carry.length > 0) yield { text: carry.toString('utf8'), end: offset + carry.length, complete: false };
  } finally {
    await handle.close();
  }
}

/** Writes a file through a temporary sibling and a rename, so readers never see it half-written. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/** JSON with object keys sorted at every level: equal values give equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
