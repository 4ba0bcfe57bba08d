import { KL_KINDS } from '@spatial-ssrl/grpo';
import { z } from 'zod';
import { parseOptionsOf } from '../parse-options.js';

/** Advantage estimators `trainGrpo` can use (EasyR1 `adv_estimator` names). */
export const GRPO_ESTIMATORS = ['grpo', 'rloo', 'reinforce_plus_plus', 'dr_grpo'] as const;

/** Accuracy graders of the reward: `exact` is EasyR1's; the others give partial credit. */
export const GRPO_GRADERS = ['exact', 'sequence', 'pairwise', 'option-letter'] as const;

/** Learning rate the `small` preset trains with after SFT (the paper's 1e-6 is for a 7B model). */
export const SMALL_MODEL_GRPO_LR = 1e-4;

/**
 * Options of `trainGrpo`; parse user input with `grpoOptions.parse`. Defaults follow the
 * Spatial-SSRL recipe (EasyR1 semantics) except where a small model needs its own value:
 * `lr` (paper 1e-6), `promptsPerStep` (paper 256) and `miniBatchSize` (paper 128).
 */
export const grpoOptions = z
  .object({
    /** The starting policy: an SFT run folder (with `checkpoint/`) or a checkpoint directory. */
    init: z.string().min(1),
    /** The frozen KL reference policy (run folder or checkpoint); default `init`. */
    reference: z.string().min(1).optional(),
    /** Dataset directory (`samples.jsonl` + images); prompts come from split `train`, evaluation from `test`. */
    data: z.string().min(1),
    /** Run folder: `checkpoint/`, `config.json`, `metrics.jsonl`, `rollouts.jsonl`, `curve.svg`. */
    out: z.string().min(1),
    /** Rollout-and-update steps; with `minutes` instead, the run stops at the time budget. */
    steps: z.number().int().positive().optional(),
    /** Wall-clock budget of the whole run in minutes. */
    minutes: z.number().positive().optional(),
    /** Prompts sampled per step (EasyR1 `rollout_batch_size`; paper 256). */
    promptsPerStep: z.number().int().min(1).max(4096).default(16),
    /** Responses per prompt, n ≥ 2 (paper 5). */
    groupSize: z.number().int().default(5),
    /** Sampling temperature > 0 (paper 1.0). */
    temperature: z.number().default(1),
    /** Nucleus size in (0, 1] (paper 1.0). */
    topP: z.number().default(1),
    /** Most generated tokens per response, EOS included; default the model's `maxAnswerTokens`. */
    maxNewTokens: z.number().int().min(1).optional(),
    estimator: z.enum(GRPO_ESTIMATORS).default('grpo'),
    /** Policy loss variant (paper `default`: dual-clip PPO). */
    lossType: z.enum(['default', 'gspo_token', 'cispo']).default('default'),
    /** Loss aggregation (paper `token`; `constant` is Dr. GRPO's fixed normaliser). */
    lossAvgMode: z.enum(['token', 'seq', 'constant']).default('token'),
    /** εl in (0, 1) (paper 0.2). */
    clipRatioLow: z.number().default(0.2),
    /** εh > 0 (paper 0.3). */
    clipRatioHigh: z.number().default(0.3),
    /** Dual-clip bound c > 1 (paper 3.0). */
    clipRatioDual: z.number().default(3),
    /** KL estimator (paper `low_var_kl`, k3). */
    klKind: z.enum(KL_KINDS).default('low_var_kl'),
    /** KL coefficient β ≥ 0 (paper 1e-2). */
    klCoef: z.number().min(0).default(1e-2),
    /** KL as a loss term (paper) rather than subtracted from the token rewards. */
    useKlLoss: z.boolean().default(true),
    /** `adaptive` steers β towards `klTarget` (Ziegler et al. 2019); paper `fixed`. */
    klController: z.enum(['fixed', 'adaptive']).default('fixed'),
    /** KL the adaptive controller aims at, nats per token. */
    klTarget: z.number().positive().default(0.1),
    /** Responses over which the adaptive controller applies a full ±20 % correction. */
    klHorizon: z.number().positive().default(10000),
    /** Update passes over each rollout batch (EasyR1 `ppo_epochs`; paper 1). */
    ppoEpochs: z.number().int().min(1).max(64).default(1),
    /** Prompts (groups) per optimizer step (EasyR1 `global_batch_size`; paper 128); default `promptsPerStep`. */
    miniBatchSize: z.number().int().min(1).optional(),
    /** AdamW learning rate, constant after warm-up. */
    lr: z.number().positive().default(SMALL_MODEL_GRPO_LR),
    /** Optimizer updates of linear warm-up (paper 0). */
    warmupSteps: z.number().int().min(0).default(0),
    /** Decoupled weight decay (paper 1e-2). */
    weightDecay: z.number().min(0).default(1e-2),
    /** Global gradient-norm limit, 0 = off (EasyR1 `max_grad_norm` 1.0). */
    clipNorm: z.number().min(0).default(1),
    /** DAPO dynamic sampling: drop groups whose mean `filterKey` score is outside (filterLow, filterHigh). */
    onlineFiltering: z.boolean().default(false),
    filterKey: z.enum(['accuracy', 'overall']).default('accuracy'),
    filterLow: z.number().default(0.01),
    filterHigh: z.number().default(0.99),
    grader: z.enum(GRPO_GRADERS).default('exact'),
    /**
     * Score answers with parts by their task's partial-credit rule (`Task.partialCredit`): the
     * accuracy term becomes the partial score in [0, 1]; tasks without a rule keep `grader`.
     * Off by default (EasyR1's exact match).
     */
    partialCredit: z.boolean().default(false),
    /** Weight of the format reward in [0, 1] (paper 0.1). */
    formatWeight: z.number().min(0).max(1).default(0.1),
    /**
     * DAPO soft overlong punishment: responses longer than `maxNewTokens − overlongBuffer` tokens
     * lose up to `overlongPenalty` of reward, linearly, reaching it at the length limit (0 = off, the paper).
     */
    overlongBuffer: z.number().int().min(0).default(0),
    overlongPenalty: z.number().min(0).default(1),
    /**
     * Task ids whose training prompts GRPO samples (default: every task of the dataset). The
     * held-out evaluations still cover every task.
     */
    tasks: z.array(z.string().min(1)).min(1).optional(),
    /**
     * Distinct training prompts per task GRPO draws from: the first N records of each task in the
     * dataset (default: all). A pool small enough to be visited several times in a run lets the
     * policy learn from its own repeated attempts at the same prompts; held-out evaluation shows
     * whether that carries over to new ones.
     */
    promptsPerTask: z.number().int().min(1).optional(),
    seed: z.number().int().min(0).max(0xffffffff).default(0),
    /** Held-out evaluation every this many steps (0: only before and after training). */
    evalEvery: z.number().int().min(0).default(50),
    /** Held-out records per task per evaluation. */
    evalSamples: z.number().int().min(1).default(200),
    /** Save a checkpoint every this many steps (0: only at evaluations and at the end). */
    checkpointEvery: z.number().int().min(0).default(0),
    /** Write the first group of every this many steps to `rollouts.jsonl` (0: never). */
    rolloutLogEvery: z.number().int().min(0).default(10),
    /**
     * Threads that compute a step (1 or 2): with 2, a replica of the policy in a worker thread
     * takes half of the groups of every rollout, reference pass and mini-batch. Only the wasm and
     * cpu backends use it (the TensorFlow backends run on every core already); the results differ
     * from 1 thread only by the order of float sums.
     */
    threads: z.number().int().default(2),
    /** Continue from `<out>/checkpoint`. */
    resume: z.boolean().default(false),
    /** Save a checkpoint when stopped through the abort signal. */
    saveOnAbort: z.boolean().default(true),
  })
  .superRefine((o, ctx) => {
    const issue = (path: string, message: string): void => ctx.addIssue({ code: 'custom', path: [path], message });
    if (o.steps === undefined && o.minutes === undefined) issue('steps', 'give steps or minutes');
    if (o.groupSize < 2) {
      issue('groupSize', `must be at least 2, got ${o.groupSize}: group-relative advantages compare the responses of one prompt`);
    }
    if (o.threads !== 1 && o.threads !== 2) issue('threads', `must be 1 or 2, got ${o.threads}`);
    if (o.groupSize > 256) issue('groupSize', `must be at most 256, got ${o.groupSize}`);
    if (!(o.temperature > 0 && Number.isFinite(o.temperature))) {
      issue('temperature', `must be > 0, got ${o.temperature}: greedy rollouts give every response of a group the same answer`);
    }
    if (!(o.topP > 0 && o.topP <= 1)) issue('topP', `must be in (0, 1], got ${o.topP}`);
    if (!(o.clipRatioLow > 0 && o.clipRatioLow < 1)) issue('clipRatioLow', `must be in (0, 1), got ${o.clipRatioLow}`);
    if (!(o.clipRatioHigh > 0 && Number.isFinite(o.clipRatioHigh))) issue('clipRatioHigh', `must be > 0, got ${o.clipRatioHigh}`);
    if (!(o.clipRatioDual > 1)) issue('clipRatioDual', `must be > 1, got ${o.clipRatioDual}`);
    if (!(o.filterLow < o.filterHigh)) issue('filterLow', `must be below filterHigh (${o.filterHigh}), got ${o.filterLow}`);
    if (o.miniBatchSize !== undefined && o.miniBatchSize > o.promptsPerStep) {
      issue('miniBatchSize', `must be at most promptsPerStep (${o.promptsPerStep}), got ${o.miniBatchSize}`);
    }
  });

/** Options as written by callers (defaults applied by `trainGrpo`). */
export type GrpoOptions = z.input<typeof grpoOptions>;

/** Options with every default applied. */
export type GrpoSettings = z.output<typeof grpoOptions>;

/** Validates options; a bad value is a `ModelError` (`bad-config`) naming the option. */
export function parseGrpoOptions(input: GrpoOptions): GrpoSettings {
  return parseOptionsOf(grpoOptions, 'grpo', input);
}
