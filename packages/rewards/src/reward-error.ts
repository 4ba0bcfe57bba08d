import { SsrlError } from '@spatial-ssrl/spec';

/** Machine-readable reason carried by a {@link RewardError}. */
export type RewardErrorCode = 'invalid-option' | 'invalid-input' | 'invalid-grader-result';

/** An error raised for bad options or inputs to a reward function, with a stable `code`. */
export class RewardError extends SsrlError<RewardErrorCode> {}
