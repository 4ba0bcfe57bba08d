import { SsrlError } from '@spatial-ssrl/spec';

/** Machine-readable reasons an export or import stops. */
export type ExportErrorCode =
  | 'invalid-options'
  | 'not-a-dataset'
  | 'dataset-incomplete'
  | 'shard-mismatch'
  | 'placeholder-mismatch'
  | 'image-tokens'
  | 'image-missing'
  | 'image-unreadable'
  | 'output-exists'
  | 'not-parquet'
  | 'missing-columns'
  | 'no-rows'
  | 'aborted';

/** An export or import failed; `code` says why, and the message names the row when one is at fault. */
export class ExportError extends SsrlError<ExportErrorCode> {}
