import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { createWorkerRunner } from './worker-context.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker-pool.js';

// This file is a worker entry (its own build output), started by `generateDataset`; it does
// nothing when imported on the main thread.
if (!isMainThread && parentPort) void serve(parentPort, workerData as WorkerInit);

async function serve(port: MessagePort, init: WorkerInit): Promise<void> {
  const send = (msg: FromWorker): void => port.postMessage(msg);
  const fail = (error: unknown): void => {
    const e = error as { code?: unknown; message?: unknown };
    send({ type: 'error', code: typeof e?.code === 'string' ? e.code : 'worker-failed', message: typeof e?.message === 'string' ? e.message : String(error) });
  };
  let runner: Awaited<ReturnType<typeof createWorkerRunner>>;
  try {
    runner = await createWorkerRunner(init);
  } catch (error) {
    fail(error);
    return;
  }
  port.on('message', (msg: ToWorker) => {
    runner.run(msg.index).then((outcome) => send({ type: 'done', outcome }), fail);
  });
  send({ type: 'ready' });
}
