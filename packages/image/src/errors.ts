/** Why an image could not be decoded. */
export type ImageDecodeErrorCode =
  | 'empty'
  | 'truncated'
  | 'too-large'
  | 'unsupported'
  | 'too-small'
  | 'not-found'
  | 'unreadable'
  | 'corrupt';

/** Thrown by `decodeImage`/`imageSize`; `code` says why, `file` names the input (a path or `<buffer>`). */
export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';
  readonly code: ImageDecodeErrorCode;
  readonly file: string;

  constructor(code: ImageDecodeErrorCode, file: string, message: string, options?: { cause?: unknown }) {
    super(`${file}: ${message}`, options);
    this.code = code;
    this.file = file;
  }
}

/** Why a depth file could not be read. */
export type DepthReadErrorCode =
  | 'not-found'
  | 'corrupt'
  | 'truncated'
  | 'unsupported'
  | 'missing-dataset'
  | 'bad-shape';

/** Thrown by the `.npy` and HDF5 depth readers; `code` says why, `file` names the input. */
export class DepthReadError extends Error {
  override readonly name = 'DepthReadError';
  readonly code: DepthReadErrorCode;
  readonly file: string;

  constructor(code: DepthReadErrorCode, file: string, message: string, options?: { cause?: unknown }) {
    super(`${file}: ${message}`, options);
    this.code = code;
    this.file = file;
  }
}

/** Why a source could not list or load an image. */
export type ImageSourceErrorCode =
  | 'not-found'
  | 'depth-size-mismatch'
  | 'depth-empty'
  | 'unknown-source'
  | 'invalid-spec'
  | 'unsupported-depth-format'
  | 'duplicate-id';

/** Thrown by image sources for listing and loading problems other than decode/depth-read failures. */
export class ImageSourceError extends Error {
  override readonly name = 'ImageSourceError';
  readonly code: ImageSourceErrorCode;

  constructor(code: ImageSourceErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
