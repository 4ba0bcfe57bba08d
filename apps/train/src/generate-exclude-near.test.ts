import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cropRgb, encodeImage, resizeBilinear, type RgbImage } from '@spatial-ssrl/image';
import { renderScene } from '@spatial-ssrl/scenes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from './__fixtures__/run-cli.js';

interface Rejection {
  kind: string;
  code: string;
  message: string;
  source: { dataset: string; id: string } | null;
}

const scene = (i: number): RgbImage => renderScene({ seed: 52_000 + i, width: 256, height: 192 }).rgb;
const readJsonl = async <T>(path: string): Promise<T[]> =>
  (await readFile(path, 'utf8'))
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as T);

let root: string;
beforeAll(async () => {
  assertBuilt();
  root = await mkdtemp(join(tmpdir(), 'ssrl-exclude-near-'));
  // "Benchmark" images: a plain folder of images, fingerprinted by generate itself.
  await mkdir(join(root, 'bench'), { recursive: true });
  for (const i of [0, 1]) await writeFile(join(root, 'bench', `b${i}.png`), await encodeImage(scene(i), { format: 'png' }));
  // Training images: two near-duplicates of them and three unrelated scenes.
  await mkdir(join(root, 'train'), { recursive: true });
  await writeFile(join(root, 'train', 'copy-of-b0.jpg'), await encodeImage(resizeBilinear(scene(0), 200, 150), { format: 'jpeg', quality: 70 }));
  await writeFile(join(root, 'train', 'crop-of-b1.png'), await encodeImage(cropRgb(scene(1), { x: 60, y: 40, width: 128, height: 128 }), { format: 'png' }));
  for (const i of [10, 11, 12]) await writeFile(join(root, 'train', `other-${i}.png`), await encodeImage(scene(i), { format: 'png' }));
}, 120_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('ssrl-train generate --exclude-near', () => {
  it('leaves near-duplicates of the reference images out and records each as a near-duplicate rejection', async () => {
    const out = join(root, 'out');
    const r = await runCli(['generate', '--source', `folder:${join(root, 'train')}`, '--exclude-near', join(root, 'bench'), '--tasks', 'shuffle', '--count', '12', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/leaving out near-duplicates of 2 images \(images under .*bench\)/);
    const samples = await readJsonl<{ source: { id: string } }>(join(out, 'samples.jsonl'));
    expect(samples).toHaveLength(12);
    expect(new Set(samples.map((s) => s.source.id))).toEqual(new Set(['other-10.png', 'other-11.png', 'other-12.png']));
    const rejections = (await readJsonl<Rejection>(join(out, 'rejections.jsonl'))).filter((x) => x.code === 'near-duplicate');
    expect(new Set(rejections.map((x) => x.source?.id))).toEqual(new Set(['copy-of-b0.jpg', 'crop-of-b1.png']));
    expect(rejections.find((x) => x.source?.id === 'copy-of-b0.jpg')!.message).toMatch(/is left out: it is a near-duplicate of a reference image, copy of b0\.png/);
    expect(rejections.find((x) => x.source?.id === 'crop-of-b1.png')!.message).toMatch(/near-duplicate of a reference image, .* of b1\.png/);
    const manifest = JSON.parse(await readFile(join(out, 'dataset.json'), 'utf8')) as { config: { sources: string[] } };
    expect(manifest.config.sources).toEqual([`folder:${join(root, 'train')} excluding near-duplicates of ${join(root, 'bench')}`]);
  }, 300_000);

  it('says so when the reference folder holds no image', async () => {
    await mkdir(join(root, 'empty'), { recursive: true });
    const r = await runCli(['generate', '--source', `folder:${join(root, 'train')}`, '--exclude-near', join(root, 'empty'), '--count', '2', '--out', join(root, 'out2')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--exclude-near .*empty: no reference images there/);
  }, 120_000);
});
