export { writeFileAtomic, replaceDirAtomic } from './atomic-write.js';
export type { WriteFileAtomicOptions } from './atomic-write.js';
export { readLines, readJsonl, readJsonlFile, toJsonl, appendJsonl, writeJsonl, JsonlError } from './jsonl.js';
export type { FileLine, ReadJsonlOptions, JsonlRecord, JsonlErrorCode } from './jsonl.js';
export { readDatasetManifest, readSamples, readRejections } from './dataset-files.js';
export { startWorker, workerExecArgv } from './worker.js';
export type { StartWorkerOptions, WorkerHandle } from './worker.js';
export { createProgress, formatDuration } from './progress.js';
export type { Progress, ProgressOptions, ProgressStream } from './progress.js';
