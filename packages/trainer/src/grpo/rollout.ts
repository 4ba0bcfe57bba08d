import { scoreResponseWith, type PartialCreditRule, type RewardScore } from '@spatial-ssrl/rewards';
import { ModelError, sample, type ModelConfig, type PolicyModel } from '@spatial-ssrl/model';
import { buildEncoderFeed } from '@spatial-ssrl/model/training';
import type { TrainExample } from '../sft/batching.js';
import { cachedImage, type ImageCache } from '../sft/dataset.js';
import type { GrpoSettings } from './grpo-options.js';

/** One sampled response of a rollout batch, with the log-probabilities it was sampled with and its reward. */
export interface Rollout {
  /** Position of the prompt in the step's batch: the group id shared by its `groupSize` responses. */
  readonly group: number;
  /** Index of the response within its group (0 to groupSize − 1). */
  readonly sample: number;
  readonly example: TrainExample;
  /** Generated token ids, EOS included when generation stopped on it. */
  readonly tokens: readonly number[];
  /** Log-probability of each token under the sampling policy at temperature 1 (the "old" policy). */
  readonly logProbs: readonly number[];
  readonly text: string;
  readonly finishReason: 'stop' | 'length';
  /** EasyR1 `img_score`: overall, accuracy, format, each in [0, 1]. */
  readonly reward: RewardScore;
}

/** What `collectRollouts` needs to know besides the model and prompts. */
export type RolloutSettings = Pick<GrpoSettings, 'groupSize' | 'temperature' | 'topP' | 'grader' | 'formatWeight'> &
  Partial<Pick<GrpoSettings, 'overlongBuffer' | 'overlongPenalty'>> & {
  /** Most tokens per response. */
  readonly maxTokens: number;
  /**
   * Partial-credit rule by task id, for runs with partial credit on: a response to a prompt of a
   * task listed here is scored by the rule; other tasks (and every task when absent) by `grader`.
   */
  readonly partialCredit?: Readonly<Record<string, PartialCreditRule>>;
  /** Seed of this step's sampling streams. */
  readonly seed: number;
  /** Most rows (prompts × groupSize) sampled in one call; default 160. */
  readonly maxRows?: number;
  /**
   * Group id of each prompt (default: its position), which also keys its responses' random
   * streams: a subset of a step's prompts sampled with their ids gives exactly the responses the
   * whole batch gives them.
   */
  readonly groupIds?: readonly number[];
};

/**
 * DAPO's soft overlong punishment: 0 for a response of at most `maxTokens − buffer` tokens, then
 * falling linearly to `−penalty` at `maxTokens` (0 when `buffer` is 0).
 */
export function overlongPenalty(length: number, maxTokens: number, buffer: number, penalty: number): number {
  if (buffer <= 0) return 0;
  const over = length - (maxTokens - buffer);
  return over <= 0 ? 0 : -penalty * Math.min(1, over / buffer);
}

/**
 * Samples `groupSize` responses to each prompt and scores them (the `img_score` reward, plus the
 * overlong penalty in `overall` when `overlongBuffer` is set). Prompts are decoded in
 * batches of equal image count (no padded image slots); each response's random stream is keyed
 * by `(seed, group, sample)`, so the responses do not depend on how prompts are batched. Output
 * is ordered by prompt, then sample.
 */
export function collectRollouts(
  model: PolicyModel,
  config: ModelConfig,
  prompts: readonly TrainExample[],
  cache: ImageCache,
  settings: RolloutSettings,
): Rollout[] {
  const n = settings.groupSize;
  const ids = settings.groupIds ?? prompts.map((_, k) => k);
  if (ids.length !== prompts.length) throw new ModelError('bad-input', `groupIds has ${ids.length} ids for ${prompts.length} prompts`);
  const byImages = new Map<number, number[]>();
  prompts.forEach((e, k) => {
    const list = byImages.get(e.record.images.length) ?? [];
    list.push(k);
    byImages.set(e.record.images.length, list);
  });
  const perCall = Math.max(1, Math.floor((settings.maxRows ?? 160) / n));
  const out: Rollout[] = new Array(prompts.length * n);
  for (const key of [...byImages.keys()].sort((a, b) => a - b)) {
    const groups = byImages.get(key)!;
    for (let i = 0; i < groups.length; i += perCall) {
      const chunk = groups.slice(i, i + perCall);
      const feed = buildEncoderFeed(
        config,
        chunk.map((k) => ({ images: prompts[k].record.images.map((p) => cachedImage(cache, p)), condition: prompts[k].condition })),
      );
      const seqs = sample(model, feed, {
        temperature: settings.temperature,
        topP: settings.topP,
        maxTokens: settings.maxTokens,
        seed: settings.seed,
        samplesPerInput: n,
        rowKeys: chunk.flatMap((k) => Array.from({ length: n }, (_, j) => ids[k] * n + j)),
      });
      chunk.forEach((k, c) => {
        const example = prompts[k];
        for (let j = 0; j < n; j++) {
          const s = seqs[c * n + j];
          out[k * n + j] = {
            group: ids[k],
            sample: j,
            example,
            tokens: s.tokens,
            logProbs: s.logProbs,
            text: s.text,
            finishReason: s.finishReason,
            reward: shaped(rolloutReward(s.text, example.record, settings), s.tokens.length, settings),
          };
        }
      });
    }
  }
  return out;
}

/**
 * The `img_score` reward of one response to `record` (its answer and task): accuracy by the
 * task's partial-credit rule when `settings.partialCredit` holds one, else by `settings.grader`.
 */
export function rolloutReward(
  text: string,
  record: { readonly answer: string; readonly task: string },
  settings: Pick<RolloutSettings, 'grader' | 'formatWeight' | 'partialCredit'>,
): RewardScore {
  const rules = settings.partialCredit;
  const rule = rules && Object.hasOwn(rules, record.task) ? rules[record.task] : null;
  return scoreResponseWith(text, record.answer, { grader: settings.grader, formatWeight: settings.formatWeight, partialCredit: rule });
}

function shaped(score: RewardScore, length: number, settings: RolloutSettings): RewardScore {
  const penalty = overlongPenalty(length, settings.maxTokens, settings.overlongBuffer ?? 0, settings.overlongPenalty ?? 1);
  return penalty === 0 ? score : { ...score, overall: score.overall + penalty };
}
