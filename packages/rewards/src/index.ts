export { extractBoxed } from './reward-boxed.js';
export { matchesThinkBoxedFormat, normalizeTagSpacing } from './reward-format.js';
export { PYTHON_WHITESPACE, isPythonWhitespace, pythonStrip } from './python-whitespace.js';
export { scoreResponse, scoreResponseWith } from './reward-score.js';
export type { RewardScore, ScoreOptions, ScoreWithOptions } from './reward-score.js';
export { answerGraders, gradePairwiseOrder, gradeSequence, normalizeOptionLetter } from './answer-graders.js';
export type { AnswerGrader, AnswerGraderName } from './answer-graders.js';
export { partialCredit, partialCreditRuleProblem } from './partial-credit.js';
export type { CreditPart, PartialCreditRule, PartsCreditRule, PositionsCreditRule } from './partial-credit.js';
export { extractAssistantResponse, isOpenRlhfRewardRequest, openRlhfRewardRequest, rewardBatch } from './openrlhf-reward.js';
export type {
  OpenRlhfRewardRequest,
  OpenRlhfRewardResponse,
  RewardBatchOptions,
  ResponseMarkers,
} from './openrlhf-reward.js';
export { RewardError } from './reward-error.js';
export type { RewardErrorCode } from './reward-error.js';
export { easyr1RewardInput, easyr1RewardRequest, easyr1Rewards, formatWeightField } from './easyr1-reward.js';
export type { BatchScoreOptions, EasyR1RewardInput, EasyR1RewardRequest } from './easyr1-reward.js';
export { verlScore, verlScoreRequest } from './verl-reward.js';
export type { VerlScore, VerlScoreRequest } from './verl-reward.js';
export { rewardShims } from './reward-shims.js';
export type { RewardShim } from './reward-shims.js';
