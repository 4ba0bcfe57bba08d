import { SYNTH_BENCHES, SYNTH_DEFAULTS, writeSynthBenchmark, type SynthProgress, type WriteSynthResult } from '@spatial-ssrl/bench';
import { createProgress, defineCommand, type CliArgs, type Progress, type ProgressStream } from '@spatial-ssrl/spec/node';

const synthNames = Object.keys(SYNTH_BENCHES) as [keyof typeof SYNTH_BENCHES, ...(keyof typeof SYNTH_BENCHES)[]];

/** The command line of `ssrl-eval generate-bench`. */
export const generateBenchCli = defineCommand({
  program: 'ssrl-eval',
  name: 'generate-bench',
  summary: 'a synthetic benchmark from the scene renderer',
  usage: `ssrl-eval generate-bench --bench ${synthNames.join('|')} --count N --out DIR [options]`,
  options: {
    bench: { type: 'enum', choices: synthNames, required: true, description: 'which synthetic benchmark' },
    count: { type: 'int', value: 'N', min: 1, max: 10_000_000, required: true, description: 'items to write' },
    out: { type: 'string', value: 'DIR', required: true, description: 'dataset directory (resumable)' },
    seed: { type: 'int', value: 'S', min: 0, defaultText: String(SYNTH_DEFAULTS.seed), description: 'scene seed' },
    width: { type: 'int', value: 'W', min: 16, max: 4096, defaultText: String(SYNTH_DEFAULTS.width), description: 'image width, px' },
    height: { type: 'int', value: 'H', min: 16, max: 4096, defaultText: String(SYNTH_DEFAULTS.height), description: 'image height, px' },
    'test-fraction': { type: 'number', value: 'F', min: 0, max: 1, defaultText: String(SYNTH_DEFAULTS.testFraction), description: 'share of scenes held out as split "test"' },
    'split-seed': { type: 'int', value: 'S', min: 0, defaultText: String(SYNTH_DEFAULTS.splitSeed), description: 'seed of the held-out split' },
    'per-scene': { type: 'int', value: 'K', min: 1, max: 32, defaultText: String(SYNTH_DEFAULTS.perScene), description: 'items drawn from one scene' },
    format: { type: 'enum', choices: ['png', 'jpeg'], defaultText: 'png', description: 'image encoding' },
    'jpeg-quality': { type: 'int', value: 'Q', min: 1, max: 100, defaultText: '90', description: 'JPEG quality' },
    force: { type: 'boolean', description: 'overwrite DIR when it holds another dataset' },
    quiet: { type: 'boolean', description: 'no progress output' },
  },
});

/** A validated `generate-bench` command. */
export type GenerateBenchArgs = CliArgs<typeof generateBenchCli.spec.options>;

/** Parses the arguments after `generate-bench`. */
export function parseGenerateBenchArgs(argv: readonly string[]): GenerateBenchArgs {
  return generateBenchCli.parse(argv);
}

/** The note after the bar: scenes visited and rendered, candidates rejected. */
function progressNote(p: SynthProgress): string {
  return `scenes ${p.scenes} (${p.rendered} rendered), rejected ${p.rejected}`;
}

/** Writes a synthetic benchmark dataset directory, showing progress on stderr; resolves to what was written. */
export async function generateBenchCommand(args: GenerateBenchArgs, io: { stderr: ProgressStream; signal: AbortSignal }): Promise<WriteSynthResult> {
  let bar: Progress | undefined;
  let last: SynthProgress | undefined;
  const onProgress = (p: SynthProgress) => {
    if (args.quiet) return;
    bar ??= createProgress({ label: args.bench, total: p.total, stream: io.stderr, unit: 'items' });
    last = p;
    bar.update(p.done, progressNote(p));
  };
  const result = await writeSynthBenchmark({
    bench: args.bench,
    count: args.count,
    out: args.out,
    ...(args.seed !== undefined ? { seed: args.seed } : {}),
    ...(args.width !== undefined ? { width: args.width } : {}),
    ...(args.height !== undefined ? { height: args.height } : {}),
    ...(args['test-fraction'] !== undefined ? { testFraction: args['test-fraction'] } : {}),
    ...(args['split-seed'] !== undefined ? { splitSeed: args['split-seed'] } : {}),
    ...(args['per-scene'] !== undefined ? { perScene: args['per-scene'] } : {}),
    ...(args.format !== undefined ? { format: args.format } : {}),
    ...(args['jpeg-quality'] !== undefined ? { jpegQuality: args['jpeg-quality'] } : {}),
    force: args.force,
    signal: io.signal,
    onProgress,
  });
  if (bar && last) bar.finish(progressNote(last));
  return result;
}

/** The closing summary: per category the split sizes, chance and rejected candidates. */
export function generateSummary(result: WriteSynthResult): string {
  const rows = Object.entries(result.categories).map(([id, c]) => {
    const rejected = Object.values(c.rejected).reduce((a, b) => a + b, 0);
    return `  ${id.padEnd(15)} ${String(c.train).padStart(6)} ${String(c.test).padStart(5)} ${(100 * c.chance).toFixed(1).padStart(7)} ${String(rejected).padStart(9)}`;
  });
  const how = result.alreadyComplete
    ? 'already complete'
    : `${result.scenes} scenes (${result.rendered} rendered)${result.resumedFrom > 0 ? `, resumed at scene ${result.resumedFrom}` : ''} in ${(result.elapsedMs / 1000).toFixed(1)} s`;
  return [`wrote ${result.out}: ${result.items} items, ${how}`, `  ${'category'.padEnd(15)} ${'train'.padStart(6)} ${'test'.padStart(5)} ${'chance%'.padStart(7)} ${'rejected'.padStart(9)}`, ...rows, ''].join('\n');
}
