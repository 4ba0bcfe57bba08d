// Many operations waiting on one caller's AbortSignal (queued requests, back-off sleeps) would each
// add an 'abort' listener to it — Node warns past 10. One listener per signal fans out instead.

const subscribers = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `fn` once when `signal` aborts, through a single listener shared by every subscriber of
 * that signal; returns the unsubscribe function. A signal already aborted calls `fn` on the next
 * microtask.
 */
export function onAbort(signal: AbortSignal, fn: () => void): () => void {
  if (signal.aborted) {
    let cancelled = false;
    queueMicrotask(() => {
      if (!cancelled) fn();
    });
    return () => {
      cancelled = true;
    };
  }
  let set = subscribers.get(signal);
  if (!set) {
    const fresh = new Set<() => void>();
    subscribers.set(signal, fresh);
    signal.addEventListener(
      'abort',
      () => {
        const all = [...fresh];
        fresh.clear();
        for (const f of all) f();
      },
      { once: true },
    );
    set = fresh;
  }
  set.add(fn);
  const own = set;
  return () => {
    own.delete(fn);
  };
}

/** Waits `ms` milliseconds; rejects with the signal's reason if it aborts first (no listener of its own on the signal). */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      resolve();
    }, ms);
    const off = signal
      ? onAbort(signal, () => {
          clearTimeout(timer);
          reject(signal.reason);
        })
      : () => {};
  });
}
