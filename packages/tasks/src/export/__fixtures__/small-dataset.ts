import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDataset } from '../../dataset/writer.js';

const made: string[] = [];

/** A fresh temporary folder, removed by {@link removeTempDirs}. */
export async function tempDir(prefix = 'ssrl-export-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every folder made by {@link tempDir}. */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** Generates a small dataset of every built-in task (synthetic 160×120 scenes); `shard` writes one shard of it. */
export async function smallDataset(dir: string, options: { count?: number; shard?: { k: number; n: number } } = {}): Promise<string> {
  await generateDataset({
    sources: ['synthetic:12:160x120'],
    count: options.count ?? 40,
    seed: 7,
    out: dir,
    workers: 1,
    testFraction: 0.25,
    ...(options.shard ? { shard: options.shard } : {}),
  });
  return dir;
}

/** Every file under `dir` (relative path → SHA-256 of its bytes), for byte-for-byte comparisons. */
export async function folderFiles(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await readdir(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(path);
      else files.set(path, createHash('sha256').update(await readFile(join(dir, path))).digest('hex'));
    }
  };
  await walk('');
  return files;
}
