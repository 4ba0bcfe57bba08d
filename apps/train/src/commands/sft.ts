import { resolve } from 'node:path';
import { loadBackend, ModelError } from '@spatial-ssrl/model';
import { runPaths, trainSft, type EvalReport, type SftResult } from '@spatial-ssrl/trainer';
import { defaultRegistry, loadTaskPlugin } from '@spatial-ssrl/tasks';
import { z } from 'zod';
import { defineCommand, formatDuration, type CliArgs } from '@spatial-ssrl/spec/node';
import { backendOption, command, resolvePlugin, type Command, type CommandIo } from '../command.js';
import { TASK_EXAMPLES } from '../task-examples.js';
import { pct, trainerProgress } from '../trainer-progress.js';

const template = z.string().includes('{answer}', { message: 'must contain {answer}' });

/** The command line of `ssrl-train sft`. */
const sftCli = defineCommand({
  program: 'ssrl-train',
  name: 'sft',
  summary: 'supervised cold start of the tfjs policy on a generated dataset',
  usage: 'ssrl-train sft --data DIR --out RUN [options]',
  description: `Supervised cold start of the TensorFlow.js policy on a dataset written by "ssrl-train generate":
teacher forcing on "<think></think>\\boxed{answer}", AdamW with warm-up and cosine decay,
held-out exact-match evaluation on the dataset's test split. RUN receives checkpoint/ (atomic,
resumable), metrics.jsonl, curve.svg and curve.png (loss and accuracy) and run.json.`,
  options: {
    data: { type: 'string', value: 'DIR', required: true, description: 'dataset directory (samples.jsonl + images/)' },
    out: { type: 'string', value: 'RUN', required: true, description: 'run folder' },
    'eval-data': { type: 'string', value: 'DIR', description: 'evaluate on the test split of another dataset directory' },
    preset: { type: 'enum', value: 'NAME', choices: ['tiny', 'small', 'base'], default: 'small', description: 'tiny | small | base' },
    'image-size': { type: 'int', value: 'PX', min: 8, max: 512, description: "override the preset's input size (a multiple of the patch size)" },
    'patch-size': { type: 'int', value: 'PX', min: 2, max: 64, description: "override the preset's patch size (one image token per patch)" },
    features: {
      type: 'list',
      value: 'LIST',
      choices: ['rgb', 'gradients', 'edges'],
      schema: z.array(z.string()).transform((list) => ({ rgb: list.includes('rgb'), gradients: list.includes('gradients'), edges: list.includes('edges') })),
      defaultText: 'rgb,gradients',
      description: 'input channels per pixel, comma-separated: rgb, gradients (dx, dy),\nedges (|dx|, |dy| and the diagonal slant)',
    },
    minutes: { type: 'number', value: 'M', min: 0, exclusiveMin: true, defaultText: '20', description: 'wall-clock budget, image decoding included' },
    steps: { type: 'int', value: 'N', min: 1, description: 'train exactly N steps instead of a time budget' },
    batch: { type: 'int', value: 'B', min: 1, max: 4096, default: 32, description: 'batch size' },
    lr: { type: 'number', value: 'LR', min: 0, exclusiveMin: true, default: 4e-4, defaultText: '0.0004', description: 'peak learning rate' },
    warmup: { type: 'int', value: 'N', min: 0, default: 100, description: 'warm-up steps' },
    seed: { type: 'int', value: 'S', min: 0, max: 0xffffffff, default: 0, description: 'seed of weights, data order and dropout' },
    template: {
      type: 'string',
      value: 'TEXT',
      schema: template,
      defaultText: '"<think></think>\\boxed{{answer}}"',
      description: "answer text trained on, {answer} standing for the record's answer\n{default}",
    },
    'task-templates': {
      type: 'json',
      value: 'JSON',
      schema: z.record(z.string(), template, { error: 'must be a JSON object of task → template' }),
      description: `templates for named tasks, which may also use {meta.KEY}, a field of
the record's meta, e.g. a rationale for ${TASK_EXAMPLES.rationaleTask}:
${TASK_EXAMPLES.templates}`,
    },
    'task-weights': {
      type: 'json',
      value: 'JSON',
      schema: z.record(z.string(), z.number().min(0).max(1000), { error: 'must be a JSON object of task → weight (a number ≥ 0)' }),
      description: `visits of each task's records per epoch {default}, e.g.
${TASK_EXAMPLES.weights}: 0.5 = a seeded half, 0 = left out`,
      defaultText: '1 each',
    },
    mirror: {
      type: 'json',
      value: 'JSON',
      schema: z.record(z.string(), z.number().min(0).max(1), { error: 'must be a JSON object of task → chance (0-1)' }),
      description: `chance that a training row of a task is shown mirrored left-right,
its answer mapped by the task, e.g. ${TASK_EXAMPLES.mirror}
(tasks that define no mirrored answer, like ${TASK_EXAMPLES.unmirrored}, are refused)`,
    },
    plugin: { type: 'string', value: 'MODULE', repeatable: true, description: 'task plugin (as for generate) whose tasks --mirror may name' },
    'eval-every': { type: 'int', value: 'N', min: 0, default: 500, description: 'evaluate every N steps, 0 = only at the end' },
    'eval-samples': { type: 'int', value: 'N', min: 1, default: 500, description: 'held-out records per task per evaluation' },
    'checkpoint-every': { type: 'int', value: 'N', min: 0, default: 0, defaultText: 'at evaluations', description: 'also save a checkpoint every N steps' },
    resume: { type: 'boolean', description: 'continue RUN from RUN/checkpoint (same settings)' },
    backend: { ...backendOption, defaultText: 'fastest available; the SSRL_BACKEND variable overrides' },
    threads: {
      type: 'int',
      value: 'N',
      min: 0,
      defaultText: '2',
      description: `1 or 2 {default}: with 2, a copy of the model in a worker thread
computes the gradient of half of every batch on the wasm and cpu
backends (the TensorFlow backends use 1: they use every core already);
without dropout 1 and 2 differ only by float summation order, and a
run resumes only with the thread count it started with`,
    },
    quiet: { type: 'boolean', description: 'no progress output' },
  },
  conflicts: [['minutes', 'steps']],
  epilog: `Examples:
  ssrl-train sft --data runs/sft-data --out runs/sft --minutes 20
  ssrl-train sft --data runs/sft-data --out runs/sft --steps 2000 --batch 64 --seed 3
  ssrl-train sft --data runs/sft-data --out runs/sft --minutes 20 --resume`,
});

