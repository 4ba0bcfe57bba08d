import { SsrlError } from '@spatial-ssrl/spec';

/** Machine-readable reason attached to every error this package throws. */
export type BenchErrorCode =
  | 'BAD_DATA'
  | 'MISSING_FILE'
  | 'UNKNOWN_BENCHMARK'
  | 'BAD_ARGUMENT'
  | 'NO_FRAME_SOURCE'
  | 'CACHE_CORRUPT'
  | 'POLICY_INPUT';

/** Base class of the package's errors; `code` tells callers what went wrong without parsing the message. */
export class BenchError extends SsrlError<BenchErrorCode> {}

/** A benchmark or dataset file that does not have the expected shape; names the file, the row (1-based) and the field. */
export class DataFormatError extends BenchError {
  readonly file: string;
  readonly row: number | undefined;
  readonly field: string | undefined;
  constructor(file: string, detail: string, where: { row?: number; field?: string } = {}, options?: { cause?: unknown }) {
    const at = [where.row !== undefined ? `row ${where.row}` : '', where.field !== undefined ? `field "${where.field}"` : '']
      .filter(Boolean)
      .join(', ');
    super('BAD_DATA', `${file}${at ? ` (${at})` : ''}: ${detail}`, options);
    this.name = 'DataFormatError';
    this.file = file;
    this.row = where.row;
    this.field = where.field;
  }
}
