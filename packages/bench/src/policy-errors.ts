/** Prefix of an error worth retrying on a later run (network trouble, overload, timeouts). */
export const TRANSIENT_PREFIX = 'transient: ';
/** Prefix of an error that would repeat on a later run (bad request, unusable input). */
export const FINAL_PREFIX = 'final: ';

/** Formats a per-item policy error so caches can tell transient failures from final ones. */
export function policyError(kind: 'transient' | 'final', message: string): string {
  return (kind === 'transient' ? TRANSIENT_PREFIX : FINAL_PREFIX) + message;
}

/** Whether a completion error is final (cacheable); errors without the transient prefix count as final. */
export function isFinalPolicyError(error: string): boolean {
  return !error.startsWith(TRANSIENT_PREFIX);
}
