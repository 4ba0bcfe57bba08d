import { FORMAT_INSTRUCTION } from '@spatial-ssrl/spec';

/** What the Spatial-SSRL VLMEvalKit copy sends instead of the CoT suffix in a text part that mentions LaTeX (OCRBench's formula items). */
const VLMEVAL_DIRECT_ANSWER = 'Please directly give the answer.';

/**
 * One text part of a VLMEvalKit prompt as the Spatial-SSRL copy of VLMEvalKit sends it: with
 * `cot` the format instruction is appended to every text part of the message (a part that then
 * mentions `LaTeX` gets {@link VLMEVAL_DIRECT_ANSWER} instead).
 */
export function vlmevalTextPart(text: string, cot: boolean): string {
  if (!cot) return text;
  const t = text + FORMAT_INSTRUCTION;
  return t.includes('LaTeX') ? t.split(FORMAT_INSTRUCTION).join(VLMEVAL_DIRECT_ANSWER) : t;
}
