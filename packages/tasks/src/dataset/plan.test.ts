import { describe, expect, it } from 'vitest';
import { DatasetError } from '@spatial-ssrl/spec';
import { createPlan, sampleId, shardRange, type PlanItem, type PlanTask } from './plan.js';

const items = (n: number, depthEvery = 0): PlanItem[] =>
  Array.from({ length: n }, (_, i) => ({ dataset: 'd', id: `img${i}`, hasDepth: depthEvery > 0 && i % depthEvery === 0 }));

const five: PlanTask[] = [
  { id: 'shuffle', needs: 'rgb', weight: 1 },
  { id: 'flip', needs: 'rgb', weight: 1 },
  { id: 'crop', needs: 'rgb', weight: 1 },
  { id: 'depth', needs: 'rgbd', weight: 1 },
  { id: 'position', needs: 'rgbd', weight: 1 },
];

describe('createPlan', () => {
  it('is a pure function of seed, index, weights and items', () => {
    const a = createPlan({ seed: 5, tasks: five, items: items(30, 3) });
    const b = createPlan({ seed: 5, tasks: five, items: items(30, 3) });
    for (let i = 0; i < 200; i++) {
      expect(b.attempt(i, 0)).toEqual(a.attempt(i, 0));
      expect(b.attempt(i, 3)).toEqual(a.attempt(i, 3));
    }
    // Order of evaluation does not matter: evaluate backwards.
    for (let i = 199; i >= 0; i--) expect(a.attempt(i, 1)).toEqual(b.attempt(i, 1));
  });

  it('changes with the seed', () => {
    const a = createPlan({ seed: 1, tasks: five, items: items(30, 3) });
    const b = createPlan({ seed: 2, tasks: five, items: items(30, 3) });
    let same = 0;
    for (let i = 0; i < 100; i++) if (a.attempt(i, 0).item === b.attempt(i, 0).item) same++;
    expect(same).toBeLessThan(30);
  });

  it('matches the weights within a few samples on every prefix', () => {
    const tasks: PlanTask[] = [
      { id: 'a', needs: 'rgb', weight: 1 },
      { id: 'b', needs: 'rgb', weight: 2 },
      { id: 'c', needs: 'rgb', weight: 0.5 },
    ];
    const plan = createPlan({ seed: 9, tasks, items: items(10) });
    const counts = [0, 0, 0];
    for (let i = 0; i < 7000; i++) {
      counts[plan.taskOf(i)]++;
      if ((i + 1) % 500 === 0) {
        const n = i + 1;
        expect(Math.abs(counts[0] - n / 3.5)).toBeLessThan(6);
        expect(Math.abs(counts[1] - (2 * n) / 3.5)).toBeLessThan(6);
        expect(Math.abs(counts[2] - (0.5 * n) / 3.5)).toBeLessThan(6);
      }
    }
  });

  it('gives RGB-D tasks only items with depth and RGB tasks any item', () => {
    const list = items(40, 4);
    const plan = createPlan({ seed: 3, tasks: five, items: list });
    const seenRgb = new Set<number>();
    for (let i = 0; i < 400; i++) {
      const a = plan.attempt(i, 0);
      if (five[a.task].needs === 'rgbd') expect(list[a.item].hasDepth).toBe(true);
      else seenRgb.add(a.item);
    }
    expect([...seenRgb].some((i) => list[i].hasDepth)).toBe(true);
    expect([...seenRgb].some((i) => !list[i].hasDepth)).toBe(true);
    expect(plan.compatibleCounts).toEqual([40, 40, 40, 10, 10]);
  });

  it('cycles evenly through the items when there are more samples than images', () => {
    const plan = createPlan({ seed: 11, tasks: [{ id: 'a', needs: 'rgb', weight: 1 }], items: items(7) });
    const uses = new Array(7).fill(0);
    for (let i = 0; i < 70; i++) uses[plan.attempt(i, 0).item]++;
    expect(uses).toEqual(new Array(7).fill(10));
  });

  it('moves a retry to the next compatible item with a fresh seed', () => {
    const plan = createPlan({ seed: 4, tasks: [{ id: 'a', needs: 'rgb', weight: 1 }], items: items(5) });
    const first = plan.attempt(2, 0);
    const retry = plan.attempt(2, 1);
    expect(retry.task).toBe(first.task);
    expect(retry.item).toBe(plan.attempt(3, 0).item);
    expect(retry.seed).not.toBe(first.seed);
    expect(plan.attempt(3, 0).seed).not.toBe(retry.seed);
  });

  it('fails at the start when a task has no compatible item', () => {
    expect(() => createPlan({ seed: 0, tasks: five, items: items(5) })).toThrow(DatasetError);
    try {
      createPlan({ seed: 0, tasks: five, items: items(5) });
    } catch (e) {
      expect((e as DatasetError).code).toBe('no-compatible-source');
      expect((e as Error).message).toMatch(/"depth" needs RGB-D/);
    }
  });

  it('rejects bad weights, empty inputs and bad indices', () => {
    expect(() => createPlan({ seed: 0, tasks: [{ id: 'a', needs: 'rgb', weight: 0 }], items: items(2) })).toThrow(/weight/);
    expect(() => createPlan({ seed: 0, tasks: [], items: items(2) })).toThrow(/at least one task/);
    expect(() => createPlan({ seed: 0, tasks: five.slice(0, 1), items: [] })).toThrow(/no images/);
    const plan = createPlan({ seed: 0, tasks: five.slice(0, 1), items: items(2) });
    expect(() => plan.attempt(-1, 0)).toThrow(RangeError);
    expect(() => plan.attempt(0, 1.5)).toThrow(RangeError);
  });
});

