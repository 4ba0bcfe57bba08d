import { FORMAT_INSTRUCTION, IMAGE_PLACEHOLDER, countImagePlaceholders, plainImagePlaceholders } from '@spatial-ssrl/spec';

/** Whether a prompt uses numbered `<imageK>` placeholders (which trainers do not read). */
function hasNumberedPlaceholders(prompt: string): boolean {
  return /<image\d+>/.test(prompt);
}

/** The prompt as trainers read it: numbered `<imageK>` placeholders rewritten as plain `<image>`. */
export function trainerPrompt(prompt: string): string {
  return plainImagePlaceholders(prompt);
}

/** Plain `<image>` placeholders in a trainer prompt (EasyR1, verl and TRL split on this exact text). */
export function countPlainPlaceholders(prompt: string): number {
  return prompt.split(IMAGE_PLACEHOLDER).length - 1;
}

/** Rewrites the plain placeholders of a prompt as `<image1>`, `<image2>`, … in order. */
export function numberPlaceholders(prompt: string): string {
  let k = 0;
  return prompt.replaceAll(IMAGE_PLACEHOLDER, () => `<image${++k}>`);
}

/** A prompt with the RL format instruction appended, as verl, TRL and LLaMA-Factory rows carry it. */
export function withInstruction(prompt: string): string {
  return `${prompt} ${FORMAT_INSTRUCTION}`;
}

/** Removes a trailing RL format instruction (and the whitespace before it); other prompts are returned as they are. */
export function stripInstruction(prompt: string): string {
  const trimmed = prompt.trimEnd();
  if (!trimmed.endsWith(FORMAT_INSTRUCTION)) return prompt;
  return trimmed.slice(0, trimmed.length - FORMAT_INSTRUCTION.length).trimEnd();
}

/** One part of a conversational message: an image slot or a piece of text. */
export type ContentPart = { readonly type: 'image'; readonly text: null } | { readonly type: 'text'; readonly text: string };

/** Splits a trainer prompt on its `<image>` placeholders into image and text parts, in order (empty text dropped). */
export function contentParts(prompt: string): ContentPart[] {
  const parts: ContentPart[] = [];
  prompt.split(IMAGE_PLACEHOLDER).forEach((piece, i) => {
    if (i > 0) parts.push({ type: 'image', text: null });
    if (piece.length > 0) parts.push({ type: 'text', text: piece });
  });
  return parts;
}

/** Placeholders of a dataset prompt in the project's own sense (plain or numbered); throws on misnumbered ones. */
function datasetPlaceholders(prompt: string): number {
  return countImagePlaceholders(prompt);
}
