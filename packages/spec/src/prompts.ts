import { SsrlError } from './errors.js';

/**
 * The instruction RL training appends to every task prompt (Spatial-SSRL's EasyR1 format prompt,
 * preceded by one space), also the chain-of-thought suffix of benchmark prompts.
 */
export const FORMAT_INSTRUCTION =
  'You FIRST think about the reasoning process as an internal monologue and then provide the final answer. The reasoning process MUST BE enclosed within <think> </think> tags. The final answer MUST BE put in \\boxed{}.';

/** Appends {@link FORMAT_INSTRUCTION} to a prompt, separated by one space. */
export function withFormatInstruction(prompt: string): string {
  return `${prompt} ${FORMAT_INSTRUCTION}`;
}

/** The image placeholder a prompt carries once per image, in image order (EasyR1 / verl style). */
export const IMAGE_PLACEHOLDER = '<image>';

/** `count` plain image placeholders in a row, for prompts whose images precede the text. */
export function imagePlaceholders(count: number): string {
  return IMAGE_PLACEHOLDER.repeat(count);
}

const PLACEHOLDER_PATTERN = /<image(\d*)>/g;

/** Machine codes of {@link PromptPlaceholderError}. */
export type PromptPlaceholderErrorCode = 'placeholder-order' | 'placeholder-count';

/** A prompt whose image placeholders do not match its images: numbered ones out of order, mixed forms, or a count that differs. */
export class PromptPlaceholderError extends SsrlError<PromptPlaceholderErrorCode> {}

/**
 * Counts the image placeholders of a prompt: plain `<image>` and numbered `<imageK>` (the crop
 * task keeps the reference's `<image1>…<image5>`). Numbered ones must run 1, 2, 3… in order and
 * may not be mixed with plain ones, otherwise a {@link PromptPlaceholderError} is thrown.
 */
export function countImagePlaceholders(prompt: string): number {
  let count = 0;
  let numbered = 0;
  for (const m of prompt.matchAll(PLACEHOLDER_PATTERN)) {
    count++;
    if (m[1] === '') continue;
    numbered++;
    if (Number(m[1]) !== count) {
      throw new PromptPlaceholderError('placeholder-order', `placeholder <image${m[1]}> is image ${count} of the prompt`);
    }
  }
  if (numbered !== 0 && numbered !== count) {
    throw new PromptPlaceholderError('placeholder-order', 'a prompt mixes <image> and numbered <imageK> placeholders');
  }
  return count;
}

/**
 * The words of a prompt, for recognising which task wrote it: a trailing RL format
 * instruction and every image placeholder removed, runs of whitespace collapsed to one space,
 * and the ends trimmed.
 */
export function promptWords(prompt: string): string {
  let text = prompt.trimEnd();
  if (text.endsWith(FORMAT_INSTRUCTION)) text = text.slice(0, text.length - FORMAT_INSTRUCTION.length);
  return text.replace(PLACEHOLDER_PATTERN, ' ').replace(/\s+/g, ' ').trim();
}

/** Rewrites numbered `<imageK>` placeholders as plain `<image>`, for trainers that need the plain form. */
export function plainImagePlaceholders(prompt: string): string {
  countImagePlaceholders(prompt);
  return prompt.replace(PLACEHOLDER_PATTERN, IMAGE_PLACEHOLDER);
}

/** One piece of a prompt split at its placeholders: text, or the 0-based index of an image. */
export type PromptPart = { readonly text: string } | { readonly image: number };

/**
 * Splits a prompt at its image placeholders: `<image>` takes the next image in order, `<imageK>`
 * takes image K. A prompt without placeholders gets its images first. Every image must be used
 * exactly once, otherwise a {@link PromptPlaceholderError} (`placeholder-count`) is thrown.
 */
export function splitAtImagePlaceholders(prompt: string, imageCount: number): PromptPart[] {
  const parts: PromptPart[] = [];
  const used = new Set<number>();
  let next = 0;
  let last = 0;
  let placeholders = 0;
  for (const m of prompt.matchAll(PLACEHOLDER_PATTERN)) {
    placeholders++;
    if (m.index > last) parts.push({ text: prompt.slice(last, m.index) });
    const k = m[1] ? Number(m[1]) - 1 : next++;
    if (k < 0 || k >= imageCount) throw new PromptPlaceholderError('placeholder-count', `prompt refers to image ${k + 1} but the request has ${imageCount} images`);
    if (used.has(k)) throw new PromptPlaceholderError('placeholder-count', `prompt uses image ${k + 1} twice`);
    used.add(k);
    parts.push({ image: k });
    last = m.index + m[0].length;
  }
  if (last < prompt.length) parts.push({ text: prompt.slice(last) });
  if (placeholders === 0) return [...Array.from({ length: imageCount }, (_, i) => ({ image: i })), ...parts];
  if (used.size !== imageCount) {
    throw new PromptPlaceholderError('placeholder-count', `prompt has ${placeholders} image placeholders but the request has ${imageCount} images`);
  }
  return parts;
}
