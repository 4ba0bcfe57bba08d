/**
 * The chain-of-thought instruction the Spatial-SSRL evaluation appends to benchmark prompts
 * (also the RL format suffix used in training, there preceded by one space).
 */
export const COT_SUFFIX =
  'You FIRST think about the reasoning process as an internal monologue and then provide the final answer. The reasoning process MUST BE enclosed within <think> </think> tags. The final answer MUST BE put in \\boxed{}.';

/** The image placeholder every `PolicyRequest.prompt` uses, once per image. */
export const IMAGE_PLACEHOLDER = '<image>';

/** `count` image placeholders in a row, for benchmarks whose images precede the text. */
export function imagePlaceholders(count: number): string {
  return IMAGE_PLACEHOLDER.repeat(count);
}

/** What the Spatial-SSRL VLMEvalKit copy sends instead of the CoT suffix in a text part that mentions LaTeX (OCRBench's formula items). */
export const VLMEVAL_DIRECT_ANSWER = 'Please directly give the answer.';

/**
 * One text part of a VLMEvalKit prompt as the Spatial-SSRL copy of VLMEvalKit sends it: with
 * `cot` the suffix is appended to every text part of the message (a part that then mentions
 * `LaTeX` gets {@link VLMEVAL_DIRECT_ANSWER} instead).
 */
export function vlmevalTextPart(text: string, cot: boolean): string {
  if (!cot) return text;
  const t = text + COT_SUFFIX;
  return t.includes('LaTeX') ? t.split(COT_SUFFIX).join(VLMEVAL_DIRECT_ANSWER) : t;
}
