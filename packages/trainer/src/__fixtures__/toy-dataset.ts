import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encodeImage } from '@spatial-ssrl/image';
import { CounterRng } from '@spatial-ssrl/model/training';

/** Options of `writeToyDataset`. */
export interface ToyDatasetOptions {
  /** Records of each task; default 96. */
  readonly perTask?: number;
  /** Share of records in split `test`; default 0.25. */
  readonly testFraction?: number;
  readonly seed?: number;
  /** Image side in px; default 32. */
  readonly size?: number;
}

function noise(size: number, rng: CounterRng): Uint8Array {
  const data = new Uint8Array(size * size * 3);
  for (let i = 0; i < data.length; i++) data[i] = 40 + Math.floor(rng.next() * 40);
  return data;
}

function square(data: Uint8Array, size: number, x0: number, y0: number, side: number, value: number): void {
  for (let y = y0; y < y0 + side; y++) {
    for (let x = x0; x < x0 + side; x++) data.fill(value, (y * size + x) * 3, (y * size + x) * 3 + 3);
  }
}

/**
 * Writes a small dataset directory in the Spatial-SSRL layout with two easy visual tasks:
 * `quadrant` (one image, a white square in one quadrant, answer `0`-`3`; variants `even` and
 * `odd` alternate) and `brighter` (two
 * images, answer `A` when the first one's square is brighter, else `B`).
 */
export async function writeToyDataset(dir: string, options: ToyDatasetOptions = {}): Promise<void> {
  const perTask = options.perTask ?? 96;
  const testFraction = options.testFraction ?? 0.25;
  const size = options.size ?? 32;
  const rng = new CounterRng(options.seed ?? 1);
  await mkdir(path.join(dir, 'images', 'quadrant'), { recursive: true });
  await mkdir(path.join(dir, 'images', 'brighter'), { recursive: true });
  const lines: string[] = [];
  let index = 0;
  for (let i = 0; i < perTask; i++) {
    const split = i < perTask * (1 - testFraction) ? 'train' : 'test';
    const q = Math.floor(rng.next() * 4);
    const img = noise(size, rng);
    square(img, size, (q % 2) * (size / 2) + size / 8, Math.floor(q / 2) * (size / 2) + size / 8, size / 4, 250);
    const rel = `images/quadrant/${i}.png`;
    await writeFile(path.join(dir, rel), await encodeImage({ width: size, height: size, data: img }));
    lines.push(
      JSON.stringify({ id: `quadrant-${i}`, index: index++, task: 'quadrant', variant: i % 2 ? 'odd' : 'even', prompt: '<image>Which quadrant holds the square?', answer: String(q), images: [rel], split, source: { dataset: 'toy', id: `quadrant-${i}` }, seed: 0, attempt: 0, meta: {} }),
    );
  }
  for (let i = 0; i < perTask; i++) {
    const split = i < perTask * (1 - testFraction) ? 'train' : 'test';
    const first = rng.next() < 0.5;
    const rels: string[] = [];
    for (const bright of [first, !first]) {
      const img = noise(size, rng);
      square(img, size, size / 4, size / 4, size / 2, bright ? 250 : 120);
      const rel = `images/brighter/${i}-${rels.length}.png`;
      await writeFile(path.join(dir, rel), await encodeImage({ width: size, height: size, data: img }));
      rels.push(rel);
    }
    lines.push(
      JSON.stringify({ id: `brighter-${i}`, index: index++, task: 'brighter', variant: 'pair', prompt: '<image><image>Which square is brighter? A or B.', answer: first ? 'A' : 'B', images: rels, split, source: { dataset: 'toy', id: `brighter-${i}` }, seed: 0, attempt: 0, meta: {} }),
    );
  }
  await writeFile(path.join(dir, 'samples.jsonl'), lines.join('\n') + '\n');
  await writeFile(path.join(dir, 'dataset.json'), JSON.stringify({ name: 'toy', count: lines.length }));
}
