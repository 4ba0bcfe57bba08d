import { z } from 'zod';
import { formatWeightField } from './easyr1-reward.js';
import { scoreResponseWith, type ScoreWithOptions } from './reward-score.js';

/**
 * The arguments verl passes a custom `compute_score(data_source, solution_str, ground_truth,
 * extra_info=None, **kwargs)`, as a JSON object: `solution_str` is the decoded response,
 * `ground_truth` the row's `reward_model.ground_truth`; `extra_info` (the row's, e.g. `task`) and
 * `format_weight` (from `reward_kwargs`) are optional. Extra keys are dropped.
 */
export const verlScoreRequest = z.object({
  data_source: z.string().nullable().optional(),
  solution_str: z.string(),
  ground_truth: z.string(),
  extra_info: z.record(z.string(), z.unknown()).nullable().optional(),
  format_weight: formatWeightField.optional(),
  /** Score answers with parts by their task's (`extra_info.task`) partial-credit rule (default: the server's setting). */
  partial_credit: z.boolean().optional(),
});

/** A validated verl `compute_score` call. */
export type VerlScoreRequest = z.infer<typeof verlScoreRequest>;

/** What the verl shim returns: `score` is the reward; verl logs every key of the dict per step. */
export interface VerlScore {
  /** (1 − w)·accuracy + w·format, in [0, 1]. */
  readonly score: number;
  /** 1 when the response has the think-then-boxed format, else 0. */
  readonly format: number;
  /** The grader's accuracy in [0, 1] (0 or 1 with `exact`). */
  readonly accuracy: number;
}

/**
 * Scores one verl `compute_score` call with {@link scoreResponseWith}; the request's
 * `format_weight` wins over `options.formatWeight`. Pure.
 */
export function verlScore(request: VerlScoreRequest, options: ScoreWithOptions = {}): VerlScore {
  const formatWeight = request.format_weight ?? options.formatWeight;
  const result = scoreResponseWith(request.solution_str, request.ground_truth, { ...options, formatWeight });
  return { score: result.overall, format: result.format, accuracy: result.accuracy };
}
