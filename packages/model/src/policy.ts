import { decodeImage } from '@spatial-ssrl/image';
import { ensureBackend } from './backend.js';
import { loadPolicyModel } from './checkpoint.js';
import { resolveCheckpointDir } from './grpo/grpo-init.js';
import { conditionPrompt } from './conditioning.js';
import { hashKey, hashText } from './counter-rng.js';
import { buildEncoderFeed, type ModelInput } from './feed.js';
import { prepareImage } from './image-features.js';
import type { PolicyModel } from './model.js';
import { sample } from './sampling.js';

/** One image given to a policy, already encoded. */
export interface PolicyImage {
  readonly mime: 'image/png' | 'image/jpeg';
  readonly data: Uint8Array;
}

/** One prompt: text with one `<image>` placeholder per image, in order. `task`/`variant` are optional hints (Spatial-SSRL task samples carry them). */
export interface PolicyRequest {
  readonly id: string;
  readonly prompt: string;
  readonly images: readonly PolicyImage[];
  readonly task?: string;
  readonly variant?: string;
}

/** Sampling settings, always explicit. */
export interface SamplingParams {
  readonly temperature: number;
  readonly topP: number;
  readonly maxTokens: number;
  readonly seed: number;
  readonly n: number;
}

/** One sampled answer and why generation stopped (`stop` or `length`). */
export interface PolicyOutput {
  readonly text: string;
  readonly finishReason: string;
}

/** `outputs.length === sampling.n` on success; `error` set (and outputs empty) when the item failed for good. */
export interface PolicyCompletion {
  readonly id: string;
  readonly outputs: readonly PolicyOutput[];
  readonly error?: string;
}

/** Anything that turns prompts with images into sampled text (the shape `@spatial-ssrl/bench` expects). */
export interface Policy {
  /** Stable model identifier used in cache keys and reports. */
  readonly id: string;
  generate(
    requests: readonly PolicyRequest[],
    sampling: SamplingParams,
    options?: { signal?: AbortSignal; onResult?: (c: PolicyCompletion) => void },
  ): Promise<PolicyCompletion[]>;
}

/** Options of `createPolicy`. */
export interface PolicyOptions {
  /** The policy's id; default `spatial-ssrl-tfjs`. */
  readonly id?: string;
  /** Rows (prompts × samples) decoded together; default 64. */
  readonly batchSize?: number;
}

interface Prepared {
  readonly index: number;
  readonly request: PolicyRequest;
  readonly input: ModelInput;
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('generation aborted', 'AbortError');
}

/**
 * Wraps a model as a `Policy`: images are decoded and resized to the model's input size, the
 * prompt becomes conditioning tokens (see `conditionPrompt`), and `n` answers are sampled per
 * request. Row streams are keyed by request id and sample index, so an answer does not depend
 * on which other requests share the call. `maxTokens` is capped at the model's `maxAnswerTokens`
 * (`finishReason` `length` then). A request that cannot be run (bad image, too many images) gets
 * a completion with `error` and no outputs; the others still run.
 */
export function createPolicy(model: PolicyModel, options: PolicyOptions = {}): Policy {
  const batchSize = options.batchSize ?? 64;
  const config = model.config;
  return {
    id: options.id ?? 'spatial-ssrl-tfjs',
    async generate(requests, sampling, opts = {}) {
      const results: PolicyCompletion[] = new Array(requests.length);
      const finish = (i: number, c: PolicyCompletion): void => {
        results[i] = c;
        opts.onResult?.(c);
      };
      const ready: Prepared[] = [];
      for (let i = 0; i < requests.length; i++) {
        const request = requests[i];
        if (opts.signal?.aborted) throw abortError(opts.signal);
        try {
          if (request.images.length > config.maxImages) {
            throw new Error(`${request.images.length} images, the model takes at most ${config.maxImages}`);
          }
          const images = [];
          for (const img of request.images) images.push(prepareImage(await decodeImage(img.data), config.imageSize));
          const condition = conditionPrompt(request.prompt, {
            task: request.task,
            variant: request.variant,
            imageCount: images.length,
          }).ids;
          if (condition.length > config.maxPromptTokens) throw new Error('prompt conditioning is longer than the model allows');
          ready.push({ index: i, request, input: { images, condition } });
        } catch (err) {
          finish(i, { id: request.id, outputs: [], error: err instanceof Error ? err.message : String(err) });
        }
      }
      const n = sampling.n;
      const perBatch = Math.max(1, Math.floor(batchSize / Math.max(1, n)));
      const groups = new Map<number, Prepared[]>();
      for (const p of ready) {
        const list = groups.get(p.input.images.length) ?? [];
        list.push(p);
        groups.set(p.input.images.length, list);
      }
      for (const key of [...groups.keys()].sort((a, b) => a - b)) {
        const list = groups.get(key)!;
        for (let s = 0; s < list.length; s += perBatch) {
          if (opts.signal?.aborted) throw abortError(opts.signal);
          const chunk = list.slice(s, s + perBatch);
          const feed = buildEncoderFeed(config, chunk.map((p) => p.input));
          const rowKeys = chunk.flatMap((p) => Array.from({ length: n }, (_, j) => hashKey(hashText(p.request.id), j)));
          const out = sample(model, feed, {
            temperature: sampling.temperature,
            topP: sampling.topP,
            maxTokens: sampling.maxTokens,
            seed: sampling.seed,
            samplesPerInput: n,
            rowKeys,
          });
          chunk.forEach((p, r) => {
            const outputs = out.slice(r * n, (r + 1) * n).map((o) => ({ text: o.text, finishReason: o.finishReason }));
            finish(p.index, { id: p.request.id, outputs });
          });
          // Let other work (timers, I/O, abort signals) run between batches.
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      return results;
    },
  };
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
