import { KL_KINDS } from '@spatial-ssrl/grpo';
import { resolve } from 'node:path';
import { loadBackend } from '@spatial-ssrl/model';
import { GRPO_ESTIMATORS, GRPO_GRADERS, grpoOptions, grpoRunPaths, trainGrpo, type GrpoResult, type GrpoOptions } from '@spatial-ssrl/trainer';
import { defineCommand, formatDuration, type CliArgs } from '@spatial-ssrl/spec/node';
import { backendOption, command, type Command, type CommandIo } from '../command.js';
import { pct, trainerProgress } from '../trainer-progress.js';
import { formatEvalTable } from './sft.js';


// The defaults `trainGrpo` applies, shown in the help (written once, in the trainer's options).
const D = grpoOptions.parse({ init: '-', data: '-', out: '-', steps: 1 });
const shown = (v: number): string => (v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential() : String(v));

// Only the syntax is checked here; ranges are checked once, by `trainGrpo`, with the same messages for every caller.
const R = 'Rollouts';
const O = 'Objective';
const P = 'Optimisation';
const W = 'Output';

/** The command line of `ssrl-train grpo`. */
const grpoCli = defineCommand({
  program: 'ssrl-train',
  name: 'grpo',
  summary: 'GRPO from an SFT checkpoint with the Spatial-SSRL reward',
  usage: 'ssrl-train grpo --init RUN --data DIR --out RUN [options]',
  description: `GRPO from an SFT checkpoint, the Spatial-SSRL recipe with EasyR1 semantics: each step samples
prompts from the dataset's train split, draws a group of responses per prompt, scores them with
the img_score reward (0.9·exact-match accuracy + 0.1·format), turns them into group-relative
advantages and updates the policy with the clipped policy loss plus a KL penalty to the frozen
SFT policy. RUN receives checkpoint/ (atomic, resumable), config.json, metrics.jsonl (reward,
KL, clip fractions, entropy, lengths, timings per step; held-out exact match), rollouts.jsonl
(sampled groups with their rewards) and curve.svg / curve.png (mean reward per step).

Defaults are the values that work for the small tfjs model; [paper: …] gives the Spatial-SSRL
value (a 7B model) where it differs.`,
  options: {
    init: { type: 'string', value: 'RUN', required: true, group: 'Required', description: 'SFT run folder (or checkpoint directory) to start from and to stay close to' },
    data: { type: 'string', value: 'DIR', required: true, group: 'Required', description: 'dataset directory (samples.jsonl + images/)' },
    out: { type: 'string', value: 'RUN', required: true, group: 'Required', description: 'run folder' },
    minutes: { type: 'number', value: 'M', defaultText: '10', group: 'Budget', description: 'wall-clock budget' },
    steps: { type: 'int', value: 'N', group: 'Budget', description: 'run exactly N steps instead of a time budget' },
    prompts: { type: 'int', value: 'N', defaultText: String(D.promptsPerStep), group: R, description: 'prompts per step {default}   [paper: 256]' },
    tasks: {
      type: 'list',
      value: 'LIST',
      defaultText: 'all',
      group: R,
      description: 'comma-separated task ids to draw training prompts from {default};\nheld-out evaluations still cover every task',
    },
    'prompts-per-task': {
      type: 'int',
      value: 'N',
      defaultText: 'all',
      group: R,
      description: 'draw training prompts from the first N records of each task only\n{default}; a pool the run visits several times',
    },
    group: { type: 'int', value: 'N', defaultText: String(D.groupSize), group: R, description: 'responses per prompt, at least 2' },
    temperature: { type: 'number', value: 'T', defaultText: shown(D.temperature), group: R, description: 'sampling temperature > 0' },
    'top-p': { type: 'number', value: 'P', defaultText: shown(D.topP), group: R, description: 'nucleus size in (0, 1]' },
    'max-new-tokens': { type: 'int', value: 'N', defaultText: "the model's context", group: R, description: 'response length limit' },
    grader: {
      type: 'enum',
      value: 'NAME',
      choices: GRPO_GRADERS,
      defaultText: D.grader,
      group: R,
      description: `${GRPO_GRADERS.join(' | ')} {default}:\nexact is the paper's; the others give partial credit and are not EasyR1's reward`,
    },
    'partial-credit': {
      type: 'boolean',
      group: R,
      description: "score answers with parts (orderings, multi-part answers) by their\ntask's partial-credit rule; off: exact match, the paper's",
    },
    'format-weight': { type: 'number', value: 'W', defaultText: shown(D.formatWeight), group: R, description: 'weight of the format reward' },
    'overlong-buffer': {
      type: 'int',
      value: 'N',
      defaultText: `${D.overlongBuffer} = off, the paper's`,
      group: R,
      description: 'DAPO soft overlong punishment: responses longer than the limit minus N\ntokens lose reward linearly, up to --overlong-penalty at the limit',
    },
    'overlong-penalty': { type: 'number', value: 'P', defaultText: shown(D.overlongPenalty), group: R, description: 'reward lost at the length limit' },
    estimator: { type: 'enum', value: 'NAME', choices: GRPO_ESTIMATORS, defaultText: D.estimator, group: O, description: GRPO_ESTIMATORS.join(' | ') },
    'loss-type': { type: 'enum', value: 'NAME', choices: ['default', 'gspo_token', 'cispo'], defaultText: D.lossType, group: O, description: 'default (dual-clip PPO) | gspo_token | cispo' },
    'loss-avg-mode': { type: 'enum', value: 'M', choices: ['token', 'seq', 'constant'], defaultText: D.lossAvgMode, group: O, description: 'token | seq | constant' },
    'clip-low': { type: 'number', value: 'E', defaultText: shown(D.clipRatioLow), group: O, description: 'clip ratio low, in (0, 1)' },
    'clip-high': { type: 'number', value: 'E', defaultText: shown(D.clipRatioHigh), group: O, description: 'clip ratio high, > 0' },
    'clip-dual': { type: 'number', value: 'C', defaultText: shown(D.clipRatioDual), group: O, description: 'dual-clip bound, > 1' },
    'kl-kind': { type: 'enum', value: 'NAME', choices: KL_KINDS, defaultText: D.klKind, group: O, description: KL_KINDS.join(' | ') },
    'kl-coef': { type: 'number', value: 'B', defaultText: shown(D.klCoef), group: O, description: 'KL coefficient' },
    'kl-in-reward': { type: 'boolean', group: O, description: 'subtract the KL from the reward instead of adding it to the loss' },
    'kl-adaptive': { type: 'boolean', group: O, description: 'adapt the coefficient towards --kl-target (default: fixed, as the paper)' },
    'kl-target': { type: 'number', value: 'K', defaultText: shown(D.klTarget), group: O, description: 'target KL of the adaptive controller' },
    'kl-horizon': { type: 'number', value: 'N', defaultText: shown(D.klHorizon), group: O, description: 'horizon of the adaptive controller' },
    'online-filtering': { type: 'boolean', group: O, description: 'drop groups whose mean accuracy is 0 or 1 (DAPO dynamic sampling)' },
    'filter-key': { type: 'enum', value: 'NAME', choices: ['accuracy', 'overall'], defaultText: D.filterKey, group: O, description: 'accuracy | overall: the score the filter averages' },
    lr: { type: 'number', value: 'LR', defaultText: shown(D.lr), group: P, description: 'AdamW learning rate, constant {default}    [paper: 1e-6]' },
    warmup: { type: 'int', value: 'N', defaultText: String(D.warmupSteps), group: P, description: 'optimizer steps of linear warm-up' },
    'weight-decay': { type: 'number', value: 'W', defaultText: shown(D.weightDecay), group: P, description: 'AdamW decoupled weight decay' },
    'clip-norm': { type: 'number', value: 'G', defaultText: shown(D.clipNorm), group: P, description: 'gradient-norm clip, 0 = off' },
    'ppo-epochs': { type: 'int', value: 'N', defaultText: String(D.ppoEpochs), group: P, description: 'update passes per rollout batch' },
    'mini-batch': { type: 'int', value: 'N', defaultText: '--prompts', group: P, description: 'prompts per optimizer step {default}  [paper: 128]' },
    seed: { type: 'int', value: 'S', defaultText: String(D.seed), group: P, description: 'seed of prompt order, sampling and mini-batch order' },
    'eval-every': { type: 'int', value: 'N', defaultText: String(D.evalEvery), group: W, description: 'held-out evaluation every N steps, 0 = only before and after' },
    'eval-samples': { type: 'int', value: 'N', defaultText: String(D.evalSamples), group: W, description: 'held-out records per task per evaluation' },
    'checkpoint-every': { type: 'int', value: 'N', defaultText: 'at evaluations and the end', group: W, description: 'also save a checkpoint every N steps' },
    'rollout-log-every': { type: 'int', value: 'N', defaultText: String(D.rolloutLogEvery), group: W, description: 'write the first group of every N-th step to rollouts.jsonl' },
    resume: { type: 'boolean', group: W, description: 'continue RUN from RUN/checkpoint (same settings)' },
    ref: { type: 'string', value: 'RUN', defaultText: '--init', group: W, description: 'KL reference policy' },
    backend: { ...backendOption, defaultText: 'fastest available; the SSRL_BACKEND variable overrides', group: W },
    threads: {
      type: 'int',
      value: 'N',
      defaultText: String(D.threads),
      group: W,
      description: `1 or 2 {default}: with 2, a copy of the policy in a worker thread
computes half of every rollout, reference pass and mini-batch on the
wasm and cpu backends (the TensorFlow backends use 1: they use every core
already); 1 and 2 differ only by float summation order, and a run
resumes only with the thread count it started with`,
    },
    quiet: { type: 'boolean', group: W, description: 'no progress output' },
  },
  conflicts: [['minutes', 'steps']],
  epilog: `Examples:
  ssrl-train grpo --init runs/sft --data runs/sft-data --out runs/grpo --minutes 10
  ssrl-train grpo --init runs/sft --data runs/sft-data --out runs/grpo --steps 300 --online-filtering
  ssrl-train grpo --init runs/sft --data runs/sft-data --out runs/grpo --minutes 10 --resume`,
});

type GrpoArgs = CliArgs<typeof grpoCli.spec.options>;

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
    partialCredit: a['partial-credit'],
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
    `metrics: ${grpoRunPaths(out).metrics}`,
    `rollouts: ${grpoRunPaths(out).rollouts}`,
    `curve: ${grpoRunPaths(out).curve}`,
  ];
  return parts.join('') + lines.join('\n') + '\n';
}


/** `ssrl-train grpo` on parsed arguments; resolves to the exit code (0 done, 130 interrupted). */
async function runGrpo(args: GrpoArgs, io: CommandIo): Promise<number> {
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
export const grpoCommand: Command = command(grpoCli, runGrpo);