describe('createPlan with clips and view pairs', () => {
  const clipNeeds = { kind: 'clip', sampling: { rule: 'window', frames: 3, gap: 1 }, depth: false, cameras: false } as const;
  const mixed = (): PlanItem[] => [
    ...items(12, 3),
    ...Array.from({ length: 5 }, (_, i): PlanItem => ({ dataset: 'video', id: `v${i}`, hasDepth: false, kind: 'clip', hasCameras: false })),
    ...Array.from({ length: 4 }, (_, i): PlanItem => ({ dataset: 'flythrough', id: `f${i}`, hasDepth: true, kind: 'clip', hasCameras: true })),
    { dataset: 'twoview', id: 'p0', hasDepth: true, kind: 'view-pair', hasCameras: true },
  ];

  it('gives each task only items of the kind it needs, with the depth and cameras it asks for', () => {
    const list = mixed();
    const tasks: PlanTask[] = [
      ...five,
      { id: 'clip', needs: clipNeeds, weight: 1 },
      { id: 'posed-clip', needs: { ...clipNeeds, cameras: true }, weight: 1 },
      { id: 'pair', needs: { kind: 'view-pair', depth: true }, weight: 1 },
    ];
    const plan = createPlan({ seed: 2, tasks, items: list });
    expect(plan.compatibleCounts).toEqual([12, 12, 12, 4, 4, 9, 4, 1]);
    for (let i = 0; i < 400; i++) {
      const a = plan.attempt(i, 0);
      const item = list[a.item];
      const id = tasks[a.task].id;
      if (id === 'clip') expect(item.kind).toBe('clip');
      else if (id === 'posed-clip') expect(item.dataset).toBe('flythrough');
      else if (id === 'pair') expect(item.kind).toBe('view-pair');
      else expect(item.kind ?? 'image').toBe('image');
    }
  });

  it('keeps the image tasks on the same images when clips are added to the sources', () => {
    const imageOnly = createPlan({ seed: 8, tasks: five, items: items(12, 3) });
    const withClips = createPlan({ seed: 8, tasks: five, items: mixed() });
    for (let i = 0; i < 200; i++) expect(withClips.attempt(i, 2)).toEqual(imageOnly.attempt(i, 2));
  });

  it('names the missing kind of source', () => {
    expect(() => createPlan({ seed: 0, tasks: [{ id: 'posed', needs: { ...clipNeeds, cameras: true }, weight: 1 }], items: mixed().slice(0, 17) })).toThrow(
      /"posed" needs clips whose frames carry cameras but no clip source lists any; add a clip source \(flythrough\)/,
    );
    expect(() => createPlan({ seed: 0, tasks: [{ id: 'pair', needs: { kind: 'view-pair', depth: false }, weight: 1 }], items: items(3) })).toThrow(/needs view pairs/);
  });
});

describe('shardRange', () => {
  it('partitions [0, count) into contiguous ranges', () => {
    for (const count of [1, 7, 10, 101]) {
      for (const n of [1, 2, 3, 8]) {
        let next = 0;
        for (let k = 1; k <= n; k++) {
          const r = shardRange(count, { k, n });
          expect(r.start).toBe(next);
          next = r.end;
        }
        expect(next).toBe(count);
      }
    }
  });

  it('rejects k outside 1..n', () => {
    expect(() => shardRange(10, { k: 0, n: 2 })).toThrow(/shard/);
    expect(() => shardRange(10, { k: 3, n: 2 })).toThrow(/shard/);
  });
});

describe('sampleId', () => {
  it('pads to a global width', () => {
    expect(sampleId('flip', 42, 100)).toBe('flip-000042');
    expect(sampleId('flip', 42, 12_345_678)).toBe('flip-00000042');
  });
});
