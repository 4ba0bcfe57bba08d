import { decodeImage, encodeImage } from '@spatial-ssrl/image';
import { BenchError } from './errors.js';
import type { PolicyImage } from './policy.js';

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

/**
 * Splits a prompt at its image placeholders into OpenAI content parts. `<image>` takes the next
 * image in order; `<imageK>` (the crop task's numbered form) takes image K. A prompt without
 * placeholders gets its images first. Every image must be used exactly once.
 */
export function splitPrompt(prompt: string, imageCount: number): ({ text: string } | { image: number })[] {
  const parts: ({ text: string } | { image: number })[] = [];
  const used = new Set<number>();
  let next = 0;
  let last = 0;
  let placeholders = 0;
  for (const m of prompt.matchAll(/<image(\d*)>/g)) {
    placeholders++;
    if (m.index > last) parts.push({ text: prompt.slice(last, m.index) });
    const k = m[1] ? Number(m[1]) - 1 : next++;
    if (k < 0 || k >= imageCount) throw new BenchError('POLICY_INPUT', `prompt refers to image ${k + 1} but the request has ${imageCount} images`);
    if (used.has(k)) throw new BenchError('POLICY_INPUT', `prompt uses image ${k + 1} twice`);
    used.add(k);
    parts.push({ image: k });
    last = m.index + m[0].length;
  }
  if (last < prompt.length) parts.push({ text: prompt.slice(last) });
  if (placeholders === 0) return [...Array.from({ length: imageCount }, (_, i) => ({ image: i })), ...parts];
  if (used.size !== imageCount) throw new BenchError('POLICY_INPUT', `prompt has ${placeholders} image placeholders but the request has ${imageCount} images`);
  return parts;
}

/** Builds the user message content for a request: text and image parts in placeholder order. */
export async function buildChatContent(prompt: string, images: readonly PolicyImage[], format: ImageWireFormat = 'original'): Promise<ChatContentPart[]> {
  const parts = splitPrompt(prompt, images.length);
  const urls = await Promise.all(images.map((img) => imageDataUrl(img, format)));
  return parts.map((p) => ('text' in p ? { type: 'text', text: p.text } : { type: 'image_url', image_url: { url: urls[p.image]! } }));
}
