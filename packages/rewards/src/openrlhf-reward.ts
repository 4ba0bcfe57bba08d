import { z } from 'zod';
import { RewardError } from './reward-error.js';
import type { BatchScoreOptions } from './easyr1-reward.js';
import { scoreResponseWith } from './reward-score.js';

/**
 * The JSON body OpenRLHF's remote reward client POSTs (`--reward.remote_url`, formerly
 * `--remote_rm_url`): `query` = prompt + response decoded with special tokens, `prompts` = the
 * prompt texts (optional: without them each reply is found after the last assistant marker),
 * `labels` = ground-truth answers; string arrays of equal length. Other keys some OpenRLHF
 * versions add (`datasources`, `metadata`…) are accepted and dropped. A length mismatch is
 * reported on the shorter or longer array by name.
 */
export const openRlhfRewardRequest = z
  .object({
    query: z.array(z.string()),
    prompts: z.array(z.string()).optional(),
    labels: z.array(z.string()),
    /** Task id of each item (picks its partial-credit rule); null where unknown. */
    tasks: z.array(z.string().min(1).nullable()).optional(),
    /** Score answers with parts by their task's partial-credit rule (default: the server's setting). */
    partial_credit: z.boolean().optional(),
  })
  .superRefine((body, ctx) => {
    for (const key of ['prompts', 'labels', 'tasks'] as const) {
      const length = body[key]?.length;
      if (length !== undefined && length !== body.query.length) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `query, prompts and labels must have the same length (query has ${body.query.length}, ${key} has ${length})`,
        });
      }
    }
  });

function isStringArray(value: unknown): value is string[] {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== 'string') return false;
  return true;
}

function isTaskArray(value: unknown, length: number): boolean {
  if (!Array.isArray(value) || value.length !== length) return false;
  for (let i = 0; i < value.length; i++) if (value[i] !== null && (typeof value[i] !== 'string' || value[i].length === 0)) return false;
  return true;
}

/**
 * Whether `body` passes {@link openRlhfRewardRequest}, decided without building zod's result:
 * a hand-written check for a server's hot path. It accepts exactly what the schema accepts; run
 * the schema on a rejected body for the error that names the field. Extra keys are not dropped,
 * {@link rewardBatch} reads `query`, `prompts` and `labels` only.
 */
export function isOpenRlhfRewardRequest(body: unknown): body is OpenRlhfRewardRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const { query, prompts, labels } = body as Record<string, unknown>;
  if (!isStringArray(query) || !isStringArray(labels) || labels.length !== query.length) return false;
  const { tasks, partial_credit: partial } = body as Record<string, unknown>;
  if (partial !== undefined && typeof partial !== 'boolean') return false;
  if (tasks !== undefined && !isTaskArray(tasks, query.length)) return false;
  return prompts === undefined || (isStringArray(prompts) && prompts.length === query.length);
}

/** A validated OpenRLHF remote reward request. */
export type OpenRlhfRewardRequest = z.infer<typeof openRlhfRewardRequest>;

/** The reply OpenRLHF expects: `rewards` for the advantage, `scores` for filtering, per-item logs. */
export interface OpenRlhfRewardResponse {
  /** Overall reward per item, in [0, 1]. */
  rewards: number[];
  /** The same numbers; OpenRLHF uses them for dynamic filtering. */
  scores: number[];
  /** Per-item components, averaged into OpenRLHF's logs. */
  extra_logs: { format: number[]; accuracy: number[] };
}

/** Where the assistant's reply starts and ends inside an OpenRLHF `query`. */
export interface ResponseMarkers {
  /** Text after which the reply starts when the prompt is not a prefix; default Qwen/ChatML `<|im_start|>assistant\n`. */
  readonly assistantMarker?: string;
  /** The reply is cut at the first of these; default `<|im_end|>` and `<|endoftext|>` (Qwen end-of-turn and padding). */
  readonly endMarkers?: readonly string[];
}

/** Options of {@link rewardBatch}. */
export interface RewardBatchOptions extends BatchScoreOptions, ResponseMarkers {}

