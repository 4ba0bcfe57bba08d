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
