import { describe, expect, it } from 'vitest';
import { EndpointPool } from './endpoint-pool.js';

describe('EndpointPool', () => {
  it('sends each request to the live endpoint with the fewest in flight, ties to the one used longest ago', async () => {
    const pool = new EndpointPool(['a', 'b', 'c'], { perEndpoint: 2 });
    const leases = [];
    for (let i = 0; i < 6; i++) leases.push(await pool.acquire());
    expect(leases.map((l) => l.url)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    leases[1]!.release('ok');
    expect((await pool.acquire()).url).toBe('b');
    expect(pool.states.map((s) => s.inFlight)).toEqual([2, 2, 2]);
  });

  it('waits when every endpoint is full and hands the permit to the first waiter', async () => {
    const pool = new EndpointPool(['a'], { perEndpoint: 1 });
    const first = await pool.acquire();
    let got = false;
    const next = pool.acquire().then((l) => {
      got = true;
      return l;
    });
    await Promise.resolve();
    expect(got).toBe(false);
    first.release('ok');
    expect((await next).url).toBe('a');
  });

  it('takes a failed endpoint out, probes it once after the pause (doubling), and puts it back on success', async () => {
    let t = 0;
    const pool = new EndpointPool(['a', 'b'], { perEndpoint: 4, cooldownMs: 100, now: () => t });
    const a = await pool.acquire();
    const stale = await pool.acquire();
    expect([a.url, stale.url]).toEqual(['a', 'b']);
    const a2 = await pool.acquire();
    expect(a2.url).toBe('a');
    a.release('down');
    // A request that was already in flight when the endpoint went down does not lengthen the pause.
    a2.release('down');
    expect(pool.states[0]).toMatchObject({ down: true, failures: 1 });
    expect((await pool.acquire()).url).toBe('b');
    t = 100;
    const probe = await pool.acquire();
    expect(probe.url).toBe('a');
    // Only one probe at a time.
    expect((await pool.acquire()).url).toBe('b');
    probe.release('down');
    expect(pool.states[0]).toMatchObject({ down: true, failures: 2 });
    t = 250;
    expect((await pool.acquire()).url).toBe('b');
    t = 300;
    const probe2 = await pool.acquire();
    expect(probe2.url).toBe('a');
    probe2.release('ok');
    expect(pool.states[0]).toMatchObject({ down: false, failures: 0 });
    expect(pool.live).toBe(2);
  });

  it('never takes the only endpoint out', async () => {
    const pool = new EndpointPool(['a'], { perEndpoint: 1, cooldownMs: 60_000 });
    (await pool.acquire()).release('down');
    expect(pool.states[0]).toMatchObject({ down: false, failures: 0 });
    expect((await pool.acquire()).url).toBe('a');
  });

  it('wakes a waiter when the pause of the first endpoint ends', async () => {
    const pool = new EndpointPool(['a', 'b'], { perEndpoint: 1, cooldownMs: 20 });
    const [a, b] = [await pool.acquire(), await pool.acquire()];
    a.release('down');
    b.release('down');
    const lease = await pool.acquire();
    expect(['a', 'b']).toContain(lease.url);
  });

  it('stops waiting when the signal aborts', async () => {
    const t = 0;
    const pool = new EndpointPool(['a', 'b'], { perEndpoint: 1, cooldownMs: 60_000, now: () => t });
    const [a, b] = [await pool.acquire(), await pool.acquire()];
    a.release('down');
    b.release('down');
    const c = new AbortController();
    const waiting = pool.acquire(c.signal);
    c.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
  });

  it('rejects duplicate or missing URLs', () => {
    expect(() => new EndpointPool([], { perEndpoint: 1 })).toThrow(/at least one/);
    expect(() => new EndpointPool(['a', 'a'], { perEndpoint: 1 })).toThrow(/distinct/);
  });
});
