/** Machine-readable reason of a `ModelError`. */
export type ModelErrorCode =
  | 'bad-config'
  | 'bad-input'
  | 'context-overflow'
  | 'checkpoint-missing'
  | 'checkpoint-corrupt'
  | 'weights-mismatch'
  | 'dataset-invalid'
  | 'image-missing'
  | 'backend-unavailable'
  | 'worker-failed'
  | 'queue-full'
  | 'shut-down';

/** Base class of every error this package throws on purpose; `code` says why. */
export class ModelError extends Error {
  override readonly name: string = 'ModelError';
  readonly code: ModelErrorCode;

  constructor(code: ModelErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** A prompt or answer does not fit the model's context (`maxPromptTokens` / `maxAnswerTokens`). */
export class ContextLengthError extends ModelError {
  override readonly name = 'ContextLengthError';
  /** Tokens needed. */
  readonly length: number;
  /** Tokens the model allows. */
  readonly limit: number;

  constructor(what: string, length: number, limit: number) {
    super('context-overflow', `${what} needs ${length} tokens but the model allows ${limit}`);
    this.length = length;
    this.limit = limit;
  }
}

/** A checkpoint directory is missing, unreadable, corrupt or does not match the model config. */
export class CheckpointError extends ModelError {
  override readonly name = 'CheckpointError';
  /** The file or directory concerned. */
  readonly path: string;

  constructor(
    code: 'checkpoint-missing' | 'checkpoint-corrupt' | 'weights-mismatch',
    path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, `${path}: ${message}`, options);
    this.path = path;
  }
}

/** A dataset directory or one of its records is unusable for training or evaluation. */
export class DatasetError extends ModelError {
  override readonly name = 'DatasetError';
  /** The file concerned (a dataset file or an image path). */
  readonly path: string;

  constructor(code: 'dataset-invalid' | 'image-missing', path: string, message: string, options?: { cause?: unknown }) {
    super(code, `${path}: ${message}`, options);
    this.path = path;
  }
}

/** A generation scheduler's queue is full; `retryAfterMs` estimates when it will have room. */
export class QueueFullError extends ModelError {
  override readonly name = 'QueueFullError';
  /** Suggested wait before retrying, in ms. */
  readonly retryAfterMs: number;

  constructor(message: string, retryAfterMs: number) {
    super('queue-full', message);
    this.retryAfterMs = retryAfterMs;
  }
}
