import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDataset } from '@spatial-ssrl/tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSamples } from '@spatial-ssrl/spec/node';
import { chanceByTask } from './chance.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ssrl-chance-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('chanceByTask', () => {
  it('averages 1/|answer space| over the items by the variant each one has', async () => {
    const out = join(root, 'data');
    await generateDataset({ sources: ['synthetic:8:192x144'], tasks: [{ task: 'shuffle' }, { task: 'flip' }, { task: 'position' }], count: 24, seed: 1, out, workers: 1 });
    const items: { task: string; variant?: string }[] = [];
    for await (const s of readSamples(out)) items.push({ task: s.task, variant: s.variant });
    const chance = await chanceByTask(out, items);
    expect(Object.keys(chance)).toEqual(['flip', 'position', 'shuffle']);
    expect(chance.flip).toEqual({ chance: 1 / 8, variants: { '2x2': [8, 8] } });
    expect(chance.position.chance).toBe(1 / 4);
    // Shuffle: 2×2 and 4-strip layouts have 23 non-identity orderings, 3 strips have 5.
    const sizes = { '2x2': 23, '2x2-masked': 23, h3: 5, h4: 23, v3: 5, v4: 23 } as Record<string, number>;
    const shuffle = items.filter((i) => i.task === 'shuffle');
    const expected = shuffle.reduce((a, i) => a + 1 / sizes[i.variant!], 0) / shuffle.length;
    expect(chance.shuffle.chance).toBeCloseTo(expected, 12);
    expect(Object.values(chance.shuffle.variants).reduce((a, [n]) => a + n, 0)).toBe(shuffle.length);
    for (const [v, [, k]] of Object.entries(chance.shuffle.variants)) expect(k).toBe(sizes[v]);
  });

  it('leaves out unknown tasks and datasets without a manifest', async () => {
    expect(await chanceByTask(join(root, 'nowhere'), [{ task: 'flip', variant: '2x2' }])).toEqual({});
    const out = join(root, 'data');
    expect(await chanceByTask(out, [{ task: 'rotation', variant: 'any' }, { task: 'flip', variant: '2x2' }])).toEqual({
      flip: { chance: 1 / 8, variants: { '2x2': [1, 8] } },
    });
  });
});
