#!/usr/bin/env node
import { isEntryModule, renderProgramHelp, UsageError } from '@spatial-ssrl/spec/node';
import { parseServeArgs, serveCli, startServe } from './serve-command.js';
import { shimsCli, shimsCommand } from './shims-command.js';
import { commands } from './commands.js';

/** Where the CLI writes and what it listens to. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly cwd: string;
  /** Resolves when the process is asked to stop (SIGTERM, SIGINT). */
  readonly stopSignal: Promise<string>;
}

const USAGE = [renderProgramHelp('ssrl-serve', commands, 'Without a command, ssrl-serve runs serve.'), ...commands.map((c) => c.help)].join('\n').trimEnd();

/** Runs `ssrl-serve` with `argv` (after the program name); resolves to the exit code once the server has stopped. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === 'help' || first === '--help' || first === '-h') {
      io.out(USAGE);
      return 0;
    }
    if (first === 'shims') {
      if (shimsCli.wantsHelp(rest)) io.out(shimsCli.help.trimEnd());
      else await shimsCommand(rest, io.cwd, io.out);
      return 0;
    }
    const serveArgv = first === 'serve' ? rest : argv;
    if (serveCli.wantsHelp(serveArgv)) {
      io.out(serveCli.help.trimEnd());
      return 0;
    }
    const settings = parseServeArgs(serveArgv);
    const server = await startServe(settings, io.err, io.cwd);
    const serving = server.model ? `model ${server.model.name}` : 'no model (--checkpoint)';
    io.out(`ssrl-serve: listening on ${server.url} (${serving}, grader ${settings.grader}, format weight ${settings['format-weight']})`);
    const signal = await io.stopSignal;
    const inFlight = server.inFlight();
    // The listener closes before the message goes out, so whoever reads it finds the port refused.
    const closed = server.close();
    io.err(`ssrl-serve: ${signal}: refusing new connections, finishing ${inFlight} in-flight request(s)`);
    await closed;
    io.err('ssrl-serve: stopped');
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      const name = error.command ?? 'serve';
      io.err(`ssrl-serve ${name}: ${error.message}\nRun "ssrl-serve ${name} --help" for usage.`);
      return 2;
    }
    const e = error as NodeJS.ErrnoException;
    if (e?.code === 'EADDRINUSE') {
      io.err(`ssrl-serve: ${e.message}: another server holds the port; pick one with --port`);
      return 1;
    }
    io.err(`ssrl-serve: ${e?.message ?? String(error)}`);
    return 1;
  }
}

if (isEntryModule(import.meta.url)) {
  const stopSignal = new Promise<string>((resolve) => {
    let count = 0;
    const stop = (name: string) => {
      // A second signal stops at once, without waiting for in-flight requests.
      if (++count > 1) process.exit(130);
      resolve(name);
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
  const line = (stream: NodeJS.WriteStream) => (text: string) => void stream.write(`${text}\n`);
  main(process.argv.slice(2), { out: line(process.stdout), err: line(process.stderr), cwd: process.cwd(), stopSignal }).then((code) => {
    process.exitCode = code;
  });
}
