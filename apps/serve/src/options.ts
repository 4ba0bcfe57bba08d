import { parseArgs } from 'node:util';
import { z } from 'zod';

/** One command-line flag: its value schema (from the string parseArgs gives) and its help line. */
export interface Flag {
  readonly type: 'string' | 'boolean';
  /** The flag may be given several times; its value is then an array. */
  readonly multiple?: boolean;
  readonly schema: z.ZodType;
  readonly help: string;
}

/** Bad command-line usage: printed with the command's help, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An integer flag in [min, max]. */
export function intFlag(min: number, max = Number.MAX_SAFE_INTEGER) {
  return z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((v) => v >= min && v <= max, `must be in [${min}, ${max}]`);
}

/** A number flag in [min, max]. */
export function numberFlag(min: number, max: number) {
  return z
    .string()
    .refine((v) => v.trim() !== '' && Number.isFinite(Number(v)), 'must be a number')
    .transform(Number)
    .refine((v) => v >= min && v <= max, `must be in [${min}, ${max}]`);
}

/** The help lines of `flags`, aligned. */
export function flagHelp(flags: Readonly<Record<string, Flag>>): string {
  const names = Object.keys(flags).map((name) => `--${name}${flags[name].type === 'string' ? ' <value>' : ''}${flags[name].multiple ? ' …' : ''}`);
  const width = Math.max(...names.map((n) => n.length));
  return Object.values(flags)
    .map((flag, i) => `  ${names[i].padEnd(width)}  ${flag.help}`)
    .join('\n');
}

/** Parses `argv` against `flags` (strict: unknown flags and bad values are a {@link UsageError} naming the flag). */
export function parseFlags<F extends Readonly<Record<string, Flag>>>(argv: readonly string[], flags: F): { [K in keyof F]: z.infer<F[K]['schema']> } {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(Object.entries(flags).map(([name, flag]) => [name, { type: flag.type, multiple: flag.multiple ?? false }])),
    }));
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  const schema = z.object(Object.fromEntries(Object.entries(flags).map(([name, flag]) => [name, flag.schema])));
  const result = schema.safeParse(values);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new UsageError(`--${String(issue.path[0])}: ${issue.message}`);
  }
  return result.data as { [K in keyof F]: z.infer<F[K]['schema']> };
}
