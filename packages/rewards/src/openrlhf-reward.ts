import { z } from 'zod';
import { RewardError } from './reward-error.js';
import { scoreResponseWith, type ScoreWithOptions } from './reward-score.js';

/**
 * The JSON body OpenRLHF's remote reward client POSTs (`--reward.remote_url`, formerly
 * `--remote_rm_url`): `query` = prompt + response decoded with special tokens, `prompts` = the
 * prompt texts, `labels` = ground-truth answers; three string arrays of equal length. Other keys
 * some OpenRLHF versions add (`datasources`, `metadata`…) are accepted and dropped.
 */
export const openRlhfRewardRequest = z
  .object({
    query: z.array(z.string()),
    prompts: z.array(z.string()),
    labels: z.array(z.string()),
  })
  .refine((body) => body.prompts.length === body.query.length && body.labels.length === body.query.length, {
    message: 'query, prompts and labels must have the same length',
  });

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
export interface RewardBatchOptions extends ScoreWithOptions, ResponseMarkers {}

const DEFAULT_ASSISTANT_MARKER = '<|im_start|>assistant\n';
const DEFAULT_END_MARKERS: readonly string[] = ['<|im_end|>', '<|endoftext|>'];

/**
 * The assistant's reply inside an OpenRLHF `query`: the text after `prompt` when the query starts
 * with it, else after the last `assistantMarker`, else the whole query; then cut at the first end
 * marker, which drops `<|im_end|>` and any padding decoded after it.
 */
export function extractAssistantResponse(query: string, prompt: string, markers: ResponseMarkers = {}): string {
  const assistantMarker = markers.assistantMarker ?? DEFAULT_ASSISTANT_MARKER;
  const endMarkers = markers.endMarkers ?? DEFAULT_END_MARKERS;
  let response = query;
  if (prompt.length > 0 && query.startsWith(prompt)) {
    response = query.slice(prompt.length);
  } else if (assistantMarker.length > 0) {
    const at = query.lastIndexOf(assistantMarker);
    if (at !== -1) response = query.slice(at + assistantMarker.length);
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
 * ({@link extractAssistantResponse}) and scored with `labels[i]` by {@link scoreResponseWith}
 * (EasyR1 `img_score` with the default `exact` grader). Pure; throws a {@link RewardError}
 * (`invalid-input`) when the arrays differ in length. Parse HTTP bodies with
 * {@link openRlhfRewardRequest} first.
 */
export function rewardBatch(request: OpenRlhfRewardRequest, options: RewardBatchOptions = {}): OpenRlhfRewardResponse {
  const { query, prompts, labels } = request;
  if (prompts.length !== query.length || labels.length !== query.length) {
    throw new RewardError(
      'invalid-input',
      `query, prompts and labels must have the same length (got ${query.length}, ${prompts.length}, ${labels.length})`,
    );
  }
  const rewards: number[] = [];
  const format: number[] = [];
  const accuracy: number[] = [];
  for (let i = 0; i < query.length; i++) {
    const response = extractAssistantResponse(query[i], prompts[i], options);
    const result = scoreResponseWith(response, labels[i], options);
    rewards.push(result.overall);
    format.push(result.format);
    accuracy.push(result.accuracy);
  }
  return { rewards, scores: rewards.slice(), extra_logs: { format, accuracy } };
}
