import { describe, expect, it } from 'vitest';
import { Semaphore } from './semaphore.js';

describe('Semaphore', () => {
  it('never lets more than its capacity run at once', async () => {
    const sem = new Semaphore(3);
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const release = await sem.acquire();
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 2));
        running--;
        release();
      }),
    );
    expect(peak).toBe(3);
    expect(sem.inFlight).toBe(0);
  });

  it('stops waiting when aborted, and ignores a second release', async () => {
    const sem = new Semaphore(1);
    const first = await sem.acquire();
    const ac = new AbortController();
    const waiting = sem.acquire(ac.signal);
    ac.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    first();
    first();
    expect(sem.inFlight).toBe(0);
    const again = await sem.acquire();
    expect(sem.inFlight).toBe(1);
    again();
  });

  it('rejects a nonsense capacity', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});
