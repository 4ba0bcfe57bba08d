import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRgb, encodeImage } from '@spatial-ssrl/image';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Worker threads run the built entry, so this suite drives the package's dist build
// (turbo runs `build` before `test`).
const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

type Dist = typeof import('../index.js');
let dist: Dist;
let root: string;
let photos: string;

beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run "pnpm build" in packages/tasks first`);
  dist = (await import(DIST)) as Dist;
  root = await mkdtemp(join(tmpdir(), 'ssrl-workers-'));
  photos = join(root, 'photos');
  await mkdir(join(photos, 'sub'), { recursive: true });
  for (let i = 0; i < 7; i++) {
    const img = createRgb(120, 90);
    for (let p = 0; p < img.data.length; p++) img.data[p] = (p * (i + 3) + ((p / 360) | 0) * 11) & 255;
    await writeFile(join(photos, i % 2 ? 'sub' : '', `p${i}.${i % 3 ? 'png' : 'jpg'}`), await encodeImage(img, { format: i % 3 ? 'png' : 'jpeg' }));
  }
  await writeFile(join(photos, 'broken.png'), Buffer.from('not a png at all'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[path.slice(dir.length + 1)] = (await readFile(path)).toString('base64');
  }
  return out;
}

describe('generateDataset with worker threads (dist build)', () => {
  it('gives the same bytes with 1 and 3 workers, and reports the threads used', async () => {
    const options = {
      sources: [`folder:${photos}`],
      tasks: [{ task: 'shuffle' }, { task: 'flip', weight: 2 }, { task: 'crop' }],
      count: 30,
      seed: 9,
      testFraction: 0.3,
    };
    const one = await dist.generateDataset({ ...options, out: join(root, 'one'), workers: 1 });
    const three = await dist.generateDataset({ ...options, out: join(root, 'three'), workers: 3 });
    expect(one.workers).toBe(1);
    expect(three.workers).toBe(3);
    expect(await snapshot(join(root, 'three'))).toEqual(await snapshot(join(root, 'one')));
    expect(three.manifest.counts?.rejections.byCode['image-corrupt'] ?? three.manifest.counts?.rejections.byCode['image-unsupported']).toBeGreaterThan(0);
  });

  it('reports a worker that cannot find a task by id', async () => {
    const { tinyTask } = await import('./__fixtures__/memory-source.js');
    await expect(
      dist.generateDataset({ sources: [`folder:${photos}`], tasks: [{ task: tinyTask }], count: 10, out: join(root, 'unknown'), workers: 2 }),
    ).rejects.toMatchObject({ code: 'unknown-task' });
  });
});