const DEFAULT_ASSISTANT_MARKER = '<|im_start|>assistant\n';
const DEFAULT_END_MARKERS: readonly string[] = ['<|im_end|>', '<|endoftext|>'];
const THINK_OPEN = '<think>';
const THINK_CLOSE = '</think>';

/** The text a chat template put after the prompt's last assistant marker (Qwen3 thinking templates: `<think>\n`), or ''. */
function generationTail(prompt: string, assistantMarker: string): string {
  if (assistantMarker.length === 0) return '';
  const at = prompt.lastIndexOf(assistantMarker);
  return at === -1 ? '' : prompt.slice(at + assistantMarker.length);
}

/** The part of the template's tail that belongs to the reply: an opened, unclosed think block; else nothing. */
function keptTail(tail: string): string {
  const open = tail.lastIndexOf(THINK_OPEN);
  return open !== -1 && open > tail.lastIndexOf(THINK_CLOSE) ? tail : '';
}

/**
 * The assistant's reply inside an OpenRLHF `query` (decoded with special tokens): the text after
 * `prompt` when the query starts with it, else after the query's last `assistantMarker` (a
 * vision prompt decodes with each `<|image_pad|>` expanded, so it is never a prefix), else the
 * whole query; then cut at the first end marker, which drops `<|im_end|>` and any padding after
 * it. What the chat template wrote after the prompt's last assistant marker is the template's,
 * not the model's, and is dropped — except an opened, unclosed `<think>` (the Qwen3-VL
 * Thinking generation prompt `<|im_start|>assistant\n<think>\n`), which starts the reply the
 * model continues and is kept; an empty closed block (`<think>\n\n</think>\n\n`, thinking
 * switched off) is dropped.
 */
export function extractAssistantResponse(query: string, prompt: string, markers: ResponseMarkers = {}): string {
  const assistantMarker = markers.assistantMarker ?? DEFAULT_ASSISTANT_MARKER;
  const endMarkers = markers.endMarkers ?? DEFAULT_END_MARKERS;
  const tail = generationTail(prompt, assistantMarker);
  let response = query;
  if (prompt.length > 0 && query.startsWith(prompt)) {
    response = keptTail(tail) + query.slice(prompt.length);
  } else if (assistantMarker.length > 0) {
    const at = query.lastIndexOf(assistantMarker);
    if (at !== -1) {
      response = query.slice(at + assistantMarker.length);
      if (tail.length > 0 && response.startsWith(tail)) response = keptTail(tail) + response.slice(tail.length);
    }
  }
  let end = response.length;
  for (const marker of endMarkers) {
    if (marker.length === 0) continue;
    const at = response.indexOf(marker);
    if (at !== -1 && at < end) end = at;
  }
  return response.slice(0, end);
}

/**
 * Scores an OpenRLHF remote reward request: each reply is taken out of its query
 * ({@link extractAssistantResponse}, with `prompts[i]` or no prompt) and scored with `labels[i]`
 * by {@link scoreResponseWith} (EasyR1 `img_score` with the default `exact` grader; items with a
 * rule in `options.rules` get that partial credit as accuracy). Pure;
 * throws a {@link RewardError} (`invalid-input`) when the arrays differ in length. Parse HTTP
 * bodies with {@link openRlhfRewardRequest} first.
 */
export function rewardBatch(request: OpenRlhfRewardRequest, options: RewardBatchOptions = {}): OpenRlhfRewardResponse {
  const { query, prompts, labels } = request;
  if ((prompts !== undefined && prompts.length !== query.length) || labels.length !== query.length) {
    throw new RewardError(
      'invalid-input',
      `query, prompts and labels must have the same length (got ${query.length}, ${prompts?.length ?? 'none'}, ${labels.length})`,
    );
  }
  const rewards: number[] = [];
  const format: number[] = [];
  const accuracy: number[] = [];
  for (let i = 0; i < query.length; i++) {
    const response = extractAssistantResponse(query[i], prompts?.[i] ?? '', options);
    const result = scoreResponseWith(response, labels[i], options.rules?.[i] ? { ...options, partialCredit: options.rules[i] } : options);
    rewards.push(result.overall);
    format.push(result.format);
    accuracy.push(result.accuracy);
  }
  return { rewards, scores: rewards.slice(), extra_logs: { format, accuracy } };
}
