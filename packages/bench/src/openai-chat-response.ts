/** What every object of one chat completion shares. */
export interface ChatCompletionMeta {
  /** `chatcmpl-…`. */
  readonly id: string;
  /** Unix time in seconds. */
  readonly created: number;
  readonly model: string;
  /** Identifies the weights and serving code, so a client can tell when a seed may give another answer. */
  readonly systemFingerprint: string;
}

/** One finished choice: its text, why it ended, and how many tokens it took. */
export interface ChatChoiceResult {
  readonly text: string;
  readonly finishReason: string;
  readonly tokens: number;
}

/** Token counts in OpenAI's `usage` shape. */
export interface ChatUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
}

/** The `usage` of a completion: prompt tokens once, completion tokens summed over the choices. */
export function chatUsage(promptTokens: number, choices: readonly { readonly tokens: number }[]): ChatUsage {
  const completion = choices.reduce((n, c) => n + c.tokens, 0);
  return { prompt_tokens: promptTokens, completion_tokens: completion, total_tokens: promptTokens + completion };
}

/** A `chat.completion` object as OpenAI's API returns it. */
export function chatCompletion(meta: ChatCompletionMeta, choices: readonly ChatChoiceResult[], promptTokens: number) {
  return {
    id: meta.id,
    object: 'chat.completion' as const,
    created: meta.created,
    model: meta.model,
    system_fingerprint: meta.systemFingerprint,
    choices: choices.map((c, index) => ({
      index,
      message: { role: 'assistant' as const, content: c.text, refusal: null },
      logprobs: null,
      finish_reason: c.finishReason,
    })),
    usage: chatUsage(promptTokens, choices),
  };
}

/**
 * One `chat.completion.chunk` of a stream: a delta of choice `index` (`role` on its first chunk,
 * then `content` pieces, then an empty delta with the finish reason), or — with `choice` null —
 * the usage chunk that ends a stream asked for with `stream_options.include_usage`.
 */
export function chatCompletionChunk(
  meta: ChatCompletionMeta,
  choice: { readonly index: number; readonly delta: { role?: 'assistant'; content?: string }; readonly finishReason?: string } | null,
  usage?: ChatUsage | null,
) {
  return {
    id: meta.id,
    object: 'chat.completion.chunk' as const,
    created: meta.created,
    model: meta.model,
    system_fingerprint: meta.systemFingerprint,
    choices: choice === null ? [] : [{ index: choice.index, delta: choice.delta, logprobs: null, finish_reason: choice.finishReason ?? null }],
    ...(usage !== undefined ? { usage } : {}),
  };
}
