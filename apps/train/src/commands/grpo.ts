import { KL_KINDS } from '@spatial-ssrl/grpo';
import { resolve } from 'node:path';
import { loadBackend } from '@spatial-ssrl/model';
import { trainGrpo, type GrpoResult, type GrpoOptions } from '@spatial-ssrl/trainer';
import { z } from 'zod';
import { formatDuration } from '@spatial-ssrl/spec/node';
import { parseCommandArgs, type Command, type CommandIo } from '../command.js';
import { pct, trainerProgress } from '../trainer-progress.js';
import { formatEvalTable } from './sft.js';

/** Help text of `ssrl-train grpo`. */
export const grpoHelp = `Usage: ssrl-train grpo --init RUN --data DIR --out RUN [options]

GRPO from an SFT checkpoint, the Spatial-SSRL recipe with EasyR1 semantics: each step samples
prompts from the dataset's train split, draws a group of responses per prompt, scores them with
the img_score reward (0.9·exact-match accuracy + 0.1·format), turns them into group-relative
advantages and updates the policy with the clipped policy loss plus a KL penalty to the frozen
SFT policy. RUN receives checkpoint/ (atomic, resumable), config.json, metrics.jsonl (reward,
KL, clip fractions, entropy, lengths, timings per step; held-out exact match), rollouts.jsonl
(sampled groups with their rewards) and curve.svg / curve.png (mean reward per step).

Defaults are the values that work for the small tfjs model; [paper: …] gives the Spatial-SSRL
value (a 7B model) where it differs.

Required:
  --init RUN           SFT run folder (or checkpoint directory) to start from and to stay close to
  --data DIR           dataset directory (samples.jsonl + images/)
  --out RUN            run folder

Budget:
  --minutes M          wall-clock budget (default 10)
  --steps N            run exactly N steps instead of a time budget

Rollouts:
  --prompts N          prompts per step (default 16)                   [paper: 256]
  --tasks LIST         comma-separated task ids to draw training prompts from (default: all;
                       held-out evaluations still cover every task)
  --prompts-per-task N draw training prompts from the first N records of each task only
                       (default: all); a pool the run visits several times
  --group N            responses per prompt, at least 2 (default 5)
  --temperature T      sampling temperature > 0 (default 1.0)
  --top-p P            nucleus size in (0, 1] (default 1.0)
  --max-new-tokens N   response length limit (default: the model's context)
  --grader NAME        exact | sequence | pairwise | option-letter (default exact, the paper's;
                       the others give partial credit and are not EasyR1's reward)
  --format-weight W    weight of the format reward (default 0.1)
  --overlong-buffer N  DAPO soft overlong punishment: responses longer than the limit minus N
                       tokens lose reward linearly, up to --overlong-penalty at the limit
                       (default 0 = off, the paper's)
  --overlong-penalty P reward lost at the length limit (default 1.0)

Objective:
  --estimator NAME     grpo | rloo | reinforce_plus_plus | dr_grpo (default grpo)
  --loss-type NAME     default | gspo_token | cispo (default default: dual-clip PPO)
  --loss-avg-mode M    token | seq | constant (default token)
  --clip-low E         clip ratio low, in (0, 1) (default 0.2)
  --clip-high E        clip ratio high, > 0 (default 0.3)
  --clip-dual C        dual-clip bound, > 1 (default 3.0)
  --kl-kind NAME       ${KL_KINDS.join(' | ')} (default low_var_kl)
  --kl-coef B          KL coefficient (default 0.01)
  --kl-in-reward       subtract the KL from the reward instead of adding it to the loss
  --kl-adaptive        adapt the coefficient towards --kl-target (default: fixed, as the paper)
  --kl-target K        target KL of the adaptive controller (default 0.1)
  --kl-horizon N       horizon of the adaptive controller (default 10000)
  --online-filtering   drop groups whose mean accuracy is 0 or 1 (DAPO dynamic sampling)
  --filter-key NAME    accuracy | overall: the score the filter averages (default accuracy)

Optimisation:
  --lr LR              AdamW learning rate, constant (default 1e-4)    [paper: 1e-6]
  --warmup N           optimizer steps of linear warm-up (default 0)
  --weight-decay W     (default 0.01)
  --clip-norm G        gradient-norm clip, 0 = off (default 1.0)
  --ppo-epochs N       update passes per rollout batch (default 1)
  --mini-batch N       prompts per optimizer step (default: --prompts)  [paper: 128]
  --seed S             seed of prompt order, sampling and mini-batch order (default 0)

Output:
  --eval-every N       held-out evaluation every N steps, 0 = only before and after (default 50)
  --eval-samples N     held-out records per task per evaluation (default 200)
  --checkpoint-every N also save a checkpoint every N steps (default: at evaluations and the end)
  --rollout-log-every N  write the first group of every N-th step to rollouts.jsonl (default 10)
  --resume             continue RUN from RUN/checkpoint (same settings)
  --ref RUN            KL reference policy (default: --init)
  --backend NAME       tensorflow-gpu | tensorflow | wasm | cpu (default: fastest available;
                       the SSRL_BACKEND variable overrides)
  --threads N          1 or 2 (default 2): with 2, a copy of the policy in a worker thread
                       computes half of every rollout, reference pass and mini-batch on the
                       wasm and cpu backends (the TensorFlow backends use 1: they use every core
                       already); 1 and 2 differ only by float summation order, and a run
                       resumes only with the thread count it started with
  --quiet              no progress output
  -h, --help           show this help

Examples:
  ssrl-train grpo --init runs/sft --data runs/sft-data --out runs/grpo --minutes 10
  ssrl-train grpo --init runs/sft --data runs/sft-data --out runs/grpo --steps 300 --online-filtering
  ssrl-train grpo --init runs/sft --data runs/sft-data --out runs/grpo --minutes 10 --resume
`;

