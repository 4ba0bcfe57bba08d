import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRgb, encodeImage } from '@spatial-ssrl/image';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawPng } from './__fixtures__/raw-png.js';
import { assertBuilt, runCli } from './__fixtures__/run-cli.js';

const fixture = (name: string) => new URL(`./__fixtures__/${name}`, import.meta.url);

function pattern(width: number, height: number, shift = 0) {
  const img = createRgb(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      img.data[i] = (x * 3 + shift) & 255;
      img.data[i + 1] = (y * 5 + x) & 255;
      img.data[i + 2] = ((x ^ y) * 7 + shift) & 255;
    }
  }
  return img;
}

interface Rejection {
  index: number;
  kind: string;
  code: string;
  message: string;
  source: { dataset: string; id: string } | null;
}

let root: string;
let folder: string;
let megadepth: string;
beforeAll(async () => {
  assertBuilt();
  root = await mkdtemp(join(tmpdir(), 'ssrl-bad-'));
  folder = join(root, 'photos');
  await mkdir(folder, { recursive: true });
  const jpeg = await encodeImage(pattern(160, 120), { format: 'jpeg' });
  await writeFile(join(folder, 'good.png'), await encodeImage(pattern(160, 120, 40)));
  await writeFile(join(folder, 'good.jpg'), jpeg);
  await writeFile(join(folder, 'empty.png'), Buffer.alloc(0));
  await writeFile(join(folder, 'truncated.jpg'), jpeg.subarray(0, Math.floor(jpeg.length / 2)));
  await writeFile(join(folder, 'one-pixel.png'), await encodeImage(createRgb(1, 1, [200, 10, 10])));
  await writeFile(
    join(folder, 'bomb.png'),
    rawPng({ width: 4, height: 4, colorType: 2, bitDepth: 8, pixel: () => 0, declared: { width: 20000, height: 20000 } }),
  );
  await writeFile(join(folder, 'gray.png'), rawPng({ width: 160, height: 120, colorType: 0, bitDepth: 8, pixel: (x, y) => (x * 2 + y) & 255 }));
  await writeFile(
    join(folder, 'rgba.png'),
    rawPng({ width: 160, height: 120, colorType: 6, bitDepth: 8, pixel: (x, y, c) => (c === 3 ? (x * 4) & 255 : (x * (c + 1) + y) & 255) }),
  );
  await writeFile(
    join(folder, 'deep16.png'),
    rawPng({ width: 160, height: 120, colorType: 2, bitDepth: 16, pixel: (x, y, c) => ((x * 400 + y * 300 + c * 9000) & 0xffff) }),
  );
  await copyFile(fixture('cmyk-160x120.jpg'), join(folder, 'cmyk.jpg'));

  megadepth = join(root, 'megadepth');
  const imgs = join(megadepth, '0001', 'dense0', 'imgs');
  const depths = join(megadepth, '0001', 'dense0', 'depths');
  await mkdir(imgs, { recursive: true });
  await mkdir(depths, { recursive: true });
  for (const name of ['good', 'no-key', 'small']) await writeFile(join(imgs, `${name}.jpg`), await encodeImage(pattern(96, 72, name.length * 30), { format: 'jpeg' }));
  await copyFile(fixture('megadepth-depth-96x72.h5'), join(depths, 'good.h5'));
  await copyFile(fixture('megadepth-no-depth-key.h5'), join(depths, 'no-key.h5'));
  await copyFile(fixture('megadepth-depth-32x24.h5'), join(depths, 'small.h5'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function readJsonl<T>(path: string): Promise<T[]> {
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as T);
}

describe('ssrl-train generate on bad inputs', () => {
  it('records undecodable, oversized and mismatched sources as rejections and completes', async () => {
    const out = join(root, 'out');
    // One RGB task cycles every item of the 13, so each source is tried at least twice.
    const r = await runCli([
      'generate',
      '--source', `folder:${folder}`,
      '--source', `megadepth:${megadepth}`,
      '--tasks', 'flip',
      '--count', '30',
      '--workers', '2',
      '--out', out,
      '--quiet',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rejections = await readJsonl<Rejection>(join(out, 'rejections.jsonl'));
    const codeOf = (id: string) => new Set(rejections.filter((x) => x.kind === 'source' && x.source?.id === id).map((x) => x.code));
    expect(codeOf('empty.png')).toEqual(new Set(['image-empty']));
    expect(codeOf('truncated.jpg')).toEqual(new Set(['image-truncated']));
    expect(codeOf('bomb.png')).toEqual(new Set(['image-too-large']));
    expect(codeOf('0001/dense0/imgs/no-key')).toEqual(new Set(['depth-missing-dataset']));
    expect(codeOf('0001/dense0/imgs/small')).toEqual(new Set(['depth-size-mismatch']));
    for (const x of rejections.filter((x) => x.kind === 'source')) expect(x.message.length).toBeGreaterThan(10);
    // A 1×1 image decodes but no task can use it: task rejections, never a sample.
    expect(rejections.some((x) => x.kind === 'task' && x.source?.id === 'one-pixel.png')).toBe(true);

    const samples = await readJsonl<{ source: { id: string } }>(join(out, 'samples.jsonl'));
    const used = new Set(samples.map((s) => s.source.id));
    for (const ok of ['good.png', 'good.jpg', 'gray.png', 'rgba.png', 'deep16.png', 'cmyk.jpg', '0001/dense0/imgs/good']) expect(used).toContain(ok);
    for (const bad of ['empty.png', 'truncated.jpg', 'bomb.png', 'one-pixel.png', '0001/dense0/imgs/small']) expect(used).not.toContain(bad);

    const manifest = JSON.parse(await readFile(join(out, 'dataset.json'), 'utf8'));
    expect(manifest.counts.rejections.badSources).toBe(5);
    expect(manifest.counts.samples).toBe(30);
    expect(r.stdout).toMatch(/image-empty \d+/);
    expect(r.stdout).toMatch(/depth-size-mismatch \d+/);
    expect(r.stdout).toContain('source images that failed to load: 5');
  });

  it('fails at the start when an RGB-D task has no depth source', async () => {
    const r = await runCli(['generate', '--source', `folder:${folder}`, '--tasks', 'depth', '--count', '5', '--out', join(root, 'nodepth'), '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/task "depth" needs RGB-D images but no source item has depth.*\[no-compatible-source\]/);
  });

  it('names a missing source directory', async () => {
    const r = await runCli(['generate', '--source', `folder:${join(root, 'nope')}`, '--count', '5', '--out', join(root, 'missing'), '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(join(root, 'nope'));
  });
});
