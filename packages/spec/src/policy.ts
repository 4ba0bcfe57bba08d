import { z } from 'zod';
import { SsrlError } from './errors.js';

/** The version of the `Policy` contract this package defines; a policy declares the one it implements. */
export const POLICY_SPECIFICATION_VERSION = 'v1';

/** One image given to a policy, already encoded. */
export interface PolicyImage {
  readonly mime: 'image/png' | 'image/jpeg';
  readonly data: Uint8Array;
}

/**
 * One prompt: text with one image placeholder per image, in order (see `countImagePlaceholders`).
 * `task`/`variant` are optional hints that Spatial-SSRL task samples carry; a policy may ignore them.
 */
export interface PolicyRequest {
  readonly id: string;
  readonly prompt: string;
  readonly images: readonly PolicyImage[];
  readonly task?: string;
  readonly variant?: string;
}

/** Sampling settings, always explicit: temperature ≥ 0, top-p in (0, 1], tokens ≥ 1, a 32-bit seed, `n` ≥ 1 answers per request. */
export const samplingParams = z.object({
  temperature: z.number({ error: 'must be ≥ 0' }).min(0, 'must be ≥ 0'),
  topP: z.number({ error: 'must be in (0, 1]' }).gt(0, 'must be in (0, 1]').max(1, 'must be in (0, 1]'),
  maxTokens: z.number({ error: 'must be a positive integer' }).int('must be a positive integer').positive('must be a positive integer'),
  seed: z
    .number({ error: 'must be an integer in [0, 2^32 − 1]' })
    .int('must be an integer in [0, 2^32 − 1]')
    .min(0, 'must be an integer in [0, 2^32 − 1]')
    .max(0xffffffff, 'must be an integer in [0, 2^32 − 1]'),
  n: z.number({ error: 'must be a positive integer' }).int('must be a positive integer').positive('must be a positive integer'),
});
/** Sampling settings of one `generate` call. */
export type SamplingParams = z.infer<typeof samplingParams>;

/** One sampled answer and why generation stopped (`stop`, `length`, or a server's own reason). */
export interface PolicyOutput {
  readonly text: string;
  readonly finishReason: string;
}

/** `outputs.length === sampling.n` on success; `error` set (and outputs empty) when the item failed for good or for now (see `policyError`). */
export interface PolicyCompletion {
  readonly id: string;
  readonly outputs: readonly PolicyOutput[];
  readonly error?: string;
}

/** Options of one `generate` call: an abort signal, and a callback per finished request (in any order). */
export interface GenerateOptions {
  readonly signal?: AbortSignal;
  readonly onResult?: (completion: PolicyCompletion) => void;
}

/** Anything that turns prompts with images into sampled text: a local checkpoint or a remote server. */
export interface Policy {
  /** The contract version the policy implements: {@link POLICY_SPECIFICATION_VERSION}. */
  readonly specificationVersion: typeof POLICY_SPECIFICATION_VERSION;
  /** Stable model identifier used in cache keys and reports. */
  readonly id: string;
  /** One completion per request, in request order. */
  generate(requests: readonly PolicyRequest[], sampling: SamplingParams, options?: GenerateOptions): Promise<PolicyCompletion[]>;
}

/** Machine codes of {@link PolicyContractError}. */
export type PolicyContractErrorCode = 'policy-version' | 'not-a-policy';

/** A value handed over as a `Policy` does not implement this version of the contract. */
export class PolicyContractError extends SsrlError<PolicyContractErrorCode> {}

/**
 * Checks, at a boundary that accepts policies, that `value` implements this version of the
 * contract; throws {@link PolicyContractError} naming the version it declares otherwise.
 */
export function assertPolicy(value: unknown): Policy {
  if (typeof value !== 'object' || value === null || typeof (value as Policy).generate !== 'function' || typeof (value as Policy).id !== 'string') {
    throw new PolicyContractError('not-a-policy', 'expected a Policy: an object with a string id and a generate(requests, sampling) method');
  }
  const declared = (value as { specificationVersion?: unknown }).specificationVersion;
  if (declared !== POLICY_SPECIFICATION_VERSION) {
    throw new PolicyContractError(
      'policy-version',
      `policy ${(value as Policy).id} implements specification ${declared === undefined ? '(none declared)' : JSON.stringify(declared)}, but this version of @spatial-ssrl/spec speaks ${POLICY_SPECIFICATION_VERSION}; upgrade the package that made the policy or the one that runs it`,
    );
  }
  return value as Policy;
}

/** Prefix of a completion error worth retrying on a later run (network trouble, overload, timeouts). */
export const TRANSIENT_PREFIX = 'transient: ';
/** Prefix of a completion error that would repeat on a later run (bad request, unusable input). */
export const FINAL_PREFIX = 'final: ';

/** Formats a per-request completion error so caches can tell transient failures from final ones. */
export function policyError(kind: 'transient' | 'final', message: string): string {
  return (kind === 'transient' ? TRANSIENT_PREFIX : FINAL_PREFIX) + message;
}

/** Whether a completion error is final (cacheable); errors without the transient prefix count as final. */
export function isFinalPolicyError(error: string): boolean {
  return !error.startsWith(TRANSIENT_PREFIX);
}