const GRPO_FLAGS = {
  init: { type: 'string' },
  data: { type: 'string' },
  out: { type: 'string' },
  ref: { type: 'string' },
  minutes: { type: 'string' },
  steps: { type: 'string' },
  prompts: { type: 'string' },
  tasks: { type: 'string' },
  'prompts-per-task': { type: 'string' },
  group: { type: 'string' },
  temperature: { type: 'string' },
  'top-p': { type: 'string' },
  'max-new-tokens': { type: 'string' },
  grader: { type: 'string' },
  'format-weight': { type: 'string' },
  'overlong-buffer': { type: 'string' },
  'overlong-penalty': { type: 'string' },
  estimator: { type: 'string' },
  'loss-type': { type: 'string' },
  'loss-avg-mode': { type: 'string' },
  'clip-low': { type: 'string' },
  'clip-high': { type: 'string' },
  'clip-dual': { type: 'string' },
  'kl-kind': { type: 'string' },
  'kl-coef': { type: 'string' },
  'kl-in-reward': { type: 'boolean' },
  'kl-adaptive': { type: 'boolean' },
  'kl-target': { type: 'string' },
  'kl-horizon': { type: 'string' },
  'online-filtering': { type: 'boolean' },
  'filter-key': { type: 'string' },
  lr: { type: 'string' },
  warmup: { type: 'string' },
  'weight-decay': { type: 'string' },
  'clip-norm': { type: 'string' },
  'ppo-epochs': { type: 'string' },
  'mini-batch': { type: 'string' },
  seed: { type: 'string' },
  'eval-every': { type: 'string' },
  'eval-samples': { type: 'string' },
  'checkpoint-every': { type: 'string' },
  'rollout-log-every': { type: 'string' },
  resume: { type: 'boolean' },
  backend: { type: 'string' },
  threads: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const int = z.string().regex(/^\d+$/, 'must be a whole number').transform(Number);
const num = z
  .string()
  .regex(/^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i, 'must be a number')
  .transform(Number);

// Only the syntax is checked here; ranges are checked once, by `trainGrpo`, with the same messages for every caller.
const grpoArgs = z
  .object({
    init: z.string({ error: 'is required' }).min(1),
    data: z.string({ error: 'is required' }).min(1),
    out: z.string({ error: 'is required' }).min(1),
    ref: z.string().min(1).optional(),
    minutes: num.optional(),
    steps: int.optional(),
    prompts: int.optional(),
    tasks: z
      .string()
      .transform((v) => v.split(',').map((t) => t.trim()))
      .refine((ts) => ts.every((t) => t.length > 0), 'must be comma-separated task ids')
      .optional(),
    'prompts-per-task': int.optional(),
    group: int.optional(),
    temperature: num.optional(),
    'top-p': num.optional(),
    'max-new-tokens': int.optional(),
    grader: z.enum(['exact', 'sequence', 'pairwise', 'option-letter']).optional(),
    'format-weight': num.optional(),
    'overlong-buffer': int.optional(),
    'overlong-penalty': num.optional(),
    estimator: z.enum(['grpo', 'rloo', 'reinforce_plus_plus', 'dr_grpo']).optional(),
    'loss-type': z.enum(['default', 'gspo_token', 'cispo']).optional(),
    'loss-avg-mode': z.enum(['token', 'seq', 'constant']).optional(),
    'clip-low': num.optional(),
    'clip-high': num.optional(),
    'clip-dual': num.optional(),
    'kl-kind': z.enum(KL_KINDS).optional(),
    'kl-coef': num.optional(),
    'kl-in-reward': z.boolean().default(false),
    'kl-adaptive': z.boolean().default(false),
    'kl-target': num.optional(),
    'kl-horizon': num.optional(),
    'online-filtering': z.boolean().default(false),
    'filter-key': z.enum(['accuracy', 'overall']).optional(),
    lr: num.optional(),
    warmup: int.optional(),
    'weight-decay': num.optional(),
    'clip-norm': num.optional(),
    'ppo-epochs': int.optional(),
    'mini-batch': int.optional(),
    seed: int.optional(),
    'eval-every': int.optional(),
    'eval-samples': int.optional(),
    'checkpoint-every': int.optional(),
    'rollout-log-every': int.optional(),
    resume: z.boolean().default(false),
    backend: z.enum(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).optional(),
    threads: int.optional(),
    quiet: z.boolean().default(false),
  })
  .refine((a) => a.minutes === undefined || a.steps === undefined, { message: 'give --minutes or --steps, not both', path: ['steps'] });

type GrpoArgs = z.infer<typeof grpoArgs>;

/** Maps command-line arguments to `trainGrpo` options (relative paths resolved against `cwd`). */
export function grpoOptionsFromArgs(a: GrpoArgs, cwd: string): GrpoOptions {
  return {
    init: resolve(cwd, a.init),
    reference: a.ref === undefined ? undefined : resolve(cwd, a.ref),
    data: resolve(cwd, a.data),
    out: resolve(cwd, a.out),
    steps: a.steps,
    minutes: a.steps === undefined ? (a.minutes ?? 10) : undefined,
    promptsPerStep: a.prompts,
    groupSize: a.group,
    temperature: a.temperature,
    topP: a['top-p'],
    maxNewTokens: a['max-new-tokens'],
    grader: a.grader,
    formatWeight: a['format-weight'],
    overlongBuffer: a['overlong-buffer'],
    overlongPenalty: a['overlong-penalty'],
    estimator: a.estimator,
    lossType: a['loss-type'],
    lossAvgMode: a['loss-avg-mode'],
    clipRatioLow: a['clip-low'],
    clipRatioHigh: a['clip-high'],
    clipRatioDual: a['clip-dual'],
    klKind: a['kl-kind'],
    klCoef: a['kl-coef'],
    useKlLoss: !a['kl-in-reward'],
    klController: a['kl-adaptive'] ? 'adaptive' : 'fixed',
    klTarget: a['kl-target'],
    klHorizon: a['kl-horizon'],
    onlineFiltering: a['online-filtering'],
    filterKey: a['filter-key'],
    lr: a.lr,
    warmupSteps: a.warmup,
    weightDecay: a['weight-decay'],
    clipNorm: a['clip-norm'],
    ppoEpochs: a['ppo-epochs'],
    miniBatchSize: a['mini-batch'],
    tasks: a.tasks,
    promptsPerTask: a['prompts-per-task'],
    seed: a.seed,
    evalEvery: a['eval-every'],
    evalSamples: a['eval-samples'],
    checkpointEvery: a['checkpoint-every'],
    rolloutLogEvery: a['rollout-log-every'],
    resume: a.resume,
    threads: a.threads,
  };
}

function summary(result: GrpoResult, out: string): string {
  const parts: string[] = [];
  if (result.initialEval) parts.push(`held-out before GRPO (step 0):\n${formatEvalTable(result.initialEval)}`);
  if (result.eval) parts.push(`held-out after GRPO (step ${result.step}):\n${formatEvalTable(result.eval)}`);
  if (!result.eval && !result.initialEval) parts.push('no held-out evaluation (no split "test" in the dataset, or the run was interrupted)\n');
  const lines = [
    `steps: ${result.step}${result.totalSteps ? ` of ${result.totalSteps}` : ''} (${result.stopped}), ${formatDuration(result.wallSec)}`,
    `checkpoint: ${result.checkpoint}`,
    `metrics: ${resolve(out, 'metrics.jsonl')}`,
    `rollouts: ${resolve(out, 'rollouts.jsonl')}`,
    `curve: ${resolve(out, 'curve.svg')}`,
  ];
  return parts.join('') + lines.join('\n') + '\n';
}


/** `ssrl-train grpo` with explicit streams; resolves to the exit code (0 done, 130 interrupted). */
export async function runGrpoWith(argv: readonly string[], io: CommandIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out.write(grpoHelp);
    return 0;
  }
  const args = parseCommandArgs('grpo', argv, GRPO_FLAGS, grpoArgs);
  const env = args.backend ? { ...io.env, SSRL_BACKEND: io.env.SSRL_BACKEND ?? args.backend } : io.env;
  await loadBackend({ env, log: args.quiet ? false : (m) => io.err.write(`${m}\n`) });
  const progress = trainerProgress('grpo', { stream: io.err, quiet: args.quiet, ...(io.signal ? { signal: io.signal } : {}) });
  const result = await trainGrpo(grpoOptionsFromArgs(args, io.cwd), {
    ...progress.hooks,
    onStep: (p) =>
      progress.step(
        p.step,
        p.totalSteps,
        `reward ${p.reward.toFixed(3)}  acc ${pct(p.accuracy)}  KL ${p.kl.toFixed(4)}  rollout ${p.rolloutSec.toFixed(1)}s  update ${p.updateSec.toFixed(1)}s`,
      ),
  });
  progress.finish();
  io.out.write(summary(result, resolve(io.cwd, args.out)));
  if (result.stopped === 'aborted') {
    io.err.write('interrupted: add --resume to the same command to continue\n');
    return 130;
  }
  return 0;
}

/** `ssrl-train grpo` as a command of the CLI's command table. */
export const grpoCommand: Command = {
  name: 'grpo',
  summary: 'GRPO from an SFT checkpoint with the Spatial-SSRL reward',
  help: grpoHelp,
  run: runGrpoWith,
};
