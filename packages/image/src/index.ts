export type { RgbImage, DepthMap, Rect, Rgb } from './raster.js';
export { createRgb } from './raster.js';
export type { LoadedImage, SourceItem, ImageSource, CapturedView, ViewPairItem, ViewPairSource } from './source.js';
export { ImageDecodeError, DepthReadError, ImageSourceError, ClipSourceError } from './errors.js';
export type { ImageDecodeErrorCode, DepthReadErrorCode, ImageSourceErrorCode, ClipSourceErrorCode } from './errors.js';
export {
  assertRgb,
  cloneRgb,
  cropRgb,
  cropDepth,
  flipRgb,
  rotate90,
  pasteRgb,
  fillRect,
  drawBorder,
  rgbEquals,
  meanAbsDiff,
  toGray,
  depthValidFraction,
} from './pixel-ops.js';
export { resizeBilinear } from './resize.js';
export { GLYPH_WIDTH, GLYPH_HEIGHT, GLYPH_ADVANCE } from './font-glyphs.js';
export { fontScale, measureText, textMask, drawText } from './text.js';
export type { TextMask, DrawTextOptions } from './text.js';
export { drawMarker, markerRadiusFor, markerOutlineFor, labelColouredFill, LABEL_MARKER_FILLS } from './marker.js';
export type { MarkerRgb, MarkerStyle } from './marker.js';
export { decodeImage, encodeImage, imageSize, sharpVersion, DEFAULT_MAX_PIXELS, PNG_COMPRESSION_LEVEL } from './codec.js';
export type { DecodeOptions, EncodeOptions, ImageSize } from './codec.js';
export { readNpy, readNpyFile, depthFromNpy, encodeNpy } from './npy.js';
export type { NpyArray, NpyDtype } from './npy.js';
export { readH5Depth } from './h5-depth.js';
export { readDepthFile, DEPTH_EXTENSIONS } from './sources/load-rgbd.js';
export type { ReadDepthOptions } from './sources/load-rgbd.js';
export { folderSource, RGB_EXTENSIONS } from './sources/folder-source.js';
export type { FolderSourceOptions } from './sources/folder-source.js';
export { diodeSource } from './sources/diode-source.js';
export { megadepthSource } from './sources/megadepth-source.js';
export { pairSource } from './sources/pair-source.js';
export type { RgbdPair } from './sources/pair-source.js';
export { parseSourceSpec, SOURCE_KINDS } from './sources/source-spec.js';
export { compareBytes } from './sources/walk.js';
export { writeSvgChart } from './svg-chart-files.js';
export type { Point3, Matrix3, PinholeIntrinsics, CameraPose, CameraView, ProjectedPoint } from './camera.js';
export { unprojectPixel, projectPoint, reprojectPixel, relativePose } from './camera.js';
export type { ClipFrame, ClipInfo, ClipItem, ClipSource, ClipSampling, SampledClip } from './clip.js';
export { clipFrameIndices, sampleClip } from './clip.js';
export { ffmpegTools, FFMPEG_INSTALL_HINT, MIN_FFMPEG_VERSION } from './video/ffmpeg-tools.js';
export type { FfmpegTools } from './video/ffmpeg-tools.js';
export { videoSource, VIDEO_EXTENSIONS } from './sources/video-source.js';
export type { VideoSourceOptions } from './sources/video-source.js';
export { frameFolderSource, TIMESTAMPS_FILE } from './sources/frame-folder-source.js';
export type { FrameFolderOptions } from './sources/frame-folder-source.js';
export { parseClipSourceSpec, CLIP_SOURCE_KINDS } from './sources/clip-spec.js';
export { renderContactSheet, DEFAULT_SHEET_LAYOUT } from './contact-sheet.js';
export type { SheetCell, SheetLayout } from './contact-sheet.js';
export { perceptualHash } from './hash/phash.js';
export type { PerceptualHash, ImageOrientation } from './hash/phash.js';
export { grayOf } from './hash/gray.js';
export type { GrayImage } from './hash/gray.js';
export { analyseImage, fingerprintThumbnail } from './hash/fingerprint.js';
export type { ImageFingerprint, AnalysedImage } from './hash/fingerprint.js';
export type { PixelCheck } from './hash/verify.js';
export { NearDuplicateIndex, NEAR_DUPLICATE_RULES } from './hash/near-duplicate-index.js';
export type { NearDuplicateMatch, NearDuplicateKind, NearDuplicateRules } from './hash/near-duplicate-index.js';
export {
  REFERENCE_SET_FILE,
  referenceSetText,
  readReferenceSet,
  loadReferenceImages,
  referenceIndex,
  describeMatch,
  excludeNearDuplicates,
} from './hash/reference-set.js';
export type { ReferenceImage, ReferenceSetHeader } from './hash/reference-set.js';
