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
  type PartialCreditRule,
  type OpenRlhfRewardResponse,
  type RewardBatchOptions,
  type RewardScore,
  type VerlScore,
  type VerlScoreRequest,
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
  /** Score answers with parts by their task's partial-credit rule when a request does not say (default false: exact match). */
  readonly partialCredit?: boolean;
  /**
   * The partial-credit rule of a task id: null for a task without one, undefined for an id the
   * server does not know (a 400 when partial credit is on).
   */
  readonly ruleOf?: (task: string) => PartialCreditRule | null | undefined;
}

type Rules = (PartialCreditRule | null)[];

/**
 * The rule of each item when partial credit is on (the request's `partial_credit`, else the
 * server's setting), from the task each item names; undefined when off. An item without a task
 * keeps exact match; a task the server does not know is a 400 naming the field.
 */
function rulesFor(settings: RewardRouteSettings, requested: boolean | undefined, tasks: readonly (string | null | undefined)[], field: (i: number) => string): Rules | undefined {
  if (!(requested ?? settings.partialCredit ?? false)) return undefined;
  const cache = new Map<string, PartialCreditRule | null>();
  return tasks.map((task, i) => {
    if (task === null || task === undefined) return null;
    let rule = cache.get(task);
    if (rule === undefined && !cache.has(task)) {
      const found = settings.ruleOf?.(task);
      if (found === undefined) {
        throw new HttpError(400, 'invalid_request_error', `${field(i)}: unknown task ${JSON.stringify(task)}; partial credit needs a task this server knows (add it with --plugin)`, field(i), 'unknown_task');
      }
      rule = found;
      cache.set(task, rule);
    }
    return rule ?? null;
  });
}

function extraTask(extra: Record<string, unknown> | null | undefined): string | undefined {
  const task = extra?.task;
  return typeof task === 'string' && task.length > 0 ? task : undefined;
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
      rewardBatch(
        { query: request.query.slice(start, end), prompts: request.prompts?.slice(start, end), labels: request.labels.slice(start, end) },
        { ...base, rules: base.rules?.slice(start, end) },
      ),
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
 * Partial credit (off by default: EasyR1's exact match) is switched by `settings.partialCredit`
 * or a request's `partial_credit`; each item's task comes from OpenRLHF's `tasks`, an EasyR1
 * input's `task` or verl's `extra_info.task`.
 */
export function rewardRoutes(settings: RewardRouteSettings): Route[] {
  const base = { grader: settings.grader, formatWeight: settings.formatWeight };
  const fastBatch = Math.min(SLICE, settings.maxBatch);
  const openRlhfOptions = (request: OpenRlhfRewardRequest): RewardBatchOptions => ({
    ...base,
    rules: rulesFor(settings, request.partial_credit, request.tasks ?? [], (i) => `tasks[${i}]`),
  });
  return [
    {
      method: 'POST',
      path: '/get_reward',
      body: 'json',
      summary: 'OpenRLHF remote reward: {query, prompts?, labels, tasks?, partial_credit?} → {rewards, scores, extra_logs}',
      handle(ctx): OpenRlhfRewardResponse | Promise<OpenRlhfRewardResponse> {
        const { body } = ctx;
        // The common case, a valid body of one slice within --max-batch, is checked by hand and scored at once; any
        // other body takes the schema, whose error names the field.
        if (isOpenRlhfRewardRequest(body) && body.query.length <= fastBatch) return rewardErrors(() => rewardBatch(body, openRlhfOptions(body)));
        if (Array.isArray((body as { query?: unknown } | null)?.query)) checkBatch((body as { query: unknown[] }).query.length, settings.maxBatch, 'query');
        const request = parse(openRlhfRewardRequest, body);
        return openRlhfSlices(request, openRlhfOptions(request), ctx.signal);
      },
    },
    {
      method: 'POST',
      path: '/easyr1/reward',
      body: 'json',
      summary: 'EasyR1 batch reward: [{response, response_length, ground_truth, task?}] or {reward_inputs, format_weight?, partial_credit?} → [{overall, format, accuracy}]',
      async handle({ body, signal }): Promise<RewardScore[]> {
        const bare = Array.isArray(body);
        const items = bare ? body : (body as { reward_inputs?: unknown } | null)?.reward_inputs;
        if (Array.isArray(items)) checkBatch(items.length, settings.maxBatch, bare ? 'body' : 'reward_inputs');
        const request = bare ? { reward_inputs: parse(easyr1Batch, body) } : parse(easyr1RewardRequest, body);
        const inputs = request.reward_inputs;
        const partial = bare ? undefined : (request as { partial_credit?: boolean }).partial_credit;
        const rules = rulesFor(settings, partial, inputs.map((i) => i.task), (i) => `${bare ? 'body' : 'reward_inputs'}[${i}].task`);
        const options = { ...base, formatWeight: request.format_weight ?? settings.formatWeight };
        return inSlices(inputs.length, signal, (start, end) => rewardErrors(() => easyr1Rewards(inputs.slice(start, end), { ...options, rules: rules?.slice(start, end) })));
      },
    },
    {
      method: 'POST',
      path: '/verl/compute_score',
      body: 'json',
      summary: 'verl compute_score: {data_source, solution_str, ground_truth, extra_info?, partial_credit?} or an array of them → {score, format, accuracy} or an array',
      async handle({ body, signal }): Promise<VerlScore | VerlScore[]> {
        const score = (r: VerlScoreRequest, field: string): VerlScore => {
          const [rule] = rulesFor(settings, r.partial_credit, [extraTask(r.extra_info)], () => `${field}extra_info.task`) ?? [null];
          return verlScore(r, { ...base, partialCredit: rule });
        };
        if (!Array.isArray(body)) {
          const request = parse(verlScoreRequest, body);
          return rewardErrors(() => score(request, ''));
        }
        checkBatch(body.length, settings.maxBatch, 'body');
        const requests = parse(verlBatch, body);
        return inSlices(requests.length, signal, (start, end) => rewardErrors(() => requests.slice(start, end).map((r, k) => score(r, `[${start + k}].`))));
      },
    },
  ];
}
