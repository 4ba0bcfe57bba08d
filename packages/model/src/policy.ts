import type { Policy } from '@spatial-ssrl/spec';
import { ensureBackend } from './backend.js';
import { loadPolicyModel, resolveCheckpointDir } from './checkpoint.js';
import { createGenerationScheduler } from './generation-scheduler.js';
import type { PolicyModel } from './model.js';
/** Options of `createPolicy`. */
export interface PolicyOptions {
  /** The policy's id; default `spatial-ssrl-tfjs`. */
  readonly id?: string;
  /** Rows (prompts × samples) decoded together; default 64. */
  readonly batchSize?: number;
}

/**
 * Wraps a model as a `Policy`: images are decoded and resized to the model's input size, the
 * prompt becomes conditioning tokens (see `conditionPrompt`), and `n` answers are sampled per
 * request, batched by a {@link createGenerationScheduler} of `batchSize` rows. Row streams are
 * keyed by the request's content (`requestKey`: prompt and image bytes) and sample index, so an
 * answer does not depend on which other requests share the call, and the same question rebuilt
 * from an OpenAI chat message gets the same answer. `maxTokens` is capped at the model's
 * `maxAnswerTokens` (`finishReason` `length` then). A request that cannot be run (bad image, too
 * many images) gets a completion with `error` and no outputs; the others still run.
 */
export function createPolicy(model: PolicyModel, options: PolicyOptions = {}): Policy {
  return createGenerationScheduler(model, { id: options.id, windowMs: 0, maxBatchRows: options.batchSize ?? 64 }).policy;
}

/**
 * Loads a checkpoint directory, or a training run folder holding `checkpoint/`, as a `Policy`
 * (id `checkpoint:<dir>` unless given), starting the fastest backend first when none is running
 * (see `ensureBackend`).
 */
export async function loadPolicy(dir: string, options: PolicyOptions = {}): Promise<Policy & { readonly model: PolicyModel }> {
  await ensureBackend();
  const model = await loadPolicyModel(await resolveCheckpointDir(dir));
  return { ...createPolicy(model, { ...options, id: options.id ?? `checkpoint:${dir}` }), model };
}
