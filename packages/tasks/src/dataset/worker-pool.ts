import { DatasetError, type DatasetConfig, type DatasetErrorCode } from '@spatial-ssrl/spec';
import { startWorker, type WorkerHandle } from '@spatial-ssrl/spec/node';
import type { SampleOutcome } from './sample-job.js';

/** What a generation worker receives at start: everything is plain data (specs, ids, params). */
export interface WorkerInit {
  readonly config: DatasetConfig;
  /** Plugin module specifiers (file URLs or package names) the worker imports before looking tasks up. */
  readonly plugins: readonly string[];
  readonly outDir: string;
  readonly tmpDir: string;
  /** `itemsDigest` of the main thread's item list; the worker refuses a different list. */
  readonly digest: string;
  /** Decoded-image cache budget of each worker, bytes. */
  readonly cacheBytes: number;
}

/** Messages from the main thread to a worker. */
export type ToWorker = { readonly type: 'run'; readonly index: number };

/** Messages from a worker to the main thread. */
export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly outcome: SampleOutcome }
  | { readonly type: 'error'; readonly code: string; readonly message: string };

// Runs a preferred worker may hold before work spills over to a less busy one.
const AFFINITY_QUEUE = 3;

interface Slot {
  readonly handle: WorkerHandle;
  readonly pending: Map<number, { resolve(o: SampleOutcome): void; reject(e: Error): void }>;
}

/** A fixed set of generation workers; `run(index)` goes to the least busy one. */
export class WorkerPool {
  private constructor(
    private readonly slots: readonly Slot[],
    private readonly state: { closed: boolean },
  ) {}

  /** Starts `size` workers from `entry` and waits until each has listed its sources and loaded its tasks. */
  static async start(entry: URL, init: WorkerInit, size: number): Promise<WorkerPool> {
    const slots: Slot[] = [];
    const state = { closed: false };
    const started = await Promise.allSettled(
      Array.from({ length: size }, async () => {
        const pending: Slot['pending'] = new Map();
        const crash = (error: Error): void => {
          failAll(pending, new DatasetError('worker-failed', `generation worker failed: ${error.message}`, { cause: error }));
        };
        const handle = await startWorker<FromWorker>(entry, {
          workerData: init,
          startFailure: (msg) => (msg.type === 'error' ? new DatasetError(msg.code as DatasetErrorCode, msg.message) : undefined),
          onMessage: (msg) => {
            if (msg.type === 'done') {
              const p = pending.get(msg.outcome.index);
              pending.delete(msg.outcome.index);
              p?.resolve(msg.outcome);
            } else if (msg.type === 'error') {
              failAll(pending, new DatasetError(msg.code as DatasetErrorCode, msg.message));
            }
          },
          onFailure: crash,
        }).catch((error: Error) => {
          throw error instanceof DatasetError ? error : new DatasetError('worker-failed', `generation worker failed: ${error.message}`, { cause: error });
        });
        slots.push({ handle, pending });
      }),
    );
    const pool = new WorkerPool(slots, state);
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await pool.close();
      throw failed.reason;
    }
    return pool;
  }

  /** Number of workers. */
  get size(): number {
    return this.slots.length;
  }

  /**
   * Generates sample `index` in a worker: the `preferred` one (any integer, taken modulo the pool
   * size) unless it already has `AFFINITY_QUEUE` runs pending, otherwise the least busy one.
   */
  run(index: number, preferred?: number): Promise<SampleOutcome> {
    let best = this.slots[0];
    for (const slot of this.slots) if (slot.pending.size < best.pending.size) best = slot;
    if (preferred !== undefined) {
      const slot = this.slots[preferred % this.slots.length];
      if (slot.pending.size < AFFINITY_QUEUE) best = slot;
    }
    return new Promise((resolve, reject) => {
      best.pending.set(index, { resolve, reject });
      best.handle.post({ type: 'run', index } satisfies ToWorker);
    });
  }

  /** Stops every worker; pending runs are rejected. */
  async close(): Promise<void> {
    if (this.state.closed) return;
    this.state.closed = true;
    const error = new DatasetError('aborted', 'the worker pool was closed');
    for (const slot of this.slots) failAll(slot.pending, error);
    await Promise.all(this.slots.map((s) => s.handle.close()));
  }
}

function failAll(pending: Slot['pending'], error: Error): void {
  for (const p of pending.values()) p.reject(error);
  pending.clear();
}
