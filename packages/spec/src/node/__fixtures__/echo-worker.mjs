// A worker for the startWorker tests, written for them: its behaviour is chosen by workerData.mode.
import { parentPort, workerData } from 'node:worker_threads';

const mode = workerData?.mode ?? 'echo';
if (mode === 'throw-at-start') throw new Error('cannot start');
if (mode === 'refuse') parentPort.postMessage({ type: 'error', message: 'bad init' });
else if (mode === 'exit-at-start') process.exit(3);
else {
  parentPort.postMessage({ type: 'ready' });
  parentPort.on('message', (msg) => {
    if (msg.type === 'echo') parentPort.postMessage({ type: 'echo', value: msg.value, threadData: workerData.tag });
    if (msg.type === 'crash') throw new Error('crashed on request');
    if (msg.type === 'exit') process.exit(5);
  });
}
