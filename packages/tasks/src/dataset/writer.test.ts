import { readdir, readFile, truncate, writeFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memorySource, tinyDepthTask, tinyTask } from './__fixtures__/memory-source.js';
import { DatasetError, sampleRecord } from '@spatial-ssrl/spec';
import { readDatasetManifest, readRejections, readSamples } from '@spatial-ssrl/spec/node';
import { snapshot, tempDirs } from './__fixtures__/dataset-files.js';
import { generateDataset, type GenerateDatasetOptions } from './writer.js';

const tempDir = tempDirs('writer');

const base = (out: string, extra: Partial<GenerateDatasetOptions> = {}): GenerateDatasetOptions => ({
  sources: [memorySource(9, { depthEvery: 3, broken: [4] })],
  tasks: [
    { task: tinyTask, weight: 2, params: { rejectBelow: 0.3 } },
    { task: tinyDepthTask, weight: 1 },
  ],
  count: 40,
  seed: 123,
  out,
  workers: 1,
  testFraction: 0.3,
  ...extra,
});

describe('generateDataset', () => {
  it('writes records, images, rejections and a complete manifest', async () => {
    const out = await tempDir();
    const result = await generateDataset(base(out));
    expect(result.workers).toBe(1);
    const records = [];
    for await (const r of readSamples(out)) records.push(r);
    const rejections = [];
    for await (const r of readRejections(out)) rejections.push(r);
    const failed = rejections.filter((r) => r.kind === 'failed').length;
    expect(records.length + failed).toBe(40);
    expect(records.length).toBeGreaterThan(30);
    for (const r of records) {
      expect(sampleRecord.parse(r)).toEqual(r);
      expect(r.id).toBe(`${r.task}-${String(r.index).padStart(6, '0')}`);
      for (const img of r.images) {
        expect(img).toMatch(new RegExp(`^images/${r.task}/${r.id}-[a-z]+\\.png$`));
        const bytes = await readFile(join(out, img));
        expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
      }
    }
    expect(records.map((r) => r.index)).toEqual([...records.map((r) => r.index)].sort((a, b) => a - b));
    // The broken item is reported as a source-level rejection and never used.
    expect(rejections.some((r) => r.kind === 'source' && r.code === 'image-truncated' && r.source?.id === 'img-004')).toBe(true);
    expect(records.every((r) => r.source.id !== 'img-004')).toBe(true);
    expect(rejections.some((r) => r.kind === 'task' && r.code === 'unlucky')).toBe(true);
    // RGB-D samples only come from items with depth.
    for (const r of records.filter((x) => x.task === 'tiny-depth')) expect(Number(r.source.id.slice(4)) % 3).toBe(0);

    const manifest = await readDatasetManifest(out);
    expect(manifest.status).toBe('complete');
    expect(manifest.config.tasks.map((t) => t.id)).toEqual(['tiny', 'tiny-depth']);
    expect(manifest.config.tasks[0].params).toEqual({ rejectBelow: 0.3 });
    expect(manifest.versions['@spatial-ssrl/tasks']).toMatch(/^\d+\.\d+\.\d+/);
    expect(manifest.versions.sharp).toMatch(/^\d+\.\d+\.\d+/);
    const counts = manifest.counts!;
    expect(counts.samples).toBe(records.length);
    expect(counts.byTask.tiny + counts.byTask['tiny-depth']).toBe(records.length);
    expect(counts.bySplit.train + (counts.bySplit.test ?? 0)).toBe(records.length);
    expect(counts.rejections.total).toBe(rejections.length);
    expect(counts.rejections.byCode['image-truncated']).toBeGreaterThan(0);
    expect(counts.rejections.badSources).toBe(1);
    const answers = Object.values(counts.byAnswer.tiny).reduce((a, b) => a + b, 0);
    expect(answers).toBe(counts.byTask.tiny);
    expect(await readdir(out)).not.toContain('.tmp');
  });

  it('keeps each source image on one side of the split', async () => {
    const out = await tempDir();
    await generateDataset(base(out, { count: 60 }));
    const sideOf = new Map<string, string>();
    for await (const r of readSamples(out)) {
      const prev = sideOf.get(r.source.id);
      if (prev) expect(r.split).toBe(prev);
      sideOf.set(r.source.id, r.split);
    }
    expect(new Set(sideOf.values()).size).toBe(2);
  });

  it('is byte-identical across runs and equals the concatenation of its shards', async () => {
    const [a, b, s1, s2] = await Promise.all([tempDir(), tempDir(), tempDir(), tempDir()]);
    await generateDataset(base(a));
    await generateDataset(base(b));
    expect(await snapshot(b)).toEqual(await snapshot(a));
    await generateDataset(base(s1, { shard: { k: 1, n: 2 } }));
    await generateDataset(base(s2, { shard: { k: 2, n: 2 } }));
    for (const file of ['samples.jsonl', 'rejections.jsonl']) {
      const joined = (await readFile(join(s1, file), 'utf8')) + (await readFile(join(s2, file), 'utf8'));
      expect(joined).toBe(await readFile(join(a, file), 'utf8'));
    }
    const full = await snapshot(a);
    const sharded = new Map([...(await snapshot(s1)), ...(await snapshot(s2))]);
    for (const [path, bytes] of full) if (path.startsWith('images/')) expect(sharded.get(path)).toBe(bytes);
  });

  it('resumes an interrupted run to the same bytes as an uninterrupted one', async () => {
    const [whole, cut] = await Promise.all([tempDir(), tempDir()]);
    await generateDataset(base(whole));
    const controller = new AbortController();
    await expect(
      generateDataset(
        base(cut, {
          signal: controller.signal,
          onProgress: (p) => {
            if (p.done >= 17) controller.abort();
          },
        }),
      ),
    ).rejects.toMatchObject({ code: 'aborted' });
    expect((await readDatasetManifest(cut)).status).toBe('running');
    // Simulate a kill in the middle of a line: leave half a record at the end of samples.jsonl.
    const samplesPath = join(cut, 'samples.jsonl');
    const size = (await stat(samplesPath)).size;
    const full = await readFile(join(whole, 'samples.jsonl'), 'utf8');
    const next = full.slice(size, full.indexOf('\n', size) + 1);
    await writeFile(samplesPath, next.slice(0, Math.floor(next.length / 2)), { flag: 'a' });
    const result = await generateDataset(base(cut));
    expect(result.resumedFrom).toBeGreaterThan(0);
    expect(await snapshot(cut)).toEqual(await snapshot(whole));
  });

  it('drops rejection lines written past the last complete sample', async () => {
    const [whole, cut] = await Promise.all([tempDir(), tempDir()]);
    await generateDataset(base(whole));
    await generateDataset(base(cut));
    const samplesPath = join(cut, 'samples.jsonl');
    const text = await readFile(samplesPath, 'utf8');
    const lines = text.split('\n');
    await truncate(samplesPath, Buffer.byteLength(lines.slice(0, 10).join('\n') + '\n'));
    await generateDataset(base(cut));
    expect(await snapshot(cut)).toEqual(await snapshot(whole));
  });

  it('refuses a directory holding a different config unless forced', async () => {
    const out = await tempDir();
    await generateDataset(base(out, { count: 10 }));
    await expect(generateDataset(base(out, { count: 10, seed: 5 }))).rejects.toMatchObject({ code: 'config-mismatch', message: /seed/ });
    const forced = await generateDataset(base(out, { count: 10, seed: 5, force: true }));
    expect(forced.manifest.config.seed).toBe(5);
    const other = await tempDir();
    await generateDataset(base(other, { count: 10, seed: 5 }));
    expect(await snapshot(out)).toEqual(await snapshot(other));
  });

  it('records an index as failed after maxAttempts rejections and goes on', async () => {
    const out = await tempDir();
    const result = await generateDataset(
      base(out, { tasks: [{ task: tinyTask, params: { rejectBelow: 0.8 } }], maxAttempts: 2, count: 30, testFraction: 0 }),
    );
    const counts = result.manifest.counts!;
    expect(counts.failed).toBeGreaterThan(0);
    expect(counts.samples + counts.failed).toBe(30);
    expect(counts.rejections.byKind.failed).toBe(counts.failed);
    expect(counts.bySplit).toEqual({ train: counts.samples });
  });

  it('fails at the start on bad options, unknown tasks and missing depth', async () => {
    const out = await tempDir();
    const rgbOnly = memorySource(4);
    await expect(generateDataset({ ...base(out), sources: [rgbOnly] })).rejects.toMatchObject({ code: 'no-compatible-source' });
    await expect(generateDataset(base(out, { count: 0 }))).rejects.toThrow(/count/);
    await expect(generateDataset(base(out, { tasks: [{ task: 'nope' }] }))).rejects.toMatchObject({ code: 'unknown-task' });
    await expect(generateDataset(base(out, { tasks: [{ task: tinyTask, params: { rejectBelow: 2 } }] }))).rejects.toThrow(/rejectBelow/);
    await expect(generateDataset(base(out, { shard: { k: 3, n: 2 } }))).rejects.toThrow(/shard/);
    await expect(generateDataset(base(out, { sources: [memorySource(3), memorySource(3)] }))).rejects.toThrow(/listed twice/);
    await expect(generateDataset(base(out, { workers: 2 }))).rejects.toBeInstanceOf(DatasetError);
  });

  it('records an all-invalid depth map as a source rejection for RGB-D tasks only', async () => {
    const out = await tempDir();
    const result = await generateDataset(
      base(out, { sources: [memorySource(6, { depthEvery: 2, emptyDepth: [0] })], tasks: [{ task: tinyTask }, { task: tinyDepthTask }], count: 24 }),
    );
    const rejections = [];
    for await (const r of readRejections(out)) rejections.push(r);
    expect(rejections.filter((r) => r.code === 'depth-empty').every((r) => r.task === 'tiny-depth' && r.source?.id === 'img-000')).toBe(true);
    expect(result.manifest.counts!.rejections.byCode['depth-empty']).toBeGreaterThan(0);
    const tinyFromZero = [];
    for await (const r of readSamples(out)) if (r.task === 'tiny' && r.source.id === 'img-000') tinyFromZero.push(r);
    expect(tinyFromZero.length).toBeGreaterThan(0);
  });

  it('stops with task-contract when a task breaks its declared answer space', async () => {
    const out = await tempDir();
    const liar = { ...tinyTask, id: 'liar', answerSpace: () => ['x'] };
    await expect(generateDataset(base(out, { tasks: [{ task: liar }] }))).rejects.toMatchObject({ code: 'task-contract' });
  });
});
