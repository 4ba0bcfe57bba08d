import { resolve } from 'node:path';
import { loadBackend, ModelError } from '@spatial-ssrl/model';
import { trainSft, type EvalReport, type SftResult } from '@spatial-ssrl/trainer';
import { defaultRegistry, loadTaskPlugin } from '@spatial-ssrl/tasks';
import { z } from 'zod';
import { formatDuration } from '@spatial-ssrl/spec/node';
import { jsonFlag, parseCommandArgs, resolvePlugin, UsageError, type Command, type CommandIo } from '../command.js';
import { TASK_EXAMPLES } from '../task-examples.js';
import { pct, trainerProgress } from '../trainer-progress.js';

/** Help text of `ssrl-train sft`. */
export const sftHelp = `Usage: ssrl-train sft --data DIR --out RUN [options]

Supervised cold start of the TensorFlow.js policy on a dataset written by "ssrl-train generate":
teacher forcing on "<think></think>\\boxed{answer}", AdamW with warm-up and cosine decay,
held-out exact-match evaluation on the dataset's test split. RUN receives checkpoint/ (atomic,
resumable), metrics.jsonl, curve.svg and curve.png (loss and accuracy) and run.json.

Options:
  --data DIR           dataset directory (samples.jsonl + images/)            [required]
  --out RUN            run folder                                             [required]
  --eval-data DIR      evaluate on the test split of another dataset directory
  --preset NAME        tiny | small | base (default small)
  --image-size PX      override the preset's input size (a multiple of the patch size)
  --patch-size PX      override the preset's patch size (one image token per patch)
  --features LIST      input channels per pixel, comma-separated: rgb, gradients (dx, dy),
                       edges (|dx|, |dy| and the diagonal slant) (default rgb,gradients)
  --minutes M          wall-clock budget, image decoding included (default 20)
  --steps N            train exactly N steps instead of a time budget
  --batch B            batch size (default 32)
  --lr LR              peak learning rate (default 0.0004)
  --warmup N           warm-up steps (default 100)
  --seed S             seed of weights, data order and dropout (default 0)
  --template TEXT      answer text trained on, {answer} standing for the record's answer
                       (default "<think></think>\\boxed{{answer}}")
  --task-templates JSON
                       templates for named tasks, which may also use {meta.KEY}, a field of
                       the record's meta, e.g. a rationale for ${TASK_EXAMPLES.rationaleTask}:
                       ${TASK_EXAMPLES.templates}
  --task-weights JSON  visits of each task's records per epoch (default 1 each), e.g.
                       ${TASK_EXAMPLES.weights}: 0.5 = a seeded half, 0 = left out
  --mirror JSON        chance that a training row of a task is shown mirrored left-right,
                       its answer mapped by the task, e.g. ${TASK_EXAMPLES.mirror}
                       (tasks that define no mirrored answer, like ${TASK_EXAMPLES.unmirrored}, are refused)
  --plugin MODULE      task plugin (as for generate) whose tasks --mirror may name, repeatable
  --eval-every N       evaluate every N steps, 0 = only at the end (default 500)
  --eval-samples N     held-out records per task per evaluation (default 500)
  --checkpoint-every N also save a checkpoint every N steps (default: at evaluations)
  --resume             continue RUN from RUN/checkpoint (same settings)
  --backend NAME       tensorflow-gpu | tensorflow | wasm | cpu (default: fastest available;
                       the SSRL_BACKEND variable overrides)
  --threads N          1 or 2 (default 2): with 2, a copy of the model in a worker thread
                       computes the gradient of half of every batch on the wasm and cpu
                       backends (the TensorFlow backends use 1: they use every core already);
                       without dropout 1 and 2 differ only by float summation order, and a
                       run resumes only with the thread count it started with
  --quiet              no progress output
  -h, --help           show this help

Examples:
  ssrl-train sft --data runs/sft-data --out runs/sft --minutes 20
  ssrl-train sft --data runs/sft-data --out runs/sft --steps 2000 --batch 64 --seed 3
  ssrl-train sft --data runs/sft-data --out runs/sft --minutes 20 --resume
`;

