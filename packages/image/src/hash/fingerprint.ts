import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { createRgb, type RgbImage } from '../raster.js';
import { hex64, parseHex64 } from './bits.js';
import { grayOf } from './gray.js';
import { localFeatures, type LocalFeatures } from './local-features.js';
import { perceptualHash, type PerceptualHash } from './phash.js';
import { checkThumbnail, colourPlanes, type ColourPlanes } from './verify.js';

/** Format tag of serialised fingerprints. */
const FINGERPRINT_FORMAT = 'spatial-ssrl-fingerprint/1';

/**
 * What the near-duplicate search keeps of an image: its size, the whole-image perceptual hash,
 * local features for finding it inside other images (or others inside it), and a colour
 * thumbnail (longer side 128 px) to check a candidate pixel by pixel.
 */
export interface ImageFingerprint {
  readonly width: number;
  readonly height: number;
  /** 63-bit DCT hash as (low, high) halves; see `perceptualHash`. */
  readonly hashLo: number;
  readonly hashHi: number;
  /** Standard deviation of the 32 × 32 hash thumbnail, 0-1. */
  readonly contrast: number;
  readonly features: LocalFeatures;
  readonly thumbnail: ColourPlanes;
}

/** An image ready to be searched for: its fingerprint, its full-resolution colour planes and its hash's DCT (for turned copies). */
export interface AnalysedImage {
  readonly fingerprint: ImageFingerprint;
  readonly colour: ColourPlanes;
  readonly hash: PerceptualHash;
}

/** Computes the fingerprint of an RGB image (and keeps its colour planes for pixel checks). */
export function analyseImage(img: RgbImage): AnalysedImage {
  const gray = grayOf(img);
  const hash = perceptualHash(gray);
  const colour = colourPlanes(img);
  return {
    colour,
    hash,
    fingerprint: {
      width: gray.width,
      height: gray.height,
      hashLo: hash.lo,
      hashHi: hash.hi,
      contrast: Math.round(hash.contrast * 1e6) / 1e6,
      features: localFeatures(gray),
      thumbnail: checkThumbnail(colour),
    },
  };
}

/** The JSON form of a fingerprint: numbers and base64 strings only. */
export interface FingerprintJson {
  readonly format: typeof FINGERPRINT_FORMAT;
  readonly width: number;
  readonly height: number;
  readonly hash: string;
  readonly contrast: number;
  /** Keypoints as base64 little-endian float32 `x, y, sigma` triples and uint32 code pairs. */
  readonly points: string;
  readonly codes: string;
  readonly thumbWidth: number;
  readonly thumbHeight: number;
  /** Thumbnail as base64 of raw-deflated 8-bit RGB, row-major. */
  readonly thumb: string;
}

function toBase64(view: ArrayBufferView): string {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('base64');
}

function bytesOf(text: string, what: string): Buffer {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text.replace(/\s/g, '')) throw new Error(`${what} is not valid base64`);
  return bytes;
}

/** Serialises a fingerprint (the thumbnail is stored as deflated 8-bit RGB). */
export function fingerprintToJson(fp: ImageFingerprint): FingerprintJson {
  const n = fp.features.x.length;
  const points = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    points[3 * i] = fp.features.x[i]!;
    points[3 * i + 1] = fp.features.y[i]!;
    points[3 * i + 2] = fp.features.sigma[i]!;
  }
  const t = fp.thumbnail;
  const thumb = new Uint8Array(t.width * t.height * 3);
  for (let i = 0; i < t.width * t.height; i++) {
    for (let c = 0; c < 3; c++) thumb[3 * i + c] = Math.round(t.planes[c]![i]! * 255);
  }
  return {
    format: FINGERPRINT_FORMAT,
    width: fp.width,
    height: fp.height,
    hash: hex64(fp.hashLo, fp.hashHi),
    contrast: Math.round(fp.contrast * 1e6) / 1e6,
    points: toBase64(points),
    codes: toBase64(fp.features.codes),
    thumbWidth: fp.thumbnail.width,
    thumbHeight: fp.thumbnail.height,
    thumb: toBase64(deflateRawSync(thumb, { level: 9 })),
  };
}

/** Reads a serialised fingerprint back; a malformed one is an `Error` saying what is wrong. */
export function fingerprintFromJson(json: unknown): ImageFingerprint {
  const j = json as Partial<FingerprintJson> | null;
  const bad = (what: string): never => {
    throw new Error(`not a ${FINGERPRINT_FORMAT} fingerprint: ${what}`);
  };
  if (typeof j !== 'object' || j === null) return bad('not an object');
  if (j.format !== FINGERPRINT_FORMAT) bad(`format is ${JSON.stringify(j.format)}`);
  const positive = (v: unknown, name: string): number => (Number.isInteger(v) && (v as number) > 0 ? (v as number) : bad(`${name} must be a positive integer`));
  const width = positive(j.width, 'width');
  const height = positive(j.height, 'height');
  const hash = parseHex64(String(j.hash)) ?? bad('hash must be 16 hex digits');
  const contrast = typeof j.contrast === 'number' && Number.isFinite(j.contrast) ? j.contrast : bad('contrast must be a number');
  const pointBytes = bytesOf(String(j.points ?? ''), 'points');
  const codeBytes = bytesOf(String(j.codes ?? ''), 'codes');
  if (pointBytes.length % 12 !== 0 || codeBytes.length !== (pointBytes.length / 12) * 8) bad('points and codes do not describe the same keypoints');
  const n = pointBytes.length / 12;
  const points = new Float32Array(new Uint8Array(pointBytes).buffer);
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  const sigma = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = points[3 * i]!;
    y[i] = points[3 * i + 1]!;
    sigma[i] = points[3 * i + 2]!;
  }
  const codes = new Uint32Array(new Uint8Array(codeBytes).buffer);
  const tw = positive(j.thumbWidth, 'thumbWidth');
  const th = positive(j.thumbHeight, 'thumbHeight');
  let thumbBytes: Buffer;
  try {
    thumbBytes = inflateRawSync(bytesOf(String(j.thumb ?? ''), 'thumb'));
  } catch {
    return bad('thumb is not deflated data');
  }
  if (thumbBytes.length !== tw * th * 3) bad(`thumb holds ${thumbBytes.length} bytes for ${tw}×${th} RGB`);
  const planes: [Float32Array, Float32Array, Float32Array] = [new Float32Array(tw * th), new Float32Array(tw * th), new Float32Array(tw * th)];
  for (let i = 0; i < tw * th; i++) for (let c = 0; c < 3; c++) planes[c][i] = thumbBytes[3 * i + c]! / 255;
  return {
    width,
    height,
    hashLo: hash.lo,
    hashHi: hash.hi,
    contrast,
    features: { width, height, x, y, sigma, codes },
    thumbnail: { width: tw, height: th, planes },
  };
}

/** The fingerprint's colour thumbnail (longer side 128 px at most) as an 8-bit RGB raster, e.g. for reports. */
export function fingerprintThumbnail(fp: ImageFingerprint): RgbImage {
  const t = fp.thumbnail;
  const out = createRgb(t.width, t.height);
  for (let i = 0; i < t.width * t.height; i++) {
    for (let c = 0; c < 3; c++) out.data[3 * i + c] = Math.round(t.planes[c]![i]! * 255);
  }
  return out;
}
