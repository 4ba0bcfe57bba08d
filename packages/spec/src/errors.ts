/**
 * Base class of every error a Spatial-SSRL package throws on purpose: `code` is a stable,
 * machine-readable reason (kebab-case or upper-case, per package), the message a sentence for
 * people. `name` is the subclass's name.
 */
export class SsrlError<C extends string = string> extends Error {
  readonly code: C;

  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Machine-readable reasons a dataset directory cannot be written, read or used. */
export type DatasetErrorCode =
  | 'invalid-options'
  | 'no-compatible-source'
  | 'empty-source'
  | 'config-mismatch'
  | 'not-a-dataset'
  | 'corrupt-dataset'
  | 'image-missing'
  | 'task-contract'
  | 'unknown-task'
  | 'plugin-invalid'
  | 'source-changed'
  | 'worker-failed'
  | 'aborted';

/** A dataset directory (or one of its records or images) cannot be written, read or used; `code` says why, `path` names the file when one is concerned. */
export class DatasetError extends SsrlError<DatasetErrorCode> {
  /** The file concerned (a dataset file, `file:line`, or an image path), when there is one. */
  readonly path: string | undefined;

  constructor(code: DatasetErrorCode, message: string, options?: { cause?: unknown; path?: string }) {
    super(code, options?.path !== undefined ? `${options.path}: ${message}` : message, options);
    this.path = options?.path;
  }
}
