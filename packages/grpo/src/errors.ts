/** Machine-readable reason attached to every {@link GrpoInputError}. */
export type GrpoErrorCode =
  | 'NOT_AN_ARRAY'
  | 'EMPTY'
  | 'RAGGED'
  | 'SHAPE_MISMATCH'
  | 'NOT_FINITE'
  | 'BAD_MASK'
  | 'BAD_INDEX'
  | 'SINGLETON_GROUP'
  | 'BAD_OPTION';

/** Error thrown for invalid input; `argument` names the offending parameter (e.g. `responseMask`). */
export class GrpoInputError extends Error {
  override readonly name = 'GrpoInputError';
  readonly code: GrpoErrorCode;
  readonly argument: string;

  constructor(code: GrpoErrorCode, argument: string, message: string) {
    super(`${argument}: ${message}`);
    this.code = code;
    this.argument = argument;
  }
}
