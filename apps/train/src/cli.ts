#!/usr/bin/env node
import { isEntryModule, renderProgramHelp, UsageError } from '@spatial-ssrl/spec/node';
import type { Command, CommandIo } from './command.js';
import { exportCommand } from './commands/export.js';
import { generateCommand } from './commands/generate.js';
import { grpoCommand } from './commands/grpo.js';
import { importCommand } from './commands/import.js';
import { pipelineCommand } from './commands/pipeline.js';
import { previewCommand } from './commands/preview.js';
import { sftCommand } from './commands/sft.js';

/** The subcommands of `ssrl-train`, in help order. */
export const commands: readonly Command[] = [generateCommand, previewCommand, exportCommand, importCommand, sftCommand, grpoCommand, pipelineCommand];

const usage = (): string => renderProgramHelp('ssrl-train', commands);

/** Runs `ssrl-train` with `argv` (the arguments after the program name); resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out.write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err.write(`ssrl-train: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err.write(`ssrl-train ${error.command}: ${error.message}\nRun "ssrl-train ${error.command} --help" for usage.\n`);
      return 2;
    }
    const e = error as { code?: unknown; message?: unknown };
    const code = typeof e?.code === 'string' ? ` [${e.code}]` : '';
    io.err.write(`ssrl-train ${command.name}: ${typeof e?.message === 'string' ? e.message : String(error)}${code}\n`);
    if (io.env.SSRL_DEBUG) io.err.write(`${(error as Error)?.stack ?? ''}\n`);
    return 1;
  }
}

if (isEntryModule(import.meta.url)) {
  const controller = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    // First Ctrl-C stops after the committed samples; a second one exits at once.
    if (++interrupts > 1) process.exit(130);
    controller.abort(new Error('interrupted'));
  });
  runCli(process.argv.slice(2), { out: process.stdout, err: process.stderr, cwd: process.cwd(), env: process.env, signal: controller.signal }).then(
    (code) => {
      process.exitCode = code;
    },
  );
}
