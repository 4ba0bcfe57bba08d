import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDatasetManifest, readSamples } from '@spatial-ssrl/spec/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chanceByTask } from './chance.js';
import { generateDataset } from './dataset/writer.js';
import { createRegistry, defaultRegistry } from './registry.js';
import { defineTask } from './task.js';
import { z } from 'zod';

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
    const chance = chanceByTask(defaultRegistry(), (await readDatasetManifest(out)).config.tasks, items);
    expect(Object.keys(chance)).toEqual(['flip', 'position', 'shuffle']);
    expect(chance.flip).toEqual({ chance: 1 / 8, variants: { '2x2': [8, 1 / 8] } });
    expect(chance.position.chance).toBe(1 / 4);
    // Shuffle: 2×2 and 4-strip layouts have 23 non-identity orderings, 3 strips have 5.
    const sizes = { '2x2': 23, '2x2-masked': 23, h3: 5, h4: 23, v3: 5, v4: 23 } as Record<string, number>;
    const shuffle = items.filter((i) => i.task === 'shuffle');
    const expected = shuffle.reduce((a, i) => a + 1 / sizes[i.variant!], 0) / shuffle.length;
    expect(chance.shuffle.chance).toBeCloseTo(expected, 12);
    expect(Object.values(chance.shuffle.variants).reduce((a, [n]) => a + n, 0)).toBe(shuffle.length);
    for (const [v, [, c]] of Object.entries(chance.shuffle.variants)) expect(c).toBe(1 / sizes[v]);
  });

  it('leaves out unknown tasks and unknown variants, and uses a chance the task declares', async () => {
    const tasks = (await readDatasetManifest(join(root, 'data'))).config.tasks;
    expect(chanceByTask(defaultRegistry(), tasks, [{ task: 'rotation', variant: 'any' }, { task: 'flip', variant: '2x2' }])).toEqual({
      flip: { chance: 1 / 8, variants: { '2x2': [1, 1 / 8] } },
    });
    expect(chanceByTask(defaultRegistry(), tasks, [{ task: 'flip', variant: 'nope' }, { task: 'flip' }])).toEqual({});
    const odd = defineTask<Record<string, never>>({
      id: 'odd',
      description: 'a made-up task whose guesses are not uniform',
      needs: 'rgb',
      params: z.strictObject({}),
      variants: () => ['a'],
      imageCount: () => 1,
      answerSpace: () => ['x', 'y'],
      chance: () => 0.7,
      generate: () => ({ rejected: true, code: 'never', reason: 'not used' }),
    });
    expect(chanceByTask(createRegistry([odd]), [{ id: 'odd', weight: 1, params: {} }], [{ task: 'odd', variant: 'a' }])).toEqual({
      odd: { chance: 0.7, variants: { a: [1, 0.7] } },
    });
    expect(() => chanceByTask(createRegistry([{ ...odd, chance: () => 0 }]), [{ id: 'odd', weight: 1, params: {} }], [])).toThrow(/not in \(0, 1\]/);
  });
});
