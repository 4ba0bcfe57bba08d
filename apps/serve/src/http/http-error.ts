import type { z } from 'zod';

/** Machine-readable kind of an HTTP error, in the `error.type` field of the body. */
export type HttpErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'not_found'
  | 'method_not_allowed'
  | 'rate_limit_exceeded'
  | 'timeout'
  | 'service_unavailable'
  | 'shutting_down'
  | 'server_error';

/**
 * An error a route answers with: HTTP `status` and an OpenAI-style JSON body
 * `{ error: { message, type, param, code } }`, `param` naming the offending field when known.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly type: HttpErrorType,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    /** Seconds a client should wait before retrying (`Retry-After`), for 429 and 503 answers. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  /** The JSON body sent to the client. */
  toJSON(): { error: { message: string; type: HttpErrorType; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** `reward_inputs[3].ground_truth` for the zod path `['reward_inputs', 3, 'ground_truth']`; `body` for the root. */
function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  return out === '' ? 'body' : out.startsWith('[') ? `body${out}` : out;
}

function received(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  return typeof input === 'object' ? 'an object' : `${typeof input} ${JSON.stringify(input)?.slice(0, 40)}`;
}

/** A 400 naming the first field a zod schema rejected, e.g. `labels[2]: expected string, got null`. */
export function invalidBody(error: z.ZodError, body: unknown): HttpError {
  const issue = error.issues[0];
  const param = fieldPath(issue?.path ?? []);
  let value: unknown = body;
  for (const key of issue?.path ?? []) value = value == null ? undefined : (value as Record<PropertyKey, unknown>)[key];
  let message = issue?.message ?? 'invalid body';
  if (issue?.code === 'invalid_type') message = `expected ${issue.expected}, got ${received(value)}`;
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem${error.issues.length > 2 ? 's' : ''})` : '';
  return new HttpError(400, 'invalid_request_error', `${param}: ${message}${more}`, param, issue?.code ?? null);
}
