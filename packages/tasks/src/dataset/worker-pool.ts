import { Worker } from 'node:worker_threads';
import { DatasetError } from './errors.js';
import type { SampleOutcome } from './sample-job.js';
import type { DatasetConfig } from './schema.js';

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
  readonly worker: Worker;
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
    const ready: Promise<void>[] = [];
    for (let i = 0; i < size; i++) {
      const worker = new Worker(entry, { workerData: init, execArgv: workerExecArgv(process.execArgv) });
      const slot: Slot = { worker, pending: new Map() };
      slots.push(slot);
      ready.push(
        new Promise<void>((resolve, reject) => {
          let started = false;
          worker.on('message', (msg: FromWorker) => {
            if (msg.type === 'ready') {
              started = true;
              resolve();
            } else if (msg.type === 'done') {
              const p = slot.pending.get(msg.outcome.index);
              slot.pending.delete(msg.outcome.index);
              p?.resolve(msg.outcome);
            } else {
              const error = new DatasetError(msg.code as DatasetError['code'], msg.message);
              if (!started) reject(error);
              failAll(slot, error);
            }
          });
          const crash = (error: Error): void => {
            const wrapped = new DatasetError('worker-failed', `generation worker failed: ${error.message}`, { cause: error });
            if (!started) reject(wrapped);
            failAll(slot, wrapped);
          };
          worker.on('error', crash);
          worker.on('exit', (code) => {
            if (!state.closed) crash(new Error(`exited with code ${code}`));
          });
        }),
      );
    }
    const pool = new WorkerPool(slots, state);
    try {
      await Promise.all(ready);
    } catch (error) {
      await pool.close();
      throw error;
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
      best.worker.postMessage({ type: 'run', index } satisfies ToWorker);
    });
  }

  /** Stops every worker; pending runs are rejected. */
  async close(): Promise<void> {
    if (this.state.closed) return;
    this.state.closed = true;
    const error = new DatasetError('aborted', 'the worker pool was closed');
    for (const slot of this.slots) failAll(slot, error);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

function failAll(slot: Slot, error: Error): void {
  for (const p of slot.pending.values()) p.reject(error);
  slot.pending.clear();
}

/**
 * The parent's Node flags minus custom export conditions: the worker entry is built JavaScript
 * and must resolve workspace packages to their built files, even when the parent runs with a
 * source condition (as test runners do).
 */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i];
    if (arg === '--conditions' || arg === '-C') {
      i++;
      continue;
    }
    if (arg.startsWith('--conditions=') || (arg.startsWith('-C') && arg.length > 2)) continue;
    out.push(arg);
  }
  return out;
}
