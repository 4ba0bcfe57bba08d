export { GrpoInputError, type GrpoErrorCode } from './errors.js';
export type { GroupId } from './validate.js';
export { MASK_EPS, maskedSum, maskedMean, maskedRowMean, maskedVar, maskedWhiten } from './masked.js';
export {
  sequenceScores,
  grpoAdvantages,
  drGrpoAdvantages,
  rlooAdvantages,
  reinforcePlusPlusAdvantages,
  type AdvantageResult,
  type GroupAdvantageInput,
  type GrpoAdvantageInput,
  type ReinforcePlusPlusInput,
} from './advantages.js';
export {
  LOSS_AVG_MODES,
  POLICY_LOSS_TYPES,
  LOG_RATIO_CLAMP,
  averageLoss,
  policyLoss,
  type LossAvgMode,
  type PolicyLossType,
  type AverageLossOptions,
  type PolicyLossInput,
  type PolicyLossMetrics,
  type PolicyLossResult,
} from './policy-loss.js';
export {
  KL_KINDS,
  LOW_VAR_KL_LOG_CLAMP,
  LOW_VAR_KL_VALUE_CLAMP,
  klPenalty,
  fullKl,
  applyKlPenaltyToRewards,
  type KlKind,
  type KlPenaltyInput,
  type FullKlInput,
  type KlRewardInput,
  type KlRewardResult,
} from './kl.js';
export {
  createFixedKlController,
  createAdaptiveKlController,
  type KlController,
  type AdaptiveKlOptions,
} from './kl-controller.js';
export { filterGroups, type FilterGroupsInput, type FilterGroupsResult } from './filter-groups.js';
