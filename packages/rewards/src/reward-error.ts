/** Machine-readable reason carried by a {@link RewardError}. */
export type RewardErrorCode = 'invalid-option' | 'invalid-input' | 'invalid-grader-result';

/** An error raised for bad options or inputs to a reward function, with a stable `code`. */
export class RewardError extends Error {
  /** Stable machine-readable reason. */
  readonly code: RewardErrorCode;

  constructor(code: RewardErrorCode, message: string) {
    super(message);
    this.name = 'RewardError';
    this.code = code;
  }
}
