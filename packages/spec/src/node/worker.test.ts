import { describe, expect, it } from 'vitest';
import { startWorker, workerExecArgv } from './worker.js';

const ENTRY = new URL('./__fixtures__/echo-worker.mjs', import.meta.url);
type Msg = { type: string; value?: unknown; message?: string; threadData?: unknown };

describe('startWorker', () => {
  it('resolves once the worker is ready, then routes its messages', async () => {
    const got: Msg[] = [];
    let echoed!: () => void;
    const done = new Promise<void>((r) => (echoed = r));
    const handle = await startWorker<Msg>(ENTRY, {
      workerData: { tag: 't1' },
      onMessage: (m) => {
        got.push(m);
        echoed();
      },
      onFailure: (e) => {
        throw e;
      },
    });
    handle.post({ type: 'echo', value: 42 });
    await done;
    expect(got).toEqual([{ type: 'echo', value: 42, threadData: 't1' }]);
    await handle.close();
    expect(handle.closed).toBe(true);
    await handle.close();
  });

  it('rejects when the worker throws, exits or refuses before it is ready', async () => {
    const none = { onMessage: () => undefined, onFailure: () => undefined };
    await expect(startWorker(ENTRY, { ...none, workerData: { mode: 'throw-at-start' } })).rejects.toThrow('cannot start');
    await expect(startWorker(ENTRY, { ...none, workerData: { mode: 'exit-at-start' } })).rejects.toThrow('the thread exited with code 3');
    await expect(
      startWorker<Msg>(ENTRY, { ...none, workerData: { mode: 'refuse' }, startFailure: (m) => (m.type === 'error' ? new Error(`refused: ${m.message}`) : undefined) }),
    ).rejects.toThrow('refused: bad init');
  });

  it('reports a crash or an unexpected exit after the start, but not an exit it asked for', async () => {
    for (const kind of ['crash', 'exit'] as const) {
      const failures: Error[] = [];
      let failed!: () => void;
      const seen = new Promise<void>((r) => (failed = r));
      const handle = await startWorker<Msg>(ENTRY, {
        onMessage: () => undefined,
        onFailure: (e) => {
          failures.push(e);
          failed();
        },
      });
      handle.post({ type: kind });
      await seen;
      expect(failures[0]!.message).toMatch(kind === 'crash' ? /crashed on request/ : /exited with code 5/);
      await handle.close();
    }
    const quiet: Error[] = [];
    const handle = await startWorker<Msg>(ENTRY, { onMessage: () => undefined, onFailure: (e) => quiet.push(e) });
    await handle.close();
    await new Promise((r) => setImmediate(r));
    expect(quiet).toEqual([]);
  });
});

describe('workerExecArgv', () => {
  it('drops custom export conditions and keeps every other flag', () => {
    expect(workerExecArgv(['--conditions', 'src', '--inspect', '-C', 'x', '--conditions=y', '-Cz', '--max-old-space-size=99'])).toEqual([
      '--inspect',
      '--max-old-space-size=99',
    ]);
  });
});