const SFT_FLAGS = {
  data: { type: 'string' },
  out: { type: 'string' },
  'eval-data': { type: 'string' },
  preset: { type: 'string' },
  'image-size': { type: 'string' },
  'patch-size': { type: 'string' },
  features: { type: 'string' },
  mirror: { type: 'string' },
  plugin: { type: 'string', multiple: true },
  minutes: { type: 'string' },
  steps: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  warmup: { type: 'string' },
  seed: { type: 'string' },
  template: { type: 'string' },
  'task-templates': { type: 'string' },
  'task-weights': { type: 'string' },
  'eval-every': { type: 'string' },
  'eval-samples': { type: 'string' },
  'checkpoint-every': { type: 'string' },
  resume: { type: 'boolean' },
  backend: { type: 'string' },
  threads: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min).max(max));
const positive = z
  .string()
  .regex(/^(\d+(\.\d*)?|\.\d+)(e-?\d+)?$/i, 'must be a positive number')
  .transform(Number)
  .pipe(z.number().positive());

const sftArgs = z
  .object({
    data: z.string({ error: 'is required' }).min(1),
    out: z.string({ error: 'is required' }).min(1),
    'eval-data': z.string().min(1).optional(),
    preset: z.enum(['tiny', 'small', 'base']).default('small'),
    'image-size': int(8, 512).optional(),
    'patch-size': int(2, 64).optional(),
    features: z
      .string()
      .transform((s) => s.split(',').map((f) => f.trim()))
      .pipe(z.array(z.enum(['rgb', 'gradients', 'edges'], { error: 'must list rgb, gradients or edges, comma-separated' })).min(1))
      .transform((list) => ({ rgb: list.includes('rgb'), gradients: list.includes('gradients'), edges: list.includes('edges') }))
      .optional(),
    mirror: jsonFlag(z.record(z.string(), z.number().min(0).max(1), { error: 'must be a JSON object of task → chance (0-1)' })).optional(),
    plugin: z.array(z.string().min(1)).default([]),
    minutes: positive.optional(),
    steps: int(1).optional(),
    batch: int(1, 4096).default(32),
    lr: positive.default(4e-4),
    warmup: int(0).default(100),
    seed: int(0, 0xffffffff).default(0),
    template: z.string().includes('{answer}', { message: 'must contain {answer}' }).optional(),
    'task-templates': jsonFlag(
      z.record(z.string(), z.string().includes('{answer}', { message: 'must contain {answer}' }), { error: 'must be a JSON object of task → template' }),
    ).optional(),
    'task-weights': jsonFlag(z.record(z.string(), z.number().min(0).max(1000), { error: 'must be a JSON object of task → weight (a number ≥ 0)' })).optional(),
    'eval-every': int(0).default(500),
    'eval-samples': int(1).default(500),
    'checkpoint-every': int(0).default(0),
    resume: z.boolean().default(false),
    backend: z.enum(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).optional(),
    threads: int(0).optional(),
    quiet: z.boolean().default(false),
  })
  .refine((a) => a.minutes === undefined || a.steps === undefined, { message: 'give --minutes or --steps, not both', path: ['steps'] });


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
    `metrics: ${resolve(out, 'metrics.jsonl')}`,
    `curve: ${resolve(out, 'curve.svg')}`,
  ];
  return (result.eval ? formatEvalTable(result.eval) : 'no held-out records (no split "test" in the dataset)\n') + lines.join('\n') + '\n';
}

/** `ssrl-train sft` with explicit streams; resolves to the exit code. */
export async function runSftWith(argv: readonly string[], io: CommandIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out.write(sftHelp);
    return 0;
  }
  const args = parseCommandArgs('sft', argv, SFT_FLAGS, sftArgs);
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
export const sftCommand: Command = {
  name: 'sft',
  summary: 'supervised cold start of the tfjs policy on a generated dataset',
  help: sftHelp,
  run: runSftWith,
};
