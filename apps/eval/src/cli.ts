#!/usr/bin/env node
import { isEntryModule } from '@spatial-ssrl/spec/node';
import { BENCHMARKS, BenchError } from '@spatial-ssrl/bench';
import { parseCompareArgs, parseContaminationArgs, parseMergeArgs, parseRunArgs, USAGE } from './args.js';
import { contaminationCommand } from './contamination-command.js';
import { compareCommand } from './compare-command.js';
import { GENERATE_BENCH_USAGE, generateBenchCommand, generateSummary, parseGenerateBenchArgs } from './generate-bench-command.js';
import { mergeCommand } from './merge-command.js';
import { UsageError } from './model-spec.js';
import { runCommand } from './run-command.js';

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[], io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [command, ...rest] = argv;
  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error('interrupted'));
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    if (command === 'list') {
      for (const [name, b] of Object.entries(BENCHMARKS)) io.stdout.write(`${name.padEnd(14)} ${b.title}${b.column ? ` (paper column ${b.column})` : ''}\n`);
      return 0;
    }
    if (command === 'compare') {
      const { runs, out, figure } = parseCompareArgs(rest);
      const { markdown, figures } = await compareCommand(runs, out, figure);
      if (out) io.stdout.write(`wrote ${[out, ...figures].join(', ')}\n`);
      else {
        io.stdout.write(markdown);
        if (figures.length) io.stderr.write(`wrote ${figures.join(', ')}\n`);
      }
      return 0;
    }
    if (command === 'merge') {
      const { runs, out } = parseMergeArgs(rest);
      const summary = await mergeCommand(runs, out);
      const heads = Object.entries(summary.benchmarks).map(([k, s]) => `${k} ${s.headline.toFixed(2)}`);
      io.stdout.write(`${heads.join(', ')}\nwrote ${out}/predictions.jsonl, scores.json, report.md, run.json\n`);
      return 0;
    }
    if (command === 'generate-bench') {
      if (rest.includes('--help') || rest.includes('-h')) {
        io.stdout.write(`${GENERATE_BENCH_USAGE}\n`);
        return 0;
      }
      const args = parseGenerateBenchArgs(rest);
      process.once('SIGINT', onSigint);
      io.stdout.write(generateSummary(await generateBenchCommand(args, { stderr: io.stderr, signal: controller.signal })));
      return 0;
    }
    if (command === 'contamination') {
      const args = parseContaminationArgs(rest);
      const summary = await contaminationCommand(args, { stderr: io.stderr });
      io.stdout.write(
        `${summary.findings.length} near-duplicate${summary.findings.length === 1 ? '' : 's'} among ${summary.sourceImages} training images and ${summary.benchImages} ${args.bench} images` +
          `${summary.skippedSources.length + summary.skippedBench.length > 0 ? ` (${summary.skippedSources.length + summary.skippedBench.length} images unreadable, listed in the report)` : ''}\nwrote ${summary.files.join(', ')}\n`,
      );
      return 0;
    }
    if (command === 'run') {
      const args = parseRunArgs(rest);
      process.once('SIGINT', onSigint);
      const summary = await runCommand(args, { stderr: io.stderr, signal: controller.signal });
      const heads = Object.entries(summary.benchmarks).map(([k, s]) => `${k} ${s.headline.toFixed(2)}`);
      io.stdout.write(`${heads.join(', ')}\nwrote ${args.out}/predictions.jsonl, scores.json, report.md, run.json\n`);
      return 0;
    }
    throw new UsageError(`unknown command "${command}"`);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`ssrl-eval: ${err.message}\n\n${USAGE}\n`);
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
