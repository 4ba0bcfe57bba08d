#!/usr/bin/env node
import { defineCommand, isEntryModule, renderProgramHelp, UsageError, type CliCommand, type DeclaredCommand } from '@spatial-ssrl/spec/node';
import { BENCHMARKS, BenchError } from '@spatial-ssrl/bench';
import { compareCli, contaminationCli, mergeCli, parseCompareArgs, parseContaminationArgs, parseMergeArgs, parseRunArgs, runCli } from './args.js';
import { contaminationCommand } from './contamination-command.js';
import { compareCommand } from './compare-command.js';
import { generateBenchCli, generateBenchCommand, generateSummary, parseGenerateBenchArgs } from './generate-bench-command.js';
import { mergeCommand } from './merge-command.js';
import { runCommand } from './run-command.js';

const listCli = defineCommand({ program: 'ssrl-eval', name: 'list', summary: 'known benchmarks', usage: 'ssrl-eval list', options: {} });

type Io = { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream };

/** One `ssrl-eval` subcommand: its declared command line and what it does. */
interface EvalCommand {
  readonly cli: DeclaredCommand & Pick<CliCommand, 'name' | 'summary' | 'help' | 'wantsHelp'>;
  /** Ctrl-C aborts `signal` (the command stops after its finished items) instead of ending the process. */
  readonly interruptible?: boolean;
  run(argv: readonly string[], io: Io, signal: AbortSignal): Promise<void>;
}

/** The subcommands of `ssrl-eval`, in help order. */
export const commands: readonly EvalCommand[] = [
  {
    cli: runCli,
    interruptible: true,
    async run(argv, io, signal) {
      const args = parseRunArgs(argv);
      const summary = await runCommand(args, { stderr: io.stderr, signal });
      const heads = Object.entries(summary.benchmarks).map(([k, s]) => `${k} ${s.headline.toFixed(2)}`);
      io.stdout.write(`${heads.join(', ')}\nwrote ${args.out}/predictions.jsonl, scores.json, report.md, run.json\n`);
    },
  },
  {
    cli: generateBenchCli,
    interruptible: true,
    async run(argv, io, signal) {
      io.stdout.write(generateSummary(await generateBenchCommand(parseGenerateBenchArgs(argv), { stderr: io.stderr, signal })));
    },
  },
  {
    cli: mergeCli,
    async run(argv, io) {
      const { runs, out } = parseMergeArgs(argv);
      const summary = await mergeCommand(runs, out);
      const heads = Object.entries(summary.benchmarks).map(([k, s]) => `${k} ${s.headline.toFixed(2)}`);
      io.stdout.write(`${heads.join(', ')}\nwrote ${out}/predictions.jsonl, scores.json, report.md, run.json\n`);
    },
  },
  {
    cli: compareCli,
    async run(argv, io) {
      const { runs, out, figure } = parseCompareArgs(argv);
      const { markdown, figures } = await compareCommand(runs, out, figure);
      if (out) io.stdout.write(`wrote ${[out, ...figures].join(', ')}\n`);
      else {
        io.stdout.write(markdown);
        if (figures.length) io.stderr.write(`wrote ${figures.join(', ')}\n`);
      }
    },
  },
  {
    cli: contaminationCli,
    async run(argv, io) {
      const args = parseContaminationArgs(argv);
      const summary = await contaminationCommand(args, { stderr: io.stderr });
      const skipped = summary.skippedSources.length + summary.skippedBench.length;
      io.stdout.write(
        `${summary.findings.length} near-duplicate${summary.findings.length === 1 ? '' : 's'} among ${summary.sourceImages} training images and ${summary.benchImages} ${args.bench} images` +
          `${skipped > 0 ? ` (${skipped} images unreadable, listed in the report)` : ''}\nwrote ${summary.files.join(', ')}\n`,
      );
    },
  },
  {
    cli: listCli,
    async run(argv, io) {
      listCli.parse(argv);
      for (const [name, b] of Object.entries(BENCHMARKS)) io.stdout.write(`${name.padEnd(14)} ${b.title}${b.column ? ` (paper column ${b.column})` : ''}\n`);
    },
  },
];

const USAGE = renderProgramHelp(
  'ssrl-eval',
  commands.map((c) => c.cli),
  'Evaluates a checkpoint or an OpenAI-compatible endpoint on spatial benchmarks.',
);

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [name, ...rest] = argv;
  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error('interrupted'));
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.cli.name === name);
  if (!command) {
    io.stderr.write(`ssrl-eval: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  if (command.cli.wantsHelp(rest)) {
    io.stdout.write(command.cli.help);
    return 0;
  }
  try {
    if (command.interruptible) process.once('SIGINT', onSigint);
    await command.run(rest, io, controller.signal);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`ssrl-eval ${name}: ${err.message}\nRun "ssrl-eval ${name} --help" for usage.\n`);
      return 2;
    }
    if (controller.signal.aborted) {
      io.stderr.write('\nssrl-eval: interrupted; finished items are cached, run the same command again to resume\n');
      return 130;
    }
    const code = err instanceof BenchError ? ` [${err.code}]` : '';
    io.stderr.write(`ssrl-eval: ${(err as Error).message ?? String(err)}${code}\n`);
    return 1;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

if (isEntryModule(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
