import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BACKEND_ORDER } from '@spatial-ssrl/model';
import { UsageError, type CliArgs, type CliCommand, type CliOption, type CliPositional, type DeclaredCommand } from '@spatial-ssrl/spec/node';

/** The `--backend` option of the commands that run the model (add its `defaultText`). */
export const backendOption = { type: 'enum', value: 'NAME', choices: BACKEND_ORDER, description: BACKEND_ORDER.join(' | ') } as const;

/** Where a command writes: results to `out`, progress and diagnostics to `err`. */
export interface CommandIo {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
}

/** One `ssrl-train` subcommand: its declared command line and its entry point. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly help: string;
  /** The declaration the command's flags, help and validation come from. */
  readonly cli: DeclaredCommand;
  /** Runs the command on the arguments after its name; resolves to the process exit code. */
  run(argv: readonly string[], io: CommandIo): Promise<number>;
}

/** A subcommand from its declaration and what it does with the parsed arguments; `--help` prints the derived help. */
export function command<O extends Record<string, CliOption>, P extends readonly CliPositional[]>(
  cli: CliCommand<O, P>,
  run: (args: CliArgs<O, P>, io: CommandIo, argv: readonly string[]) => Promise<number>,
): Command {
  return {
    name: cli.name,
    summary: cli.summary,
    help: cli.help,
    cli,
    async run(argv, io) {
      if (cli.wantsHelp(argv)) {
        io.out.write(cli.help);
        return 0;
      }
      return run(cli.parse(argv), io, argv);
    },
  };
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
