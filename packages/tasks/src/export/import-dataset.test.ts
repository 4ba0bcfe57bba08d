import { readDatasetManifest, readSamples } from '@spatial-ssrl/spec/node';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeImage } from '@spatial-ssrl/image';
import { createRgb } from '@spatial-ssrl/image';
import { afterAll, describe, expect, it } from 'vitest';
import { FLIP_PROMPT } from '../tasks/flip/flip.js';
import { DEPTH_PROMPT } from '../tasks/depth/depth.js';
import { removeTempDirs, tempDir } from './__fixtures__/small-dataset.js';
import { ExportError } from './export-error.js';
import { importDataset } from './import-dataset.js';
import { ParquetStream, t, type ColumnSpec } from './parquet-stream.js';

afterAll(removeTempDirs);

const EASYR1: ColumnSpec[] = [
  { name: 'problem', type: t.string },
  { name: 'answer', type: t.string },
  { name: 'images', type: t.list(t.image) },
];

function writeParquet(path: string, columns: readonly ColumnSpec[], rows: Record<string, unknown>[]): void {
  const s = new ParquetStream(path, { columns, createdBy: 'test' });
  s.writeRowGroup(rows);
  s.close();
}

async function png(shade: number): Promise<Uint8Array> {
  return new Uint8Array(await encodeImage(createRgb(32, 24, [shade, 100, 200])));
}

describe('importDataset', () => {
  it('imports good rows, infers task and variant from the wording, and counts every bad row by reason', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'pics'), { recursive: true });
    const file = await png(10);
    await writeFile(join(dir, 'pics', 'a.png'), file);
    const good = await png(50);
    writeParquet(join(dir, 'train.parquet'), EASYR1, [
      { problem: `<image>${FLIP_PROMPT}`, answer: '2-1', images: [{ bytes: good }] },
      { problem: `<image>${DEPTH_PROMPT}`, answer: '1-2-3', images: [{ bytes: null, path: 'pics/a.png' }] },
      { problem: `<image><image>${FLIP_PROMPT}`, answer: '0-0', images: [{ bytes: good }] },
      { problem: `<image>${FLIP_PROMPT}`, answer: '1-0', images: [{ bytes: null, path: 'pics/missing.png' }] },
      { problem: `<image>${FLIP_PROMPT}`, answer: '3-1', images: [{ bytes: new TextEncoder().encode('not an image at all') }] },
      { problem: '<image>What colour is the sky?', answer: 'blue', images: [{ bytes: good }] },
      { problem: null, answer: '1-1', images: [{ bytes: good }] },
    ]);
    const out = join(dir, 'dataset');
    const result = await importDataset({ from: 'easyr1', input: join(dir, 'train.parquet'), out });
    expect(result.rows).toBe(7);
    expect(result.imported).toBe(2);
    expect(result.inferred).toBe(2);
    expect(result.errorsByCode).toEqual({ 'image-missing': 1, 'image-undecodable': 1, 'missing-field': 1, 'placeholder-mismatch': 1, 'unknown-task': 1 });
    expect(result.errors.map((e) => e.row)).toEqual([2, 3, 4, 5, 6]);
    expect(result.errors.find((e) => e.code === 'placeholder-mismatch')!.message).toBe('the prompt has 2 image placeholders but the row has 1 images');
    const records = [];
    for await (const r of readSamples(out)) records.push(r);
    expect(records.map((r) => [r.task, r.variant, r.answer, r.split])).toEqual([
      ['flip', '2x2', '2-1', 'train'],
      ['depth', '3-regions', '1-2-3', 'train'],
    ]);
    expect(await readFile(join(out, records[0].images[0]))).toEqual(Buffer.from(good));
    expect(await readFile(join(out, records[1].images[0]))).toEqual(Buffer.from(file));
    const manifest = await readDatasetManifest(out);
    expect(manifest.status).toBe('complete');
    expect(manifest.counts?.samples).toBe(2);
  });

  it('counts the rows of a file without the needed columns and imports the other files', async () => {
    const dir = await tempDir();
    const good = await png(90);
    writeParquet(join(dir, 'a.parquet'), EASYR1.slice(0, 2), [{ problem: `<image>${FLIP_PROMPT}`, answer: '1-1' }]);
    writeParquet(join(dir, 'test-b.parquet'), EASYR1, [{ problem: `<image>${FLIP_PROMPT}`, answer: '0-1', images: [{ bytes: good }] }]);
    const result = await importDataset({ from: 'easyr1', input: dir, out: join(dir, 'out') });
    expect(result.imported).toBe(1);
    expect(result.errorsByCode).toEqual({ 'missing-columns': 1 });
    expect(result.errors[0].message).toBe('the file has no column "images" (it has problem, answer)');
    expect(result.byTask).toEqual({ flip: { test: 1 } });
  });

  it('stops when nothing can be imported, with the first reason', async () => {
    const dir = await tempDir();
    writeParquet(join(dir, 'only.parquet'), [{ name: 'question', type: t.string }], [{ question: 'x' }]);
    await expect(importDataset({ from: 'verl', input: join(dir, 'only.parquet'), out: join(dir, 'out') })).rejects.toThrow(
      /no row could be imported; row 0 of .*only\.parquet: the file has no column "prompt", "images", "reward_model"/,
    );
  });

  it('says clearly when a file is not parquet', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'data.parquet'), '{"problem": "this is JSON"}\n'.repeat(3));
    await writeFile(join(dir, 'empty.parquet'), '');
    const cut = join(dir, 'cut.parquet');
    writeParquet(cut, EASYR1, [{ problem: `<image>${FLIP_PROMPT}`, answer: '1-1', images: [{ bytes: await png(1) }] }]);
    const bytes = await readFile(cut);
    await writeFile(cut, bytes.subarray(0, bytes.length - 20));
    for (const [name, reason] of [
      ['data.parquet', 'it does not start with PAR1'],
      ['empty.parquet', 'it is empty'],
      ['cut.parquet', 'it is cut short (no footer)'],
    ]) {
      const err = await importDataset({ from: 'easyr1', input: join(dir, name), out: join(dir, 'out') }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ExportError);
      expect((err as ExportError).code).toBe('not-parquet');
      expect((err as Error).message).toBe(`${join(dir, name)} is not a parquet file (${reason}); give the .parquet file of an EasyR1 or verl dataset`);
    }
  });
});
