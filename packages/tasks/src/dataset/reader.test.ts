import { mkdtemp, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memorySource, tinyTask } from './__fixtures__/memory-source.js';
import { readDatasetManifest, readSamples } from '@spatial-ssrl/spec/node';
import { generateDataset } from './writer.js';

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'ssrl-reader-'));
  await generateDataset({ sources: [memorySource(5)], tasks: [{ task: tinyTask }], count: 8, out, workers: 1 });
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('readSamples / readDatasetManifest', () => {
  it('streams validated records and honours a limit', async () => {
    const all = [];
    for await (const r of readSamples(out)) all.push(r.index);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const some = [];
    for await (const r of readSamples(out, { limit: 3 })) some.push(r.index);
    expect(some).toEqual([0, 1, 2]);
    expect((await readDatasetManifest(out)).counts?.samples).toBe(8);
  });

  it('skips an unterminated last line and refuses a corrupt one', async () => {
    await appendFile(join(out, 'samples.jsonl'), '{"id":"half');
    let n = 0;
    for await (const _ of readSamples(out)) n++;
    expect(n).toBe(8);
    await appendFile(join(out, 'samples.jsonl'), '\n');
    await expect(async () => {
      for await (const _ of readSamples(out)) n++;
    }).rejects.toMatchObject({ code: 'corrupt-dataset' });
    // A resumed run refuses the corrupt line instead of guessing.
    await expect(generateDataset({ sources: [memorySource(5)], tasks: [{ task: tinyTask }], count: 8, out, workers: 1 })).rejects.toMatchObject({
      code: 'corrupt-dataset',
    });
  });

  it('explains a directory without a manifest', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'ssrl-reader-empty-'));
    try {
      await expect(readDatasetManifest(empty)).rejects.toMatchObject({ code: 'not-a-dataset' });
      await writeFile(join(empty, 'samples.jsonl'), '');
      await expect(generateDataset({ sources: [memorySource(2)], tasks: [{ task: tinyTask }], count: 2, out: empty, workers: 1 })).rejects.toMatchObject({
        code: 'not-a-dataset',
      });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
