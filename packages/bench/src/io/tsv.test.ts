import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DataFormatError } from '../errors.js';
import { openTsv, readTsvCell, type TsvLazyCell, type TsvRecord } from './tsv.js';

const FIXTURE = fileURLToPath(new URL('../__fixtures__/mcq-sample.tsv', import.meta.url));

async function readAll(path: string, opts: Parameters<typeof openTsv>[1] = {}): Promise<{ header: string[]; rows: TsvRecord[] }> {
  const { header, records } = await openTsv(path, opts);
  const rows: TsvRecord[] = [];
  for await (const r of records) rows.push(r);
  return { header, rows };
}

async function tmpFile(name: string, content: string | Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-tsv-'));
  const p = join(dir, name);
  await writeFile(p, content);
  return p;
}

describe('openTsv', () => {
  it('parses pandas quoting: embedded tabs, doubled quotes and newlines', async () => {
    const { header, rows } = await readAll(FIXTURE);
    expect(header).toEqual(['index', 'question', 'hint', 'A', 'B', 'C', 'D', 'answer', 'category', 'l2-category', 'image']);
    expect(rows).toHaveLength(5);
    expect(rows[1]!.cells[1]).toBe('Is the path\tfrom "start" blocked?');
    expect(rows[2]!.cells[1]).toBe('How many turns\nare on the route?');
    expect(rows[2]!.cells[2]).toBe('NA');
    expect(rows.map((r) => r.row)).toEqual([1, 2, 3, 4, 5]);
  });

  it('gives the same cells whatever the chunk size (chunk boundaries anywhere)', async () => {
    const big = await readAll(FIXTURE, { lazyColumns: ['image'] });
    for (const chunkBytes of [1, 2, 3, 7, 64]) {
      const small = await readAll(FIXTURE, { lazyColumns: ['image'], chunkBytes });
      expect(small.rows).toEqual(big.rows);
    }
  });

  it('keeps lazy cells on disk and reads them back exactly', async () => {
    const eager = await readAll(FIXTURE);
    const lazy = await readAll(FIXTURE, { lazyColumns: ['image'] });
    for (let i = 0; i < eager.rows.length; i++) {
      const cell = lazy.rows[i]!.cells[10] as TsvLazyCell;
      expect(typeof cell).toBe('object');
      expect(await readTsvCell(FIXTURE, cell)).toBe(eager.rows[i]!.cells[10]);
      expect(cell.head).toBe((eager.rows[i]!.cells[10] as string).slice(0, 128));
    }
  });

  it('reads CRLF and lone CR line ends, a BOM, blank lines and a missing final newline', async () => {
    const p = await tmpFile('crlf.tsv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a\tb\r\n1\t"x\r\ny"\r\n\r\n2\t3\r4\t5')]));
    const { header, rows } = await readAll(p);
    expect(header).toEqual(['a', 'b']);
    expect(rows.map((r) => r.cells)).toEqual([
      ['1', 'x\r\ny'],
      ['2', '3'],
      ['4', '5'],
    ]);
  });

  it('un-doubles quotes of a quoted lazy cell', async () => {
    const p = await tmpFile('q.tsv', 'index\timage\n1\t"a""b\tc"\n');
    const { rows } = await readAll(p, { lazyColumns: ['image'] });
    const cell = rows[0]!.cells[1] as TsvLazyCell;
    expect(cell.quoted).toBe(true);
    expect(await readTsvCell(p, cell)).toBe('a"b\tc');
  });

  it('names the row whose cell count differs from the header', async () => {
    const p = await tmpFile('bad.tsv', 'a\tb\n1\t2\n3\n');
    await expect(readAll(p)).rejects.toThrow(DataFormatError);
    await expect(readAll(p)).rejects.toThrow(/row 2.*expected 2 tab-separated cells/);
  });

  it('reports an unterminated quote and a missing file clearly', async () => {
    const p = await tmpFile('open.tsv', 'a\tb\n1\t"never closed\n');
    await expect(readAll(p)).rejects.toThrow(/ends inside a quoted field/);
    await expect(readAll(join(tmpdir(), 'no-such-dir-xyz', 'x.tsv'))).rejects.toMatchObject({ code: 'MISSING_FILE' });
  });
});
