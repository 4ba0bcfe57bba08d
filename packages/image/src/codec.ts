import { readFile, stat } from 'node:fs/promises';
import sharp, { type OutputInfo } from 'sharp';
import { ImageDecodeError } from './errors.js';
import { assertRgb } from './pixel-ops.js';
import type { RgbImage } from './raster.js';

/** Default pixel budget of `decodeImage`: 100 million pixels (width × height). */
export const DEFAULT_MAX_PIXELS = 100_000_000;

/** Options of `decodeImage`. */
export interface DecodeOptions {
  /** Refuse images with more pixels than this (checked from the header, before decoding); default 100,000,000. */
  readonly maxPixels?: number;
  /** Refuse images whose shorter side (after orientation) is below this many px; default 1. */
  readonly minSide?: number;
}

/** Options of `encodeImage`. */
export interface EncodeOptions {
  /** Output format, `png` by default. */
  readonly format?: 'png' | 'jpeg';
  /** JPEG quality 1-100, default 90; ignored for PNG. */
  readonly quality?: number;
  /** PNG zlib level 0-9, default `PNG_COMPRESSION_LEVEL`; ignored for JPEG. */
  readonly compressionLevel?: number;
  /** PNG per-row adaptive filtering: smaller files, slower; default off; ignored for JPEG. */
  readonly adaptiveFiltering?: boolean;
}

/** Image dimensions as `decodeImage` would return them (EXIF orientation applied), in px. */
export interface ImageSize {
  readonly width: number;
  readonly height: number;
  /** Container format reported by the decoder, e.g. `jpeg`, `png`, `webp`. */
  readonly format: string;
}

/** Default PNG zlib level of `encodeImage` (0-9); chosen for speed, see the README for measurements. */
export const PNG_COMPRESSION_LEVEL = 1;

const BUFFER_LABEL = '<buffer>';

function describe(input: Uint8Array | string): string {
  return typeof input === 'string' ? input : BUFFER_LABEL;
}

async function readInput(input: Uint8Array | string): Promise<Buffer> {
  if (typeof input !== 'string') {
    if (!(input instanceof Uint8Array)) {
      throw new ImageDecodeError('unsupported', BUFFER_LABEL, 'input must be a file path or a Uint8Array');
    }
    return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  }
  try {
    return await readFile(input);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new ImageDecodeError('not-found', input, 'no such file', { cause: err });
    }
    if (code === 'EISDIR') throw new ImageDecodeError('unsupported', input, 'is a directory', { cause: err });
    throw new ImageDecodeError('unreadable', input, `cannot read file (${code ?? String(err)})`, { cause: err });
  }
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];

// Whether the bytes look cut short: a PNG without its IEND chunk or a JPEG without its EOI marker.
function lacksTrailer(buf: Uint8Array): boolean {
  if (PNG_MAGIC.every((b, i) => buf[i] === b)) {
    const tail = Buffer.from(buf.subarray(Math.max(0, buf.length - 12))).toString('latin1');
    return !tail.includes('IEND');
  }
  if (buf[0] === 0xff && buf[1] === 0xd8) {
    let end = buf.length;
    while (end > 2 && (buf[end - 1] === 0x00 || buf[end - 1] === 0x0a || buf[end - 1] === 0x0d)) end--;
    return !(buf[end - 2] === 0xff && buf[end - 1] === 0xd9);
  }
  return false;
}

function classify(err: unknown, file: string, bytes: Uint8Array | undefined, maxPixels: number): ImageDecodeError {
  const message = err instanceof Error ? err.message : String(err);
  if (/exceeds pixel limit/i.test(message)) {
    return new ImageDecodeError('too-large', file, `image has more than ${maxPixels} pixels`, { cause: err });
  }
  if (/unsupported image format/i.test(message)) {
    return new ImageDecodeError('unsupported', file, 'not an image in a supported format', { cause: err });
  }
  if (/premature end|truncated|corrupt header|end of (file|stream|data)/i.test(message) || (bytes && lacksTrailer(bytes))) {
    return new ImageDecodeError('truncated', file, `image data is cut short (${message})`, { cause: err });
  }
  return new ImageDecodeError('corrupt', file, `cannot decode image (${message})`, { cause: err });
}

function checkMaxPixels(maxPixels: number): void {
  if (!(maxPixels === Infinity || (Number.isInteger(maxPixels) && maxPixels > 0))) {
    throw new RangeError(`maxPixels must be a positive integer or Infinity, got ${maxPixels}`);
  }
}

/**
 * Decodes a JPEG/PNG/WebP/GIF/TIFF/AVIF file path or byte buffer to 8-bit sRGB in one sharp
 * pipeline: EXIF orientation is applied (as OpenCV's `imread` does), grayscale, CMYK, palette and
 * 16-bit inputs are converted to 8-bit sRGB, and any alpha channel is composited over white.
 * Images over `maxPixels` are refused from the header before any pixel is decoded, and truncated
 * files are refused rather than padded. Every failure is an `ImageDecodeError`.
 */
