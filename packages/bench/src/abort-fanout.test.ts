import { describe, expect, it } from 'vitest';
import { abortableSleep, onAbort } from './abort-fanout.js';

describe('abort fan-out', () => {
  it('calls every subscriber once through one listener, and not the unsubscribed ones', () => {
    const c = new AbortController();
    const calls: number[] = [];
    const offs = Array.from({ length: 50 }, (_, i) => onAbort(c.signal, () => calls.push(i)));
    offs[3]!();
    c.abort();
    c.abort();
    expect(calls).toHaveLength(49);
    expect(calls).not.toContain(3);
  });

  it('sleeps, or rejects with the reason when the signal aborts', async () => {
    await expect(abortableSleep(1)).resolves.toBeUndefined();
    const c = new AbortController();
    const p = abortableSleep(10_000, c.signal);
    c.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
    await expect(abortableSleep(1, c.signal)).rejects.toThrow('stop');
  });
});
