import { onAbort } from './abort-fanout.js';

/** A counting semaphore bounding how many operations run at once. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`semaphore capacity must be a positive integer, got ${capacity}`);
  }

  /** Operations currently holding a permit. */
  get inFlight(): number {
    return this.active;
  }

  /** Waits for a permit and returns its release function (call it exactly once); rejects if `signal` aborts first. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.active < this.capacity) {
      this.active++;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        off();
        resolve();
      };
      this.waiting.push(grant);
      const off = signal
        ? onAbort(signal, () => {
            const i = this.waiting.indexOf(grant);
            if (i !== -1) this.waiting.splice(i, 1);
            reject(signal.reason);
          })
        : () => {};
    });
    return this.releaser();
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}
