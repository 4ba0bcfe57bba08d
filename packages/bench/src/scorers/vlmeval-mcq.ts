import { extractBoxed } from '@spatial-ssrl/rewards';
import { pySplit } from './python-compat.js';

/** Option letter → option text, in A-Z order (VLMEvalKit `build_choices`). */
export type McqChoices = Readonly<Record<string, string>>;

const REJECT_TO_ANSWER = [
  "Sorry, I can't help with images of people yet.",
  "I can't process this file.",
  "I'm sorry, but without the image provided",
  'Cannot determine the answer',
];
const PUNCTUATION = '.()[],:;!*#{}';

function orderedKeys(choices: McqChoices): string[] {
  return Object.keys(choices).sort();
}

/** VLMEvalKit `can_infer_option`: a single option letter standing alone as a token; `Z` for refusals; `null` when undecided. */
export function canInferOption(answer: string, choices: McqChoices): string | null {
  if (answer.includes('Failed to obtain answer via API')) return null;
  for (const err of REJECT_TO_ANSWER) if (answer.includes(err)) return 'Z';
  let mod = answer;
  for (const c of PUNCTUATION) mod = mod.split(c).join(' ');
  const tokens = new Set(pySplit(mod));
  const keys = orderedKeys(choices);
  const present = keys.filter((k) => tokens.has(k));
  if (present.length === 1) return present[0]!;
  if (present.length === 0 && tokens.has('Z')) return 'Z';
  return null;
}

/** VLMEvalKit `can_infer_text`: exactly one option's text occurs (case-insensitive) in the answer; `null` otherwise. */
export function canInferText(answer: string, choices: McqChoices): string | null {
  const lower = answer.toLowerCase();
  const hits = orderedKeys(choices).filter((k) => lower.includes(String(choices[k]).toLowerCase()));
  return hits.length === 1 ? hits[0]! : null;
}

/** VLMEvalKit `can_infer`: option letter first, then option text; `null` when neither decides. */
export function canInfer(answer: string, choices: McqChoices): string | null {
  return canInferOption(answer, choices) ?? canInferText(answer, choices);
}

/**
 * The letter VLMEvalKit's exact-matching evaluation assigns to a response: `can_infer`, and `Z`
 * (always wrong) when it cannot decide, since no LLM judge is used.
 */
export function vlmevalMcqAnswer(response: string, choices: McqChoices): string {
  return canInfer(response, choices) ?? 'Z';
}

/**
 * The last `\boxed{}` content, trimmed, when the response has one, else the whole response (an
 * unclosed box reads `None`). A convenience for benchmarks scored outside VLMEvalKit; VLMEvalKit
 * benchmarks read boxed answers with `qwenPostProcess`, which keeps spaces and unclosed boxes.
 */
export function boxedFirst(response: string): string {
  const boxed = extractBoxed(response);
  return boxed === 'None' && !response.includes('\\boxed{') ? response : boxed;
}
