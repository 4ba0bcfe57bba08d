import { decodeImage, encodeImage } from '@spatial-ssrl/image';
import { BenchError } from './errors.js';
import { splitAtImagePlaceholders, type PolicyImage } from '@spatial-ssrl/spec';

/** One part of an OpenAI chat message's content. */
export type ChatContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

/** How images travel to the server: as given (`original`), or re-encoded losslessly to PNG or as JPEG q95 — never resized. */
export type ImageWireFormat = 'original' | 'png' | 'jpeg';

/** Encodes an image as a `data:` URL in the requested wire format. */
export async function imageDataUrl(image: PolicyImage, format: ImageWireFormat = 'original'): Promise<string> {
  let mime = image.mime;
  let bytes = image.data;
  const want = format === 'png' ? 'image/png' : format === 'jpeg' ? 'image/jpeg' : mime;
  if (want !== mime) {
    const raster = await decodeImage(bytes);
    bytes = new Uint8Array(await encodeImage(raster, format === 'png' ? { format: 'png' } : { format: 'jpeg', quality: 95 }));
    mime = want;
  }
  return `data:${mime};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`;
}

/** Builds the user message content for a request: text and image parts in placeholder order. */
export async function buildChatContent(prompt: string, images: readonly PolicyImage[], format: ImageWireFormat = 'original'): Promise<ChatContentPart[]> {
  let parts;
  try {
    parts = splitAtImagePlaceholders(prompt, images.length);
  } catch (err) {
    throw new BenchError('POLICY_INPUT', (err as Error).message, { cause: err });
  }
  const urls = await Promise.all(images.map((img) => imageDataUrl(img, format)));
  return parts.map((p) => ('text' in p ? { type: 'text', text: p.text } : { type: 'image_url', image_url: { url: urls[p.image]! } }));
}
