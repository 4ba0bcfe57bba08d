export { trainSft, readRunMetrics, readRunConfig } from './trainer.js';
export type { SftHooks, SftResult, StepProgress } from './trainer.js';
export { sftOptions } from './sft-options.js';
export type { SftOptions } from './sft-options.js';
export { readDataset, buildImageCache } from './dataset.js';
export type { Dataset, ImageCache, ImageCacheOptions } from './dataset.js';
export type { EvalReport, TaskScore } from './evaluate.js';
export { renderTrainingCurve } from './run-files.js';
export type { MetricsLine } from './run-files.js';
