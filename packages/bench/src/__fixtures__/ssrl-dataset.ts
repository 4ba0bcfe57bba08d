import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTestImage } from './images.js';

/** One record of a Spatial-SSRL `samples.jsonl`, as written by the dataset writer. */
export interface TestSample {
  id: string;
  task: string;
  variant: string;
  prompt: string;
  answer: string;
  images: string[];
  split: 'train' | 'test';
}

/** The samples of {@link writeTestSsrlDataset}: two per task, one of each split, the crop task with its 5 numbered images. */
export const TEST_SAMPLES: readonly TestSample[] = [
  { id: 'shuffle-0', task: 'shuffle', variant: '2x2', prompt: '<image>The image has been divided into 4 shuffled patches labeled 0, 1, 2, and 3.', answer: '0-2-3-1', images: ['images/shuffle/0.png'], split: 'test' },
  { id: 'shuffle-1', task: 'shuffle', variant: '1x3', prompt: '<image>Strips.', answer: '2-0-1', images: ['images/shuffle/1.png'], split: 'train' },
  { id: 'flip-0', task: 'flip', variant: '2x2', prompt: '<image>One of the four patches is flipped.', answer: '3-0', images: ['images/flip/0.png'], split: 'test' },
  { id: 'crop-0', task: 'crop', variant: 'separate', prompt: 'Which image is the missing part in the first image <image1>? options <image2><image3><image4><image5>.', answer: 'B', images: [1, 2, 3, 4, 5].map((k) => `images/crop/0-${k}.png`), split: 'test' },
  { id: 'depth-0', task: 'depth', variant: 'three', prompt: '<image>Sort the depths.', answer: '3-1-2', images: ['images/depth/0.png'], split: 'test' },
  { id: 'position-0', task: 'position', variant: 'far', prompt: '<image>Where is the region marker 2?', answer: 'A', images: ['images/position/0.png'], split: 'test' },
];

/** Writes a tiny Spatial-SSRL dataset directory (dataset.json, samples.jsonl, PNGs) and returns its path. */
export async function writeTestSsrlDataset(samples: readonly TestSample[] = TEST_SAMPLES): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-ssrl-'));
  let k = 0;
  for (const s of samples) for (const img of s.images) await writeTestImage(join(dir, img), 16, 12, [(k++ * 40) % 256, 80, 160]);
  const lines = samples.map((s, index) => JSON.stringify({ ...s, index, source: { dataset: 'synthetic', id: `scene-${index}` }, seed: 1, attempt: 0, meta: {} }));
  await writeFile(join(dir, 'samples.jsonl'), lines.join('\n') + '\n');
  await writeFile(join(dir, 'dataset.json'), JSON.stringify({ name: 'test', counts: { total: samples.length } }));
  return dir;
}
