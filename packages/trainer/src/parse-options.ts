import type { z } from 'zod';
import { ModelError } from '@spatial-ssrl/model';

/**
 * Validates `input` against an options schema; the first problem becomes a `ModelError`
 * (`bad-config`) reading `<label> options: <path>: <message>`.
 */
export function parseOptionsOf<S extends z.ZodType>(schema: S, label: string, input: z.input<S>): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelError('bad-config', `${label} options: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}
