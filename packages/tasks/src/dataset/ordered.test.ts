import { describe, expect, it } from 'vitest';
import { runOrdered } from './ordered.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('runOrdered', () => {
  it('commits in index order whatever the completion order', async () => {
    const committed: number[] = [];
    let maxInflight = 0;
    let inflight = 0;
    await runOrdered({
      start: 3,
      end: 40,
      concurrency: 4,
      window: 8,
      run: async (i) => {
        inflight++;
        maxInflight = Math.max(maxInflight, inflight);
        await sleep((i * 7) % 5);
        inflight--;
        return i;
      },
      commit: (batch) => committed.push(...batch),
    });
    expect(committed).toEqual(Array.from({ length: 37 }, (_, i) => i + 3));
    expect(maxInflight).toBeLessThanOrEqual(4);
  });

  it('never starts more than `window` past the oldest uncommitted index', async () => {
    let release: () => void = () => {};
    const slow = new Promise<void>((r) => (release = r));
    const started: number[] = [];
    const done = runOrdered({
      start: 0,
      end: 100,
      concurrency: 4,
      window: 6,
      run: async (i) => {
        started.push(i);
        if (i === 0) await slow;
        return i;
      },
      commit: () => {},
    });
    await sleep(20);
    expect(Math.max(...started)).toBe(5);
    release();
    await done;
    expect(started.length).toBe(100);
  });

  it('rejects on the first failure and on abort', async () => {
    await expect(
      runOrdered({
        start: 0,
        end: 10,
        concurrency: 2,
        window: 4,
        run: async (i) => {
          if (i === 4) throw new Error('boom');
          return i;
        },
        commit: () => {},
      }),
    ).rejects.toThrow('boom');
    const controller = new AbortController();
    const committed: number[] = [];
    const p = runOrdered({
      start: 0,
      end: 1000,
      concurrency: 1,
      window: 1,
      run: async (i) => {
        await sleep(1);
        if (i === 5) controller.abort(new Error('stop'));
        return i;
      },
      commit: (b) => committed.push(...b),
      signal: controller.signal,
    });
    await expect(p).rejects.toThrow('stop');
    expect(committed.length).toBeLessThan(10);
  });

  it('resolves at once for an empty range', async () => {
    await runOrdered({ start: 5, end: 5, concurrency: 1, window: 1, run: async () => 0, commit: () => { throw new Error('no'); } });
  });
});
