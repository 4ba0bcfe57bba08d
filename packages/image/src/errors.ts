import { SsrlError } from '@spatial-ssrl/spec';

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
export class ImageDecodeError extends SsrlError<ImageDecodeErrorCode> {
  readonly file: string;

  constructor(code: ImageDecodeErrorCode, file: string, message: string, options?: { cause?: unknown }) {
    super(code, `${file}: ${message}`, options);
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
export class DepthReadError extends SsrlError<DepthReadErrorCode> {
  readonly file: string;

  constructor(code: DepthReadErrorCode, file: string, message: string, options?: { cause?: unknown }) {
    super(code, `${file}: ${message}`, options);
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
  | 'duplicate-id'
  | 'near-duplicate';

/** Thrown by image sources for listing and loading problems other than decode/depth-read failures. */
export class ImageSourceError extends SsrlError<ImageSourceErrorCode> {}

/** Why a clip (a video file or a frame folder) could not be listed, probed or decoded. */
export type ClipSourceErrorCode =
  | 'not-found'
  | 'empty'
  | 'truncated'
  | 'audio-only'
  | 'no-video'
  | 'too-short'
  | 'too-large'
  | 'corrupt'
  | 'unsupported'
  | 'bad-timestamps'
  | 'mixed-sizes'
  | 'invalid-sampling'
  | 'invalid-frame'
  | 'ffmpeg-missing'
  | 'ffmpeg-too-old'
  | 'ffmpeg-failed';

/**
 * Thrown by clip sources; `code` says why and `file` names the clip (a path, or `<clip>`). A
 * dataset writer records per-clip codes as rejections and goes on; `ffmpeg-missing` and
 * `ffmpeg-too-old` stop a run before it starts.
 */
export class ClipSourceError extends SsrlError<ClipSourceErrorCode> {
  readonly file: string;

  constructor(code: ClipSourceErrorCode, file: string, message: string, options?: { cause?: unknown }) {
    super(code, `${file}: ${message}`, options);
    this.file = file;
  }
}
