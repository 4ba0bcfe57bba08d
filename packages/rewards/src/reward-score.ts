import { answerGraders, type AnswerGrader, type AnswerGraderName } from './answer-graders.js';
import { extractBoxed } from './reward-boxed.js';
import { matchesThinkBoxedFormat, normalizeTagSpacing } from './reward-format.js';
import { partialCredit, type PartialCreditRule } from './partial-credit.js';
import { RewardError } from './reward-error.js';

/** The three numbers EasyR1's `img_score` returns for one response, each in [0, 1]. */
export interface RewardScore {
  /** (1 − formatWeight)·accuracy + formatWeight·format. */
  readonly overall: number;
  /** 1 when the normalised response matches the think-then-boxed format, else 0. */
  readonly format: number;
  /** 1 when the boxed answer equals the ground truth exactly, else 0 (or partial, with a grader). */
  readonly accuracy: number;
}

/** Options of {@link scoreResponse}. */
export interface ScoreOptions {
  /** Weight w of the format reward in [0, 1]; EasyR1 and Spatial-SSRL use 0.1. */
  readonly formatWeight?: number;
}

/** Options of {@link scoreResponseWith}. */
export interface ScoreWithOptions extends ScoreOptions {
  /** A built-in grader name or a custom grader returning [0, 1]; `exact` (the default) is EasyR1's. */
  readonly grader?: AnswerGraderName | AnswerGrader;
  /**
   * The task's partial-credit rule: when given (not null), accuracy is the rule's score in
   * [0, 1] instead of the grader's; format handling is unchanged. Absent or null: the grader.
   */
  readonly partialCredit?: PartialCreditRule | null;
}

function checkFormatWeight(formatWeight: unknown): number {
  if (typeof formatWeight !== 'number' || !Number.isFinite(formatWeight) || formatWeight < 0 || formatWeight > 1) {
    throw new RewardError('invalid-option', `formatWeight must be a number in [0, 1], got ${String(formatWeight)}`);
  }
  return formatWeight;
}

function checkText(value: unknown, name: string): string {
  if (typeof value !== 'string') {
    throw new RewardError('invalid-input', `${name} must be a string, got ${value === null ? 'null' : typeof value}`);
  }
  return value;
}

function resolveGrader(grader: AnswerGraderName | AnswerGrader): AnswerGrader {
  if (typeof grader === 'function') return grader;
  if (typeof grader === 'string' && Object.hasOwn(answerGraders, grader)) return answerGraders[grader];
  throw new RewardError(
    'invalid-option',
    `unknown grader ${JSON.stringify(grader)}; expected one of ${Object.keys(answerGraders).join(', ')} or a function`,
  );
}

function score(response: string, groundTruth: string, grade: AnswerGrader, formatWeight: number): RewardScore {
  const normalized = normalizeTagSpacing(response);
  const format = matchesThinkBoxedFormat(normalized) ? 1 : 0;
  const accuracy = grade(extractBoxed(normalized), groundTruth);
  if (typeof accuracy !== 'number' || !(accuracy >= 0 && accuracy <= 1)) {
    throw new RewardError('invalid-grader-result', `grader returned ${String(accuracy)}; expected a number in [0, 1]`);
  }
  return { overall: (1 - formatWeight) * accuracy + formatWeight * format, format, accuracy };
}

/**
 * Scores one response exactly like EasyR1's `img_score` for Spatial-SSRL
 * (InternLM/Spatial-SSRL `training/GRPO/examples/reward_function/math.py`): whitespace around
 * `<`, `>`, `/` is removed ({@link normalizeTagSpacing}); format = 1 when the result fully matches
 * `<think>.*</think>.*\\boxed\{.*\}.*` (DOTALL); accuracy = 1 when the last boxed content
 * ({@link extractBoxed}, `"None"` if absent) equals `groundTruth` with no normalisation;
 * overall = (1 − w)·accuracy + w·format, w = `formatWeight` (default 0.1). Linear time, never
 * throws for string inputs; throws a {@link RewardError} for a non-string input or a weight
 * outside [0, 1].
 */
export function scoreResponse(response: string, groundTruth: string, options: ScoreOptions = {}): RewardScore {
  const formatWeight = checkFormatWeight(options?.formatWeight ?? 0.1);
  return score(checkText(response, 'response'), checkText(groundTruth, 'groundTruth'), answerGraders.exact, formatWeight);
}

/**
 * {@link scoreResponse} with a chosen accuracy grader: the format reward and boxed extraction are
 * EasyR1's, accuracy = grader(prediction, groundTruth) in [0, 1]. Only `grader: 'exact'` (the
 * default) reproduces EasyR1; the other graders, and a task's `partialCredit` rule (which
 * takes precedence over the grader), give partial credit and change training.
 */
export function scoreResponseWith(response: string, groundTruth: string, options: ScoreWithOptions = {}): RewardScore {
  const formatWeight = checkFormatWeight(options?.formatWeight ?? 0.1);
  const rule = options?.partialCredit;
  const grade = rule ? (prediction: string, truth: string) => partialCredit(rule, prediction, truth) : resolveGrader(options?.grader ?? 'exact');
  return score(checkText(response, 'response'), checkText(groundTruth, 'groundTruth'), grade, formatWeight);
}
