export { describeTask } from './describe-task.js';
export type { DescribeTaskOptions } from './describe-task.js';
export { answerBalance, chiSquareCritical, determinismProblems, mirrorProblems, partialCreditProblems, recognitionProblems, rejectionProblems, rewardProblems, sampleProblems } from './checks.js';
export type { BalanceResult } from './checks.js';
export { syntheticInputs, syntheticClipInputs, syntheticViewPairInputs } from './synthetic-source.js';
export type { SyntheticClipOptions } from './synthetic-source.js';
