import { appendFile, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { appendJsonl, JsonlError, readJsonl, readJsonlFile, readLines, toJsonl, writeJsonl } from './jsonl.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ssrl-jsonl-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const row = z.object({ id: z.string(), n: z.number() });

describe('JSON lines', () => {
  it('round-trips records written atomically and appended', async () => {
    const file = path.join(dir, 'sub', 'a.jsonl');
    await writeJsonl(file, [{ id: 'a', n: 1 }]);
    await appendJsonl(file, [{ id: 'b', n: 2 }, { id: 'c', n: 3 }]);
    await appendJsonl(file, []);
    expect(await readFile(file, 'utf8')).toBe(toJsonl([{ id: 'a', n: 1 }, { id: 'b', n: 2 }, { id: 'c', n: 3 }]));
    expect(await readJsonlFile(file, { schema: row })).toEqual([{ id: 'a', n: 1 }, { id: 'b', n: 2 }, { id: 'c', n: 3 }]);
    const lines = [];
    for await (const r of readJsonl(file, { limit: 2 })) lines.push([r.line, r.end]);
    expect(lines).toEqual([[1, 17], [2, 34]]);
  });

  it.skipIf(process.platform !== 'linux')('closes the file when the reader stops early, at the first record or later', async () => {
    const file = path.join(dir, 'early.jsonl');
    await writeJsonl(file, [{ id: 'a', n: 1 }, { id: 'b', n: 2 }, { id: 'c', n: 3 }]);
    // Descriptors this process holds on the file (Linux lists them in /proc/self/fd).
    const openOnFile = async (): Promise<number> => {
      const fds = await readdir('/proc/self/fd');
      const targets = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
      return targets.filter((t) => t === file).length;
    };
    for (const stopAfter of [1, 2]) {
      let seen = 0;
      for await (const r of readJsonl(file)) {
        expect(r.value).toBeTruthy();
        if (++seen === stopAfter) break;
      }
      expect(await openOnFile()).toBe(0);
    }
    expect(await readJsonlFile(file, { limit: 1 })).toEqual([{ id: 'a', n: 1 }]);
    expect(await openOnFile()).toBe(0);
  });

  it('skips blank lines and a torn last line, but not a bad line in the middle', async () => {
    const file = path.join(dir, 'torn.jsonl');
    await writeFile(file, '{"id":"a","n":1}\n\n{"id":"b","n":2}\n{"id":"c","n');
    expect(await readJsonlFile(file, { schema: row })).toEqual([{ id: 'a', n: 1 }, { id: 'b', n: 2 }]);
    await writeFile(file, '{"id":"a","n":1}\n{"id":"b"\n{"id":"c","n":3}\n');
    await expect(readJsonlFile(file)).rejects.toThrow(JsonlError);
    await expect(readJsonlFile(file)).rejects.toThrow(/torn\.jsonl:2: not valid JSON/);
  });

  it('parses an unterminated last line that is a whole record', async () => {
    const file = path.join(dir, 'no-newline.jsonl');
    await writeFile(file, '{"id":"a","n":1}\n{"id":"b","n":2}');
    expect(await readJsonlFile(file, { schema: row })).toHaveLength(2);
  });

  it('names the line and field of a record that fails the schema', async () => {
    const file = path.join(dir, 'bad.jsonl');
    await writeFile(file, '{"id":"a","n":1}\n{"id":"b","n":"two"}\n');
    const err = await readJsonlFile(file, { schema: row }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JsonlError);
    expect(err).toMatchObject({ code: 'bad-line', line: 2, field: 'n' });
    expect((err as Error).message).toMatch(/bad\.jsonl:2: n: /);
  });

  it('treats a missing file as an error, or as empty when asked', async () => {
    const file = path.join(dir, 'nope.jsonl');
    await expect(readJsonlFile(file)).rejects.toMatchObject({ code: 'missing-file' });
    expect(await readJsonlFile(file, { missing: 'empty' })).toEqual([]);
  });

  it('streams lines larger than the read chunk with exact byte offsets', async () => {
    const file = path.join(dir, 'big.jsonl');
    const long = 'x'.repeat((1 << 20) + 123);
    await writeFile(file, `"${long}"\n"é"\n`);
    const lines = [];
    for await (const l of readLines(file)) lines.push(l);
    expect(lines.map((l) => [l.number, l.end, l.complete])).toEqual([
      [1, long.length + 3, true],
      [2, long.length + 3 + 5, true],
    ]);
    expect(lines[1]!.text).toBe('"é"');
  });

  it('reads a growing file on from where an earlier pass stopped, with offsets from the file start', async () => {
    const file = path.join(dir, 'growing.jsonl');
    await writeFile(file, '{"a":1}\n{"b":');
    const first = [];
    for await (const l of readLines(file)) first.push(l);
    expect(first.map((l) => [l.text, l.end, l.complete])).toEqual([
      ['{"a":1}', 8, true],
      ['{"b":', 13, false],
    ]);
    await appendFile(file, '2}\n{"c":3}\n');
    const next = [];
    for await (const l of readLines(file, { start: first[0]!.end })) next.push(l);
    expect(next.map((l) => [l.number, l.text, l.end, l.complete])).toEqual([
      [1, '{"b":2}', 16, true],
      [2, '{"c":3}', 24, true],
    ]);
  });
});