/** The held-out table printed at the end of a run (one row per task, then all tasks). */
export function formatEvalTable(report: EvalReport): string {
  const rows = [['task', 'n', 'accuracy', 'format', 'per position']];
  for (const [task, s] of [...Object.entries(report.tasks), ['all', report.overall] as const]) {
    rows.push([task, String(s.n), pct(s.accuracy), pct(s.format), s.positions ? s.positions.map(pct).join(' ') : '']);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd()).join('\n') + '\n';
}

function summary(result: SftResult, out: string): string {
  const lines = [
    `steps: ${result.step}${result.totalSteps ? ` of ${result.totalSteps}` : ''} (${result.stopped}), ${formatDuration(result.wallSec)}`,
    `checkpoint: ${result.checkpoint}`,
    `metrics: ${runPaths(out).metrics}`,
    `curve: ${runPaths(out).curve}`,
  ];
  return (result.eval ? formatEvalTable(result.eval) : 'no held-out records (no split "test" in the dataset)\n') + lines.join('\n') + '\n';
}

/** `ssrl-train sft` on parsed arguments; resolves to the exit code. */
async function runSft(args: CliArgs<typeof sftCli.spec.options>, io: CommandIo): Promise<number> {
  const env = args.backend ? { ...io.env, SSRL_BACKEND: io.env.SSRL_BACKEND ?? args.backend } : io.env;
  await loadBackend({ env, log: args.quiet ? false : (m) => io.err.write(`${m}\n`) });
  const registry = defaultRegistry();
  for (const spec of args.plugin) await loadTaskPlugin(registry, resolvePlugin(spec, io.cwd, 'sft'));
  const progress = trainerProgress('sft', { stream: io.err, quiet: args.quiet, ...(io.signal ? { signal: io.signal } : {}) });
  const result = await trainSft(
    {
      data: resolve(io.cwd, args.data),
      out: resolve(io.cwd, args.out),
      evalData: args['eval-data'] ? resolve(io.cwd, args['eval-data']) : undefined,
      preset: args.preset,
      model: {
        ...(args['image-size'] ? { imageSize: args['image-size'] } : {}),
        ...(args['patch-size'] ? { patchSize: args['patch-size'] } : {}),
        ...(args.features ? { features: args.features } : {}),
      },
      batchSize: args.batch,
      lr: args.lr,
      warmupSteps: args.warmup,
      steps: args.steps,
      minutes: args.steps === undefined ? (args.minutes ?? 20) : undefined,
      seed: args.seed,
      ...(args.template ? { targetTemplate: args.template } : {}),
      ...(args['task-templates'] ? { taskTemplates: args['task-templates'] } : {}),
      ...(args['task-weights'] ? { taskWeights: args['task-weights'] } : {}),
      ...(args.mirror ? { mirror: args.mirror } : {}),
      registry,
      evalEvery: args['eval-every'],
      evalSamples: args['eval-samples'],
      checkpointEvery: args['checkpoint-every'],
      resume: args.resume,
      threads: args.threads,
    },
    { ...progress.hooks, onStep: (p) => progress.step(p.step, p.totalSteps, `loss ${p.loss.toFixed(4)}  ${p.samplesPerSec.toFixed(0)} samples/s`) },
  );
  progress.finish();
  io.out.write(summary(result, resolve(io.cwd, args.out)));
  if (result.stopped === 'aborted') {
    io.err.write('interrupted: add --resume to the same command to continue\n');
    return 130;
  }
  return 0;
}

/** `ssrl-train sft` as a command of the CLI's command table. */
export const sftCommand: Command = command(sftCli, runSft);
