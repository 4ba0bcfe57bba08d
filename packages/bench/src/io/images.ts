import { readFile } from 'node:fs/promises';
import { decodeImage, encodeImage, resizeBilinear } from '@spatial-ssrl/image';
import { BenchError } from '../errors.js';
import type { PolicyImage } from '@spatial-ssrl/spec';

/** The container format of encoded image bytes from their magic number, when it is one a policy accepts. */
function sniffMime(bytes: Uint8Array): PolicyImage['mime'] | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return null;
}

/** Wraps encoded bytes as a policy image, re-encoding other formats (WebP, GIF, …) losslessly to PNG. */
export async function toPolicyImage(bytes: Uint8Array): Promise<PolicyImage> {
  const mime = sniffMime(bytes);
  if (mime) return { mime, data: bytes };
  const raster = await decodeImage(bytes);
  return { mime: 'image/png', data: new Uint8Array(await encodeImage(raster, { format: 'png' })) };
}

/** Reads an image file as a policy image; a missing file is a clear `MISSING_FILE` error naming it. */
export async function readImageFile(path: string): Promise<PolicyImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BenchError('MISSING_FILE', `image not found: ${path}`, { cause: err });
    throw err;
  }
  return toPolicyImage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** Decodes a base64 image cell (VLMEvalKit TSVs) into a policy image. */
export async function imageFromBase64(b64: string): Promise<PolicyImage> {
  const buf = Buffer.from(b64.trim(), 'base64');
  if (buf.length === 0) throw new BenchError('BAD_DATA', 'empty base64 image');
  return toPolicyImage(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
}

/** Resizes an image to exactly `width × height` px (bilinear) and returns it as PNG. */
export async function resizePolicyImage(image: PolicyImage, width: number, height: number): Promise<PolicyImage> {
  const raster = await decodeImage(image.data);
  if (raster.width === width && raster.height === height) return image;
  const resized = resizeBilinear(raster, width, height);
  return { mime: 'image/png', data: new Uint8Array(await encodeImage(resized, { format: 'png' })) };
}
