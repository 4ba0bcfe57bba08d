import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cropRgb, decodeImage, encodeImage, resizeBilinear, rotate90, type RgbImage } from '@spatial-ssrl/image';
import { renderScene } from '@spatial-ssrl/scenes';
import { generateDataset } from '@spatial-ssrl/tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './__fixtures__/run-cli.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

let root: string;
const scene = (i: number): RgbImage => renderScene({ seed: 31_000 + i, width: 320, height: 240 }).rgb;
const jpeg = async (img: RgbImage, quality = 80): Promise<Buffer> => Buffer.from(await encodeImage(img, { format: 'jpeg', quality }));

// A What'sUp-layout benchmark of five scenes, and a training folder holding three near-duplicates
// of them (a crop, a re-encoded half-size copy, a quarter turn), two unrelated scenes and a file
// that does not decode.
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ssrl-contamination-'));
  const bench = join(root, 'whatsup');
  await mkdir(join(bench, 'controlled_images'), { recursive: true });
  const entries = [];
  for (let i = 0; i < 5; i++) {
    const name = `object-${i}_on_table-${i}.jpeg`;
    await writeFile(join(bench, 'controlled_images', name), await jpeg(scene(i), 92));
    entries.push({ image_path: `data/controlled_images/${name}`, caption_options: ['A on B', 'A under B', 'A left of B', 'A right of B'] });
  }
  await writeFile(join(bench, 'controlled_images_dataset.json'), JSON.stringify(entries, null, 1));
  const train = join(root, 'train');
  await mkdir(train, { recursive: true });
  // What a scraper would store: decoded from the benchmark's JPEG, then altered.
  const benchImage = async (i: number) => decodeImage(await readFile(join(bench, 'controlled_images', `object-${i}_on_table-${i}.jpeg`)));
  await writeFile(join(train, 'a-crop.png'), await encodeImage(cropRgb(await benchImage(1), { x: 100, y: 60, width: 160, height: 120 }), { format: 'png' }));
  await writeFile(join(train, 'b-small.jpg'), await jpeg(resizeBilinear(await benchImage(3), 160, 120), 60));
  await writeFile(join(train, 'c-turned.png'), await encodeImage(rotate90(await benchImage(4), 'cw'), { format: 'png' }));
  await writeFile(join(train, 'd-other.png'), await encodeImage(scene(100), { format: 'png' }));
  await writeFile(join(train, 'e-other.jpg'), await jpeg(scene(101)));
  await writeFile(join(train, 'f-broken.jpg'), Buffer.from('not an image'));
  await generateDataset({ sources: [`folder:${train}`], tasks: [{ task: 'flip' }], count: 4, seed: 1, out: join(root, 'dataset'), workers: 1 });
}, 300_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('ssrl-eval contamination', () => {
  it('finds the planted near-duplicates, writes the report, the contact sheet and a reusable reference set', async () => {
    const out = join(root, 'report');
    const r = await runCli(CLI, ['contamination', '--data', join(root, 'dataset'), '--bench', 'whatsup', '--bench-data', join(root, 'whatsup'), '--out', out]);
    expect(r.stderr).toMatch(/fingerprint whatsup/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^3 near-duplicates among 5 training images and 5 whatsup images \(1 images unreadable, listed in the report\)/);

    const findings = (await readFile(join(out, 'near-duplicates.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(findings.map((f) => [f['source'], f['benchItem'], f['kind']])).toEqual([
      ['folder:a-crop.png', '1#0', 'part-of-reference'],
      ['folder:b-small.jpg', '3#0', 'copy'],
      ['folder:c-turned.png', '4#0', 'turned-copy'],
    ]);
    // The crop's region in the benchmark image: x 100, y 60, 160 × 120 (within a few pixels).
    const region = findings[0]!['region'] as number[];
    region.forEach((v, i) => expect(Math.abs(v - [100, 60, 160, 120][i]!)).toBeLessThanOrEqual(6));

    const md = await readFile(join(out, 'contamination.md'), 'utf8');
    expect(md).toMatch(/\*\*Near-duplicates: 3\*\*/);
    expect(md).toMatch(/\| 3 \| `folder:c-turned\.png` \| `whatsup\/[0-9a-f]{16}` \| `4#0` \| turned-copy \(rotate-90-ccw\) \|/);
    expect(md).toMatch(/## Training images that could not be read \(1\)\n\n- folder:f-broken\.jpg: /);
    const sheet = await readFile(join(out, 'near-duplicates.png'));
    const png = await decodeImage(sheet);
    expect(png.width).toBeGreaterThan(600);

    // A second run reads the fingerprints back instead of decoding the benchmark again.
    const again = await runCli(CLI, ['contamination', '--data', join(root, 'dataset'), '--bench', 'whatsup', '--bench-data', join(root, 'whatsup'), '--out', out]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/5 fingerprinted images read from .*reference-set\.jsonl/);
    expect(await readFile(join(out, 'near-duplicates.jsonl'), 'utf8')).toBe(findings.map((f) => `${JSON.stringify(f)}\n`).join(''));
  }, 300_000);

  it('says what is wrong with its arguments and with a folder that is not a dataset', async () => {
    const usage = await runCli(CLI, ['contamination', '--bench', 'whatsup', '--bench-data', join(root, 'whatsup')]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--data: is required/);
    const unknown = await runCli(CLI, ['contamination', '--data', join(root, 'dataset'), '--bench', 'nope', '--bench-data', root]);
    expect(unknown.stderr).toMatch(/--bench: unknown benchmark nope; known: .*whatsup/);
    const notDataset = await runCli(CLI, ['contamination', '--data', join(root, 'train'), '--bench', 'whatsup', '--bench-data', join(root, 'whatsup'), '--out', join(root, 'r2')]);
    expect(notDataset.code).toBe(1);
    expect(notDataset.stderr).toMatch(/has no dataset\.json; is it a dataset directory\?/);
    await expect(stat(join(root, 'r2', 'near-duplicates.jsonl'))).rejects.toThrow();
  }, 120_000);
});
