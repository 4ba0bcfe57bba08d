/**
 * Runs `run(i)` for every i in `[start, end)` with at most `concurrency` in flight and hands the
 * results to `commit` strictly in index order, in batches as they become ready. At most `window`
 * indices past the oldest uncommitted one are started, so memory stays bounded however slow one
 * index is. Rejects on the first error or when `signal` aborts, and starts nothing after that.
 */
export function runOrdered<T>(options: {
  readonly start: number;
  readonly end: number;
  readonly concurrency: number;
  readonly window: number;
  readonly run: (index: number) => Promise<T>;
  readonly commit: (batch: readonly T[], nextIndex: number) => void;
  readonly signal?: AbortSignal;
}): Promise<void> {
  const { start, end, run, commit, signal } = options;
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const window = Math.max(concurrency, Math.floor(options.window));
  return new Promise<void>((resolve, reject) => {
    let next = start;
    let nextCommit = start;
    let inflight = 0;
    let stopped = false;
    const ready = new Map<number, T>();
    const stop = (error: unknown): void => {
      if (stopped) return;
      stopped = true;
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    };
    const onAbort = (): void => stop(signal?.reason ?? new Error('aborted'));
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    const pump = (): void => {
      if (stopped) return;
      const batch: T[] = [];
      while (ready.has(nextCommit)) {
        batch.push(ready.get(nextCommit) as T);
        ready.delete(nextCommit);
        nextCommit++;
      }
      if (batch.length > 0) {
        try {
          commit(batch, nextCommit);
        } catch (error) {
          stop(error);
          return;
        }
      }
      if (nextCommit >= end) {
        stopped = true;
        signal?.removeEventListener('abort', onAbort);
        resolve();
        return;
      }
      while (inflight < concurrency && next < end && next - nextCommit < window) {
        const index = next++;
        inflight++;
        run(index).then(
          (result) => {
            inflight--;
            ready.set(index, result);
            pump();
          },
          (error: unknown) => stop(error),
        );
      }
    };
    pump();
  });
}
