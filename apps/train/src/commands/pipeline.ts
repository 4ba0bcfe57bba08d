import { resolve } from 'node:path';
import { z } from 'zod';
import { formatDuration } from '@spatial-ssrl/spec/node';
import { parseCommandArgs, resolvePlugin, UsageError, type Command } from '../command.js';
import { PIPELINE_BUDGETS, PIPELINE_PRESETS, pipelineRegistry, resolvePlan } from '../pipeline/plan.js';
import { runPipeline } from '../pipeline/run-pipeline.js';
import { PipelineInterrupted } from '../pipeline/train-stages.js';

const HELP = `Usage: ssrl-train pipeline --preset quick|full [options]

The whole Spatial-SSRL job in one command: generate the pretext-task dataset, supervised cold
start (SFT), evaluate, GRPO from the SFT checkpoint, evaluate, a control run (SFT continued from
the same checkpoint for the SFT steps of GRPO's time), evaluate, and write OUT/report.md with per-task
held-out accuracy, 95 % intervals, chance levels, GRPO minus control, curves and timings.
Every stage has its own folder under OUT; with --resume, completed stages are skipped and an
interrupted one continues where it stopped.

Presets (CPU, wasm backend), budgeted in steps so that a run gives the same report on any
machine with the same backend (the minutes are those of an idle 2-core machine):
  quick   13,000 samples of 256x192 synthetic scenes; SFT 1,800 steps (6 min), GRPO 290 steps
          (3 min), control 900 SFT steps: under 20 min on 2 cores
  full    48,000 samples of 320x240 scenes; SFT 9,800 steps (30 min), GRPO 900 steps (12 min),
          control 3,600 SFT steps: about an hour on 2 cores
Both draw depth and position markers with a 16-px radius and a colour per label (readable at the
model's 64-px input; with --source, the radius is in pixels of your images), and GRPO draws its
prompts from the first 200 (quick) or 1,000 (full) records of each task.

Options:
  --preset NAME        quick | full                                           [required]
  --out DIR            pipeline folder (default runs/pipeline)
  --source SPEC        image source instead of the preset's synthetic scenes, repeatable:
                       synthetic[:COUNT[:WxH]] | folder:DIR | diode:DIR | megadepth:DIR
                       (depth and position need an RGB-D source: synthetic, diode or megadepth)
  --data DIR           train on an existing dataset directory instead of generating one
  --seed S             seed of data, weights and sampling (default 0)
  --budget KIND        steps (default) | minutes: the preset's wall-clock budgets instead (SFT 6
                       or 30 min, GRPO 3 or 12 min, the control as long as GRPO took); results
                       then depend on how fast the machine is
  --resume             continue the run in OUT (same preset, sources, data and seed)
  --plugin MODULE      task plugin (as for generate) whose tasks join the built-in ones in every
                       stage and in the report, repeatable
  --workers W          generation worker threads (default: number of CPU cores)
  --backend NAME       tensorflow-gpu | tensorflow | wasm | cpu (default: fastest available)
  --quiet              no progress output
  -h, --help           show this help

Examples:
  ssrl-train pipeline --preset quick --out runs/quick
  ssrl-train pipeline --preset quick --out runs/quick --resume
  ssrl-train pipeline --preset full --source diode:data/diode --source folder:data/coco --out runs/full
  ssrl-train pipeline --preset quick --plugin ./dist/index.js --out runs/with-my-task
`;

const FLAGS = {
  preset: { type: 'string' },
  out: { type: 'string' },
  source: { type: 'string', multiple: true },
  data: { type: 'string' },
  seed: { type: 'string' },
  budget: { type: 'string' },
  resume: { type: 'boolean' },
  workers: { type: 'string' },
  plugin: { type: 'string', multiple: true },
  backend: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const int = (min: number, max: number) =>
  z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min).max(max));

const pipelineArgs = z
  .object({
    preset: z.enum(PIPELINE_PRESETS, { error: 'must be quick or full' }),
    out: z.string().min(1).default('runs/pipeline'),
    source: z.array(z.string().min(1, 'must not be empty')).optional(),
    data: z.string().min(1).optional(),
    seed: int(0, 0xffffffff).default(0),
    budget: z.enum(PIPELINE_BUDGETS, { error: 'must be steps or minutes' }).default('steps'),
    resume: z.boolean().default(false),
    workers: int(1, 256).optional(),
    plugin: z.array(z.string().min(1)).default([]),
    backend: z.enum(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).optional(),
    quiet: z.boolean().default(false),
  })
  .refine((a) => a.source === undefined || a.data === undefined, { message: 'give --source or --data, not both', path: ['data'] });

// Relative directories in file sources are resolved against the working directory, so the plan
// and the generation workers see the same absolute paths.
function absoluteSource(spec: string, cwd: string): string {
  const m = /^(folder|diode|megadepth):(.+)$/.exec(spec);
  return m ? `${m[1]}:${resolve(cwd, m[2])}` : spec;
}

const quote = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

/** `ssrl-train pipeline`: the end-to-end job with its report. */
export const pipelineCommand: Command = {
  name: 'pipeline',
  summary: 'generate → SFT → GRPO and a compute-matched SFT control → evaluate → report (resumable)',
  help: HELP,
  async run(argv, io) {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.out.write(HELP);
      return 0;
    }
    const args = parseCommandArgs('pipeline', argv, FLAGS, pipelineArgs);
    if (args.budget === 'minutes' && args.preset === 'tiny') throw new UsageError('--budget minutes: preset tiny has step budgets only', 'pipeline');
    const plugins = args.plugin.map((spec) => resolvePlugin(spec, io.cwd, 'pipeline'));
    const plan = resolvePlan(args.preset, {
      seed: args.seed,
      budget: args.budget,
      plugins,
      ...(args.source ? { sources: args.source.map((s) => absoluteSource(s, io.cwd)) } : {}),
      ...(args.data !== undefined ? { dataDir: resolve(io.cwd, args.data) } : {}),
    }, await pipelineRegistry(plugins));
    const env = args.backend ? { ...io.env, SSRL_BACKEND: io.env.SSRL_BACKEND ?? args.backend } : io.env;
    const started = performance.now();
    try {
      const result = await runPipeline({
        plan,
        out: resolve(io.cwd, args.out),
        command: ['ssrl-train', 'pipeline', ...argv.filter((a) => a !== '--resume' && a !== '--quiet')].map(quote).join(' '),
        resume: args.resume,
        ...(args.workers !== undefined ? { workers: args.workers } : {}),
        env,
        stream: io.err,
        quiet: args.quiet,
        ...(io.signal ? { signal: io.signal } : {}),
      });
      io.out.write(`${result.summary}\nreport: ${result.reportFile}\nwall-clock of this invocation: ${formatDuration((performance.now() - started) / 1000)}\n`);
      return 0;
    } catch (error) {
      if (error instanceof PipelineInterrupted) {
        io.err.write(`\n${error.message}: run the same command with --resume to continue\n`);
        return 130;
      }
      throw error;
    }
  },
};
