import {
  easyr1RewardInput,
  easyr1RewardRequest,
  easyr1Rewards,
  isOpenRlhfRewardRequest,
  openRlhfRewardRequest,
  RewardError,
  rewardBatch,
  verlScore,
  verlScoreRequest,
  type AnswerGraderName,
  type OpenRlhfRewardRequest,
  type OpenRlhfRewardResponse,
  type RewardBatchOptions,
  type RewardScore,
  type VerlScore,
} from '@spatial-ssrl/rewards';
import { z } from 'zod';
import { HttpError, invalidBody } from '../http/http-error.js';
import type { Route } from '../http/http-server.js';

/** How the reward routes score. */
export interface RewardRouteSettings {
  /** Accuracy grader; `exact` is EasyR1's `img_score`. */
  readonly grader: AnswerGraderName;
  /** Format weight used when a request does not carry one, in [0, 1]. */
  readonly formatWeight: number;
  /** Most items one request may hold; more is a 413. */
  readonly maxBatch: number;
}

const SLICE = 256;

function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (!result.success) throw invalidBody(result.error, body);
  return result.data;
}

function checkBatch(count: number, maxBatch: number, field: string): void {
  if (count > maxBatch) {
    throw new HttpError(413, 'payload_too_large', `${field} holds ${count} items, more than the limit of ${maxBatch} (--max-batch)`, field, 'batch_too_large');
  }
}

/** Scores `count` items in slices, yielding to other requests between slices and stopping when `signal` aborts. */
async function inSlices<T>(count: number, signal: AbortSignal, score: (start: number, end: number) => T[]): Promise<T[]> {
  if (count <= SLICE) return score(0, count);
  const out: T[] = [];
  for (let start = 0; start < count; start += SLICE) {
    if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    if (signal.aborted) throw signal.reason;
    out.push(...score(start, Math.min(count, start + SLICE)));
  }
  return out;
}

function rewardErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof RewardError) throw new HttpError(400, 'invalid_request_error', error.message, null, error.code);
    throw error;
  }
}

/** Scores a large OpenRLHF request slice by slice and joins the parts into one reply. */
async function openRlhfSlices(request: OpenRlhfRewardRequest, base: RewardBatchOptions, signal: AbortSignal): Promise<OpenRlhfRewardResponse> {
  const parts = await inSlices(request.query.length, signal, (start, end) => [
    rewardErrors(() =>
      rewardBatch({ query: request.query.slice(start, end), prompts: request.prompts?.slice(start, end), labels: request.labels.slice(start, end) }, base),
    ),
  ]);
  if (parts.length === 1) return parts[0];
  const rewards = parts.flatMap((p) => p.rewards);
  return {
    rewards,
    scores: rewards.slice(),
    extra_logs: { format: parts.flatMap((p) => p.extra_logs.format), accuracy: parts.flatMap((p) => p.extra_logs.accuracy) },
  };
}

const easyr1Batch = z.array(easyr1RewardInput);
const verlBatch = z.array(verlScoreRequest);

/**
 * The reward routes: `POST /get_reward` (OpenRLHF), `POST /easyr1/reward` (EasyR1 batch, bare
 * array or `{reward_inputs, format_weight}`) and `POST /verl/compute_score` (one call or an array).
 */
export function rewardRoutes(settings: RewardRouteSettings): Route[] {
  const base = { grader: settings.grader, formatWeight: settings.formatWeight };
  const fastBatch = Math.min(SLICE, settings.maxBatch);
  return [
    {
      method: 'POST',
      path: '/get_reward',
      body: 'json',
      summary: 'OpenRLHF remote reward: {query, prompts?, labels} → {rewards, scores, extra_logs}',
      handle(ctx): OpenRlhfRewardResponse | Promise<OpenRlhfRewardResponse> {
        const { body } = ctx;
        // The common case, a valid body of one slice within --max-batch, is checked by hand and scored at once; any
        // other body takes the schema, whose error names the field.
        if (isOpenRlhfRewardRequest(body) && body.query.length <= fastBatch) return rewardErrors(() => rewardBatch(body, base));
        if (Array.isArray((body as { query?: unknown } | null)?.query)) checkBatch((body as { query: unknown[] }).query.length, settings.maxBatch, 'query');
        return openRlhfSlices(parse(openRlhfRewardRequest, body), base, ctx.signal);
      },
    },
    {
      method: 'POST',
      path: '/easyr1/reward',
      body: 'json',
      summary: 'EasyR1 batch reward: [{response, response_length, ground_truth}] or {reward_inputs, format_weight} → [{overall, format, accuracy}]',
      async handle({ body, signal }): Promise<RewardScore[]> {
        const bare = Array.isArray(body);
        const items = bare ? body : (body as { reward_inputs?: unknown } | null)?.reward_inputs;
        if (Array.isArray(items)) checkBatch(items.length, settings.maxBatch, bare ? 'body' : 'reward_inputs');
        const request = bare ? { reward_inputs: parse(easyr1Batch, body) } : parse(easyr1RewardRequest, body);
        const options = { ...base, formatWeight: request.format_weight ?? settings.formatWeight };
        const inputs = request.reward_inputs;
        return inSlices(inputs.length, signal, (start, end) => rewardErrors(() => easyr1Rewards(inputs.slice(start, end), options)));
      },
    },
    {
      method: 'POST',
      path: '/verl/compute_score',
      body: 'json',
      summary: 'verl compute_score: {data_source, solution_str, ground_truth, extra_info?} or an array of them → {score, format, accuracy} or an array',
      async handle({ body, signal }): Promise<VerlScore | VerlScore[]> {
        if (!Array.isArray(body)) return rewardErrors(() => verlScore(parse(verlScoreRequest, body), base));
        checkBatch(body.length, settings.maxBatch, 'body');
        const requests = parse(verlBatch, body);
        return inSlices(requests.length, signal, (start, end) => rewardErrors(() => requests.slice(start, end).map((r) => verlScore(r, base))));
      },
    },
  ];
}