export async function decodeImage(input: Uint8Array | string, options: DecodeOptions = {}): Promise<RgbImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const minSide = options.minSide ?? 1;
  checkMaxPixels(maxPixels);
  if (!Number.isInteger(minSide) || minSide < 1) throw new RangeError(`minSide must be an integer ≥ 1, got ${minSide}`);
  const file = describe(input);
  const bytes = await readInput(input);
  if (bytes.length === 0) throw new ImageDecodeError('empty', file, 'file is empty (0 bytes)');
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await sharp(bytes, {
      failOn: 'truncated',
      limitInputPixels: maxPixels === Infinity ? false : maxPixels,
    })
      .autoOrient()
      .flatten({ background: { r: 255, g: 255, b: 255 } })
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw classify(err, file, bytes, maxPixels);
  }
  const { width, height, channels } = out.info;
  if (channels !== 3 || out.data.length !== width * height * 3) {
    throw new ImageDecodeError('unsupported', file, `decoder produced ${channels} channels, expected 3`);
  }
  if (Math.min(width, height) < minSide) {
    throw new ImageDecodeError('too-small', file, `image is ${width}×${height}, shorter side below ${minSide} px`);
  }
  const d = out.data;
  // A plain Uint8Array (not a Buffer) so that `.slice()` copies as callers expect.
  const data =
    d.byteOffset === 0 && d.buffer.byteLength === d.length ? new Uint8Array(d.buffer, 0, d.length) : new Uint8Array(d);
  return { width, height, data };
}

/**
 * Reads an image's size from its header without decoding pixels; width and height are swapped
 * for EXIF orientations 5-8 so they match what `decodeImage` returns. Failures are `ImageDecodeError`s.
 */
export async function imageSize(input: Uint8Array | string): Promise<ImageSize> {
  const file = describe(input);
  let bytes: Uint8Array | undefined;
  if (typeof input === 'string') {
    try {
      const s = await stat(input);
      if (s.isDirectory()) throw new ImageDecodeError('unsupported', file, 'is a directory');
      if (s.size === 0) throw new ImageDecodeError('empty', file, 'file is empty (0 bytes)');
    } catch (err) {
      if (err instanceof ImageDecodeError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new ImageDecodeError('not-found', file, 'no such file', { cause: err });
      throw new ImageDecodeError('unreadable', file, `cannot read file (${code ?? String(err)})`, { cause: err });
    }
  } else {
    bytes = await readInput(input);
    if (bytes.length === 0) throw new ImageDecodeError('empty', file, 'file is empty (0 bytes)');
  }
  try {
    const meta = await sharp(bytes ?? (input as string), { limitInputPixels: false }).metadata();
    const { width, height } = meta.autoOrient;
    return { width, height, format: meta.format };
  } catch (err) {
    throw classify(err, file, bytes, DEFAULT_MAX_PIXELS);
  }
}

/**
 * Encodes a raster to PNG (zlib level `PNG_COMPRESSION_LEVEL` and no adaptive filtering unless
 * given) or baseline JPEG (4:2:0, optimised Huffman tables), with no metadata, so equal rasters
 * and options give equal bytes.
 */
export async function encodeImage(img: RgbImage, options: EncodeOptions = {}): Promise<Buffer> {
  assertRgb(img);
  const format = options.format ?? 'png';
  const quality = options.quality ?? 90;
  const pipeline = sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });
  if (format === 'png') {
    const compressionLevel = options.compressionLevel ?? PNG_COMPRESSION_LEVEL;
    if (!Number.isInteger(compressionLevel) || compressionLevel < 0 || compressionLevel > 9) {
      throw new RangeError(`PNG compressionLevel must be an integer 0-9, got ${compressionLevel}`);
    }
    const adaptiveFiltering = options.adaptiveFiltering ?? false;
    return pipeline.png({ compressionLevel, adaptiveFiltering, palette: false, progressive: false }).toBuffer();
  }
  if (format === 'jpeg') {
    if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
      throw new RangeError(`JPEG quality must be an integer 1-100, got ${quality}`);
    }
    return pipeline
      .jpeg({ quality, chromaSubsampling: '4:2:0', progressive: false, optimiseCoding: true, mozjpeg: false })
      .toBuffer();
  }
  throw new RangeError(`format must be 'png' or 'jpeg', got ${String(format)}`);
}

/**
 * The version of sharp (the encoder and decoder behind `encodeImage` and `decodeImage`) that this
 * package loaded, e.g. `0.35.5`; its bytes decide a dataset's images. `unknown` when sharp does not
 * report it.
 */
export function sharpVersion(): string {
  const versions = (sharp as unknown as { versions?: Record<string, string | undefined> }).versions;
  return versions?.sharp ?? 'unknown';
}
