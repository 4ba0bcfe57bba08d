import { SsrlError } from '@spatial-ssrl/spec';

/** Machine-readable reason of a `ModelError`. */
export type ModelErrorCode =
  | 'bad-config'
  | 'bad-input'
  | 'context-overflow'
  | 'checkpoint-missing'
  | 'checkpoint-corrupt'
  | 'weights-mismatch'
  | 'corrupt-dataset'
  | 'image-missing'
  | 'backend-unavailable'
  | 'worker-failed'
  | 'queue-full'
  | 'shut-down';

/** Base class of every error this package throws on purpose; `code` says why. */
export class ModelError extends SsrlError<ModelErrorCode> {}

/** A prompt or answer does not fit the model's context (`maxPromptTokens` / `maxAnswerTokens`). */
export class ContextLengthError extends ModelError {
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

/** A generation scheduler's queue is full; `retryAfterMs` estimates when it will have room. */
export class QueueFullError extends ModelError {
  /** Suggested wait before retrying, in ms. */
  readonly retryAfterMs: number;

  constructor(message: string, retryAfterMs: number) {
    super('queue-full', message);
    this.retryAfterMs = retryAfterMs;
  }
}
