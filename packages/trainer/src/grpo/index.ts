export { trainGrpo } from './trainer.js';
export type { GrpoHooks, GrpoResult, GrpoStepProgress } from './trainer.js';
export { grpoOptions, GRPO_ESTIMATORS, GRPO_GRADERS } from './grpo-options.js';
export type { GrpoOptions } from './grpo-options.js';
export { readGrpoMetrics, readRolloutLog, renderRewardCurve } from './grpo-run-files.js';
export type { GrpoMetricsLine, GrpoStepLine, GrpoEvalLine, RolloutLogLine } from './grpo-run-files.js';
