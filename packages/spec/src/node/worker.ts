import { Worker, type ResourceLimits, type Transferable } from 'node:worker_threads';

/**
 * The parent's Node flags minus custom export conditions: a worker entry is built JavaScript and
 * must resolve workspace packages to their built files, even when the parent runs with a source
 * condition (as test runners do).
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

/** Options of {@link startWorker}; `M` is the type of the messages the worker sends. */
export interface StartWorkerOptions<M> {
  readonly workerData?: unknown;
  readonly transferList?: readonly Transferable[];
  readonly resourceLimits?: ResourceLimits;
  /** Whether a message is the worker's "started" signal; default: `message.type === 'ready'`. */
  readonly isReady?: (message: M) => boolean;
  /** For a message that arrives before the ready signal: an error that means the start failed, or `undefined` to pass it on. */
  readonly startFailure?: (message: M) => Error | undefined;
  /** Every other message, in order. */
  readonly onMessage: (message: M) => void;
  /** The thread failed after it started: an uncaught error, or an exit that `close` did not ask for. */
  readonly onFailure: (error: Error) => void;
}

/** A started worker thread. */
export interface WorkerHandle {
  readonly worker: Worker;
  /** Whether `close` was called. */
  readonly closed: boolean;
  /** Posts a message, transferring `transfer`. */
  post(message: unknown, transfer?: readonly Transferable[]): void;
  /** Terminates the thread; its exit is then not a failure. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts a worker thread from a built entry (`new URL('./x-worker.js', import.meta.url)`) with
 * {@link workerExecArgv}, and resolves once it sends its ready signal. An error, an exit or a
 * `startFailure` message before that terminates it and rejects with that error (an exit becomes
 * `Error('the thread exited with code N')`); after it, they go to `onFailure`.
 */
export function startWorker<M>(entry: URL, options: StartWorkerOptions<M>): Promise<WorkerHandle> {
  const isReady = options.isReady ?? ((m: M) => (m as { type?: unknown } | null)?.type === 'ready');
  const worker = new Worker(entry, {
    workerData: options.workerData,
    transferList: options.transferList as Transferable[] | undefined,
    execArgv: workerExecArgv(process.execArgv),
    ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
  });
  let closed = false;
  let started = false;
  const handle: WorkerHandle = {
    worker,
    get closed() {
      return closed;
    },
    post: (message, transfer = []) => worker.postMessage(message, transfer as Transferable[]),
    close: async () => {
      if (closed) return;
      closed = true;
      await worker.terminate();
    },
  };
  return new Promise<WorkerHandle>((resolve, reject) => {
    const failStart = (error: Error): void => {
      if (closed) return;
      closed = true;
      void worker.terminate().finally(() => reject(error));
    };
    worker.on('message', (message: M) => {
      if (!started) {
        if (isReady(message)) {
          started = true;
          resolve(handle);
          return;
        }
        const error = options.startFailure?.(message);
        if (error) return failStart(error);
      }
      options.onMessage(message);
    });
    worker.on('error', (error: Error) => {
      if (!started) failStart(error);
      else if (!closed) options.onFailure(error);
    });
    worker.on('exit', (code) => {
      const error = new Error(`the thread exited with code ${code}`);
      if (!started) failStart(error);
      else if (!closed) options.onFailure(error);
    });
  });
}
