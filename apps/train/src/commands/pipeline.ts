import { resolve } from 'node:path';
import { z } from 'zod';
import { defineCommand, formatDuration, UsageError } from '@spatial-ssrl/spec/node';
import { backendOption, command, resolvePlugin, type Command } from '../command.js';
import { defaultRegistry } from '@spatial-ssrl/tasks';
import { imageTaskIds, PIPELINE_BUDGETS, PIPELINE_PRESETS, pipelineRegistry, resolvePlan, type PipelinePlan } from '../pipeline/plan.js';
import { runPipeline } from '../pipeline/run-pipeline.js';
import { PipelineInterrupted } from '../pipeline/train-stages.js';


// The built-in image tasks, for the help text (plugin tasks join them at run time).
const IMAGE_TASKS = imageTaskIds(defaultRegistry()).join(',');

const pipelineCli = defineCommand({
  program: 'ssrl-train',
  name: 'pipeline',
  summary: 'generate → SFT → GRPO and a compute-matched SFT control → evaluate → report (resumable)',
  usage: 'ssrl-train pipeline --preset quick|full [options]',
  description: `The whole Spatial-SSRL job in one command: generate the pretext-task dataset, supervised cold
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
prompts from the first 200 (quick) or 1,000 (full) records of each task.`,
  options: {
    // The test-sized preset `tiny` is accepted but not listed.
    preset: { type: 'string', value: 'NAME', schema: z.enum(PIPELINE_PRESETS, { error: 'must be quick or full' }), required: true, description: 'quick | full' },
    out: { type: 'string', value: 'DIR', default: 'runs/pipeline', description: 'pipeline folder' },
    source: {
      type: 'string',
      value: 'SPEC',
      repeatable: true,
      description: `image source instead of the preset's synthetic scenes {default}:
synthetic[:COUNT[:WxH]] | folder:DIR | diode:DIR | megadepth:DIR
(depth and position need an RGB-D source: synthetic, diode or megadepth)`,
    },
    data: { type: 'string', value: 'DIR', description: 'train on an existing dataset directory instead of generating one' },
    tasks: {
      type: 'string',
      value: 'LIST',
      description: `comma-separated ids of the tasks to generate (default: every task not opt-in);
image tasks, opt-in ones included: ${IMAGE_TASKS}`,
    },
    seed: { type: 'int', value: 'S', min: 0, max: 0xffffffff, default: 0, description: 'seed of data, weights and sampling' },
    budget: {
      type: 'enum',
      value: 'KIND',
      choices: PIPELINE_BUDGETS,
      default: 'steps',
      description: `${PIPELINE_BUDGETS.join(' | ')} {default}: the preset's wall-clock budgets instead of steps (SFT 6
or 30 min, GRPO 3 or 12 min, the control as long as GRPO took); results
then depend on how fast the machine is`,
    },
    resume: { type: 'boolean', description: 'continue the run in OUT (same preset, sources, data and seed)' },
    plugin: {
      type: 'string',
      value: 'MODULE',
      repeatable: true,
      description: 'task plugin (as for generate) whose tasks join the built-in ones in every\nstage and in the report {default}',
    },
    workers: { type: 'int', value: 'W', min: 1, max: 256, defaultText: 'number of CPU cores', description: 'generation worker threads' },
    backend: { ...backendOption, defaultText: 'fastest available' },
    quiet: { type: 'boolean', description: 'no progress output' },
  },
  conflicts: [['source', 'data'], ['tasks', 'data']],
  epilog: `Examples:
  ssrl-train pipeline --preset quick --out runs/quick
  ssrl-train pipeline --preset quick --out runs/quick --resume
  ssrl-train pipeline --preset full --source diode:data/diode --source folder:data/coco --out runs/full
  ssrl-train pipeline --preset quick --plugin ./dist/index.js --out runs/with-my-task
  ssrl-train pipeline --preset quick --tasks ${IMAGE_TASKS} --out runs/image-tasks`,
});

// Relative directories in file sources are resolved against the working directory, so the plan
// and the generation workers see the same absolute paths.
function absoluteSource(spec: string, cwd: string): string {
  const m = /^(folder|diode|megadepth):(.+)$/.exec(spec);
  return m ? `${m[1]}:${resolve(cwd, m[2])}` : spec;
}

function taskList(text: string): string[] {
  const ids = text.split(',').map((t) => t.trim()).filter(Boolean);
  if (ids.length === 0) throw new UsageError('--tasks: name at least one task', 'pipeline');
  return ids;
}

const quote = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

/** `ssrl-train pipeline`: the end-to-end job with its report. */
export const pipelineCommand: Command = command(pipelineCli, async (args, io, argv) => {
  if (args.budget === 'minutes' && args.preset === 'tiny') throw new UsageError('--budget minutes: preset tiny has step budgets only', 'pipeline');
  const plugins = args.plugin.map((spec) => resolvePlugin(spec, io.cwd, 'pipeline'));
  const registry = await pipelineRegistry(plugins);
  const overrides = {
    seed: args.seed,
    budget: args.budget,
    plugins,
    ...(args.source ? { sources: args.source.map((s) => absoluteSource(s, io.cwd)) } : {}),
    ...(args.data !== undefined ? { dataDir: resolve(io.cwd, args.data) } : {}),
    ...(args.tasks !== undefined ? { tasks: taskList(args.tasks) } : {}),
  };
  let plan: PipelinePlan;
  try {
    plan = resolvePlan(args.preset, overrides, registry);
  } catch (error) {
    // A task list naming an unknown task, one twice, or one that does not take an image is a usage error.
    if (error instanceof RangeError && overrides.tasks !== undefined) throw new UsageError(`--tasks: ${error.message}`, 'pipeline');
    throw error;
  }
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
});
