export { describeTask } from './describe-task.js';
export type { DescribeTaskOptions } from './describe-task.js';
export { answerBalance, chiSquareCritical, determinismProblems, mirrorProblems, recognitionProblems, rejectionProblems, rewardProblems, sampleProblems } from './checks.js';
export type { BalanceResult } from './checks.js';
export { syntheticInputs } from './synthetic-source.js';
