import { z } from 'zod';
import type { PartialCreditRule } from './partial-credit.js';
import { scoreResponseWith, type RewardScore, type ScoreWithOptions } from './reward-score.js';

/** Options of a batch scorer: one partial-credit rule per item (null: the grader) besides the usual ones. */
export interface BatchScoreOptions extends ScoreWithOptions {
  /** The partial-credit rule of item i at index i; absent or null items are scored by the grader (exact by default). */
  readonly rules?: readonly (PartialCreditRule | null | undefined)[];
}

/** A format weight in a request body: a finite number in [0, 1]. */
export const formatWeightField = z.number().min(0, 'must be in [0, 1]').max(1, 'must be in [0, 1]');

/**
 * One EasyR1 v0.3 reward input (`RewardInput` of `verl/workers/reward/function.py`): the decoded
 * response, its length in tokens (not used by the score) and the row's ground truth. Extra keys
 * are dropped.
 */
export const easyr1RewardInput = z.object({
  response: z.string(),
  response_length: z.number().int().min(0).optional(),
  ground_truth: z.string(),
  /** Id of the task that wrote the row, when the caller knows it (picks the partial-credit rule). */
  task: z.string().min(1).optional(),
});

/** A validated EasyR1 reward input. */
export type EasyR1RewardInput = z.infer<typeof easyr1RewardInput>;

/**
 * A batch for EasyR1's `compute_score(reward_inputs, format_weight=0.1)` sent as one JSON object:
 * the inputs, and the weight the trainer's `reward_function_kwargs` gave (else the scorer's).
 */
export const easyr1RewardRequest = z.object({
  reward_inputs: z.array(easyr1RewardInput),
  format_weight: formatWeightField.optional(),
  /** Score answers with parts by their task's partial-credit rule (default: the server's setting). */
  partial_credit: z.boolean().optional(),
});

/** A validated EasyR1 reward batch. */
export type EasyR1RewardRequest = z.infer<typeof easyr1RewardRequest>;

/**
 * Scores an EasyR1 batch: `[{ overall, format, accuracy }]`, one per input in order, each exactly
 * what `img_score` returns with the default `exact` grader ({@link scoreResponseWith}); items with
 * a rule in `options.rules` get that partial credit as accuracy. Pure.
 */
export function easyr1Rewards(inputs: readonly EasyR1RewardInput[], options: BatchScoreOptions = {}): RewardScore[] {
  const { rules, ...rest } = options;
  return inputs.map((input, i) => scoreResponseWith(input.response, input.ground_truth, rules?.[i] ? { ...rest, partialCredit: rules[i] } : rest));
}
