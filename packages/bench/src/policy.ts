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

/** One sampled answer and the reason generation stopped (`stop`, `length`, …). */
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

/** Anything that turns prompts with images into sampled text: a local checkpoint or a remote server. */
export interface Policy {
  /** Stable model identifier used in cache keys and reports. */
  readonly id: string;
  generate(
    requests: readonly PolicyRequest[],
    sampling: SamplingParams,
    options?: { signal?: AbortSignal; onResult?: (c: PolicyCompletion) => void },
  ): Promise<PolicyCompletion[]>;
}
