/** The image placeholder a prompt carries once per image, in image order (EasyR1 / verl style). */
export const IMAGE_PLACEHOLDER = '<image>';

/**
 * The instruction RL training appends to every task prompt (Spatial-SSRL's EasyR1 format
 * prompt), preceded by one space.
 */
export const FORMAT_INSTRUCTION =
  'You FIRST think about the reasoning process as an internal monologue and then provide the final answer. The reasoning process MUST BE enclosed within <think> </think> tags. The final answer MUST BE put in \\boxed{}.';

/** Appends {@link FORMAT_INSTRUCTION} to a prompt, separated by one space. */
export function withFormatInstruction(prompt: string): string {
  return `${prompt} ${FORMAT_INSTRUCTION}`;
}

const PLACEHOLDER_PATTERN = /<image(\d*)>/g;

/** Error for a prompt whose numbered placeholders are not `<image1>`, `<image2>`, … in order. */
export class PromptPlaceholderError extends Error {
  readonly code = 'placeholder-order';
  constructor(message: string) {
    super(message);
    this.name = 'PromptPlaceholderError';
  }
}

/**
 * Counts the image placeholders of a prompt: plain `<image>` and numbered `<imageK>` (the crop
 * task keeps the reference's `<image1>…<image5>`). Numbered ones must run 1, 2, 3… in order,
 * otherwise a {@link PromptPlaceholderError} is thrown.
 */
export function countImagePlaceholders(prompt: string): number {
  let count = 0;
  let numbered = 0;
  for (const m of prompt.matchAll(PLACEHOLDER_PATTERN)) {
    count++;
    if (m[1] === '') continue;
    numbered++;
    if (Number(m[1]) !== count) {
      throw new PromptPlaceholderError(`placeholder <image${m[1]}> is image ${count} of the prompt`);
    }
  }
  if (numbered !== 0 && numbered !== count) {
    throw new PromptPlaceholderError('a prompt mixes <image> and numbered <imageK> placeholders');
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
