/** Machine-readable reasons a dataset run cannot start or continue. */
export type DatasetErrorCode =
  | 'invalid-options'
  | 'no-compatible-source'
  | 'empty-source'
  | 'config-mismatch'
  | 'not-a-dataset'
  | 'corrupt-dataset'
  | 'task-contract'
  | 'unknown-task'
  | 'plugin-invalid'
  | 'source-changed'
  | 'worker-failed'
  | 'aborted';

/** A dataset run failed before or while writing; `code` says why. */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';
  readonly code: DatasetErrorCode;

  constructor(code: DatasetErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
