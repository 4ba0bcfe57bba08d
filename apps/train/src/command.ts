import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';

/** Where a command writes: results to `out`, progress and diagnostics to `err`. */
export interface CommandIo {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
}

/** One `ssrl-train` subcommand: its name, a one-line summary, its help text and its entry point. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly help: string;
  /** Runs the command on the arguments after its name; resolves to the process exit code. */
  run(argv: readonly string[], io: CommandIo): Promise<number>;
}

/** Bad command-line usage: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly command: string,
  ) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses `argv` strictly with `node:util` `parseArgs` (unknown flags and missing values become a
 * `UsageError` naming the command) and validates the result with a zod schema.
 */
export function parseCommandArgs<S extends z.ZodType>(
  command: string,
  argv: readonly string[],
  options: Options,
  schema: S,
  positionals: readonly string[] = [],
): z.infer<S> {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: positionals.length > 0 }) as typeof parsed;
  } catch (error) {
    throw new UsageError(describeParseError(error as Error & { code?: string }), command);
  }
  if (parsed.positionals.length > positionals.length) {
    throw new UsageError(`unexpected argument "${parsed.positionals[positionals.length]}"`, command);
  }
  const input: Record<string, unknown> = { ...parsed.values };
  positionals.forEach((name, i) => {
    if (parsed.positionals[i] !== undefined) input[name] = parsed.positionals[i];
  });
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue.path.length > 0 ? `--${String(issue.path[0])}` : 'arguments';
    const label = positionals.includes(String(issue.path[0])) ? `<${String(issue.path[0])}>` : where;
    throw new UsageError(`${label}: ${issue.message}`, command);
  }
  return result.data;
}

function describeParseError(error: Error & { code?: string }): string {
  const quoted = /'([^']*)'/.exec(error.message)?.[1];
  const flag = quoted?.split(' ')[0];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${flag ?? error.message}`;
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag) {
    return /does not take/.test(error.message) ? `option ${flag} does not take a value` : `option ${flag} needs a value`;
  }
  if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' && quoted) return `unexpected argument "${quoted}"`;
  return error.message;
}

/** A flag whose value is JSON: invalid JSON is reported as such, the parsed value is checked by `schema`. */
export function jsonFlag<S extends z.ZodType>(schema: S) {
  return z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

/**
 * The import specifier of a `--plugin` argument: a path (made absolute, and required to exist)
 * or an installed package name; a `UsageError` of `command` otherwise.
 */
export function resolvePlugin(spec: string, cwd: string, command: string): string {
  const pathLike = spec.startsWith('.') || isAbsolute(spec) || spec.startsWith('file:');
  if (pathLike) {
    const url = spec.startsWith('file:') ? spec : pathToFileURL(resolve(cwd, spec)).href;
    if (!spec.startsWith('file:') && !existsSync(resolve(cwd, spec))) throw new UsageError(`--plugin: no such file ${spec}`, command);
    return url;
  }
  try {
    return import.meta.resolve(spec);
  } catch {
    throw new UsageError(`--plugin: cannot resolve module "${spec}" (give a path like ./dist/index.js or an installed package name)`, command);
  }
}
