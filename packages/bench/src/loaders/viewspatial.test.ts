import { readFileSync } from 'node:fs';
import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { imageSize } from '@spatial-ssrl/image';
import { describe, expect, it } from 'vitest';
import { writeTestImage } from '../__fixtures__/images.js';
import type { ViewSpatialRaw } from '../__fixtures__/official-rules.js';
import { FORMAT_INSTRUCTION } from '@spatial-ssrl/spec';
import { loadViewSpatial, VIEWSPATIAL_IMAGE_SIZE } from './viewspatial.js';

const excerptPath = fileURLToPath(new URL('../__fixtures__/viewspatial-excerpt.json', import.meta.url));
const excerpt = JSON.parse(readFileSync(excerptPath, 'utf8')) as ViewSpatialRaw[];

async function stubDataset(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-vs-'));
  await copyFile(excerptPath, join(dir, 'ViewSpatial-Bench.json'));
  const paths = new Set(excerpt.flatMap((x) => x.image_path));
  await Promise.all([...paths].map((p, i) => writeTestImage(join(dir, p), 64 + (i % 5), 48, [i % 256, 100, 50])));
  return dir;
}

describe('ViewSpatial-Bench loader', () => {
  it('builds the official CoT and no-CoT prompts', async () => {
    const items = await loadViewSpatial(excerptPath);
    expect(items).toHaveLength(40);
    const x = excerpt[0]!;
    expect(items[0]!.prompt).toBe(
      `${'<image>'.repeat(x.image_path.length)}${x.question}\n${x.choices}\nThe final answer should be the option letter from the given choices.\n${FORMAT_INSTRUCTION}`,
    );
    const plain = await loadViewSpatial(excerptPath, { cot: false });
    expect(plain[0]!.prompt).toBe(`${'<image>'.repeat(x.image_path.length)}${x.question}\n${x.choices}\nReply only to the corresponding option.\nAnswer:`);
    const multi = items.find((it) => it.meta.imagePaths.length > 1)!;
    expect(multi.prompt.match(/<image>/g)).toHaveLength(multi.meta.imagePaths.length);
  });

  it('resizes every image to 420×280 as the official Qwen2.5-VL preprocessing does, unless disabled', async () => {
    const dir = await stubDataset();
    const items = await loadViewSpatial(dir);
    const multi = items.find((it) => it.meta.imagePaths.length > 1)!;
    const imgs = await multi.images();
    expect(imgs).toHaveLength(multi.meta.imagePaths.length);
    for (const img of imgs) {
      expect(img.mime).toBe('image/png');
      expect(await imageSize(img.data)).toMatchObject({ width: VIEWSPATIAL_IMAGE_SIZE.width, height: VIEWSPATIAL_IMAGE_SIZE.height });
    }
    const raw = await loadViewSpatial(dir, { resize: false });
    const [orig] = await raw[0]!.images();
    expect(orig!.mime).toBe('image/jpeg');
    expect((await imageSize(orig!.data)).height).toBe(48);
  });

  it('reports a missing image file by name when images are requested', async () => {
    const items = await loadViewSpatial(excerptPath, { imageRoot: join(tmpdir(), 'no-such-root-vs') });
    await expect(items[0]!.images()).rejects.toMatchObject({ code: 'MISSING_FILE' });
  });
});
