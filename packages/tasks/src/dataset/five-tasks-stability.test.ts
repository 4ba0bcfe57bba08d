import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateDataset } from './writer.js';

const digests = JSON.parse(await readFile(new URL('./__fixtures__/five-tasks-digests.json', import.meta.url), 'utf8')) as Record<string, string>;
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function fileDigests(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await readdir(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(path);
      else if (path !== 'dataset.json') out[path] = createHash('sha256').update(await readFile(join(dir, path))).digest('hex');
    }
  };
  await walk('');
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

describe('the five built-in tasks', () => {
  it('write the same sample lines, rejections and image bytes as before tasks could take clips', async () => {
    const out = await mkdtemp(join(tmpdir(), 'ssrl-five-'));
    dirs.push(out);
    await generateDataset({ sources: ['synthetic:6:160x120'], count: 24, seed: 7, out, workers: 1, testFraction: 0.25 });
    expect(await fileDigests(out)).toEqual(digests);
  }, 120_000);

  it('keep their bytes when clip sources are added beside the image sources', async () => {
    const out = await mkdtemp(join(tmpdir(), 'ssrl-five-clips-'));
    dirs.push(out);
    await generateDataset({ sources: ['synthetic:6:160x120'], clips: ['flythrough:2:32x24:4'], count: 24, seed: 7, out, workers: 1, testFraction: 0.25 });
    expect(await fileDigests(out)).toEqual(digests);
  }, 120_000);
});
