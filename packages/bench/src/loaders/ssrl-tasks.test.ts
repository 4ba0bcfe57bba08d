import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEST_SAMPLES, writeTestSsrlDataset } from '../__fixtures__/ssrl-dataset.js';
import { FORMAT_INSTRUCTION } from '@spatial-ssrl/spec';
import { loadSsrlTasks, spatialSsrlTasksBenchmark } from './ssrl-tasks.js';

describe('Spatial-SSRL held-out task benchmark', () => {
  it('keeps test records only and appends the RL format suffix', async () => {
    const dir = await writeTestSsrlDataset();
    const { benchmark, items } = await spatialSsrlTasksBenchmark(dir);
    expect(benchmark.name).toBe('ssrl-tasks');
    expect(items.map((x) => x.id)).toEqual(['shuffle-0', 'flip-0', 'crop-0', 'depth-0', 'position-0']);
    expect(items[0]!.prompt).toBe(`${TEST_SAMPLES[0]!.prompt} ${FORMAT_INSTRUCTION}`);
    expect(items[2]!.task).toBe('crop');
    expect(items[2]!.variant).toBe('separate');
    expect(await items[2]!.images()).toHaveLength(5);
  });

  it('scores with the training reward: exact boxed match, format rate, overall reward', async () => {
    const dir = await writeTestSsrlDataset();
    const { benchmark, items } = await spatialSsrlTasksBenchmark(dir);
    const texts = [
      '<think>look</think> \\boxed{0-2-3-1}', // right, well formed
      '\\boxed{3-0}', // right, no think → format 0
      '<think>hmm</think> \\boxed{C}', // wrong, well formed
      null, // failed
      '<think>x</think>\\boxed{ A }', // right (stripped), well formed
    ];
    const s = benchmark.score(items, texts);
    expect(s.headline).toBe(60);
    expect(s.categories).toEqual({ crop: 0, depth: 0, flip: 100, position: 100, shuffle: 100 });
    expect(s.variants['format']!.headline).toBe(60);
    expect(s.variants['reward']!.headline).toBeCloseTo(((0.9 + 0.1) + 0.9 + 0.1 + 0 + 1) / 5 * 100, 10);
  });

  it('names the line of a bad record and rejects placeholder/image mismatches', async () => {
    const dir = await writeTestSsrlDataset();
    await appendFile(join(dir, 'samples.jsonl'), JSON.stringify({ id: 'x', index: 6, task: 'flip', variant: '2x2', prompt: '<image><image>', answer: '1-0', images: ['a.png'], source: { dataset: 'synthetic', id: 'x' }, seed: 1, attempt: 0, split: 'test', meta: {} }) + '\n');
    await expect(loadSsrlTasks(dir)).rejects.toThrow(/row 7, field "images".*2 image placeholders but 1 images/);
    const dir2 = await writeTestSsrlDataset();
    await appendFile(join(dir2, 'samples.jsonl'), '{"id": "y", "task": "flip"}\n');
    await expect(loadSsrlTasks(dir2)).rejects.toThrow(/row 7/);
    await expect(loadSsrlTasks(join(dir, 'nope'))).rejects.toMatchObject({ code: 'MISSING_FILE' });
  });
});
