import { defaultRegistry, loadTaskPlugin, taskNeeds, type Task, type TaskRegistry } from '@spatial-ssrl/tasks';
import { z } from 'zod';

/** Names of the built-in pipeline presets; `tiny` is the test-sized one and is not listed in the help. */
export const PIPELINE_PRESETS = ['quick', 'full', 'tiny'] as const;
/** One of {@link PIPELINE_PRESETS}. */
export type PipelinePreset = (typeof PIPELINE_PRESETS)[number];

const budget = z
  .object({
    /** Wall-clock budget in minutes. */
    minutes: z.number().positive().optional(),
    /** A fixed step count instead of a time budget. */
    steps: z.number().int().positive().optional(),
  })
  .refine((b) => (b.minutes === undefined) !== (b.steps === undefined), { message: 'give exactly one of minutes and steps' });

/** Everything that decides a pipeline run; written to `<out>/pipeline.json` and compared on `--resume`. */
export const pipelinePlan = z.object({
  preset: z.enum(PIPELINE_PRESETS),
  /** Task plugin modules (file URLs or package names) whose tasks join the built-in ones. */
  plugins: z.array(z.string().min(1)).default([]),
  /** Seed of generation, weights, data order and sampling (0-4294967295). */
  seed: z.number().int().min(0).max(0xffffffff),
  data: z.union([
    z.object({
      kind: z.literal('generate'),
      /** Source specs as `ssrl-train generate --source` takes them. */
      sources: z.array(z.string().min(1)).min(1),
      /** Samples over all tasks. */
      count: z.number().int().positive(),
      /** Share of source images held out as split `test`, 0-1. */
      testFraction: z.number().min(0).max(1),
      /** Task ids, in registry order (the built-in tasks, then those of `plugins`). */
      tasks: z.array(z.string().min(1)).min(1),
      /** Task params by task id, as `ssrl-train generate --params` takes them. */
      params: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
    }),
    z.object({ kind: z.literal('existing'), dir: z.string().min(1) }),
  ]),
  /** Model preset of `@spatial-ssrl/model`. */
  model: z.enum(['tiny', 'small', 'base']),
  /** Input size and patch size replacing the preset's (both or neither), and optionally its input channels. */
  modelInput: z
    .object({
      imageSize: z.number().int().positive(),
      patchSize: z.number().int().positive(),
      features: z.object({ rgb: z.boolean(), gradients: z.boolean(), edges: z.boolean() }).optional(),
    })
    .optional(),
  sft: budget.and(
    z.object({
      batchSize: z.number().int().positive(),
      lr: z.number().positive(),
      warmupSteps: z.number().int().min(0),
      /** Held-out evaluation every this many steps, for the curve (0: only at the end). */
      evalEvery: z.number().int().min(0),
      /** Held-out records per task in those evaluations. */
      evalSamples: z.number().int().positive(),
      /** Per-task target templates (`trainSft` `taskTemplates`), used by the control run too. */
      taskTemplates: z.record(z.string(), z.string()).default({}),
      /** How often each task's records are visited per epoch (`trainSft` `taskWeights`), control included. */
      taskWeights: z.record(z.string(), z.number().min(0)).default({}),
      /** Chance that a row of a task is shown mirrored left-right (`trainSft` `mirror`), control included. */
      mirror: z.record(z.string(), z.number().min(0).max(1)).default({}),
    }),
  ),
  grpo: budget.and(
    z.object({
      /** Prompts per rollout step. */
      promptsPerStep: z.number().int().positive(),
      /** Responses per prompt (≥ 2). */
      groupSize: z.number().int().min(2),
      lr: z.number().positive(),
      /** Distinct training prompts per task GRPO draws from (the first of each task; default all). */
      promptsPerTask: z.number().int().positive().optional(),
      evalEvery: z.number().int().min(0),
      evalSamples: z.number().int().positive(),
    }),
  ),
  /**
   * SFT continued from the SFT checkpoint (the control run): `steps` SFT steps, or, without them,
   * for the wall-clock time GRPO took.
   */
  control: z.object({
    lr: z.number().positive(),
    warmupSteps: z.number().int().min(0),
    /** A fixed step count; absent: GRPO's wall-clock time. */
    steps: z.number().int().positive().optional(),
  }),
  evaluation: z.object({
    /** Held-out records per task in the final evaluations (0: every test record). */
    perTask: z.number().int().min(0),
    /** Prompts decoded together. */
    batchSize: z.number().int().positive(),
  }),
});
/** A resolved pipeline plan. */
export type PipelinePlan = z.infer<typeof pipelinePlan>;

/** How a pipeline's training stages are budgeted: fixed step counts (reproducible) or wall-clock minutes. */
export const PIPELINE_BUDGETS = ['steps', 'minutes'] as const;
/** One of {@link PIPELINE_BUDGETS}. */
type PipelineBudget = (typeof PIPELINE_BUDGETS)[number];

/** What a preset fixes before command-line overrides. */
type PresetPlan = Omit<PipelinePlan, 'seed' | 'data' | 'plugins'> & {
  readonly data: Omit<Extract<PipelinePlan['data'], { kind: 'generate' }>, 'tasks' | 'params'>;
  /** Whether the tasks' `lowResolutionParams` and `rationaleTemplate` apply (small-model presets). */
  readonly smallModel: boolean;
  /** The wall-clock budgets `--budget minutes` uses instead of the step counts (the control then matches GRPO's time). */
  readonly minutes?: { readonly sft: number; readonly grpo: number };
};

// quick: sized to finish in about 20 minutes on 2 CPU cores with the wasm backend. The model sees
// 48×48 inputs cut into 16-px patches (9 image tokens), so that the seams of the flip and shuffle
// grids cut through image tokens instead of running along their borders, with the edge channels
// (|dx|, |dy|, slant) and the rows mirrored at the rate each task declares (half of the flip,
// shuffle and crop rows): in 20-minute runs on
// the same data (flip weighted 2 instead of 1.5) these took held-out flip from 61 % to 75 % and
// crop from 66 % to 86 % (the model package's README has the runs). 256×192
// scenes lose nothing at that size and generate faster than 640×480 ones; 13,000 samples
// with 22 % of the scenes held out give about 570 test samples per task (≥ 500 needed). The SFT
// learning rate is the tuned default of `trainSft` for this model: at 2e-3 a 6-minute run could
// collapse to one answer per task. Depth and position markers have a 16-px radius and a colour per label:
// at 64 px a white 10-px marker is a blob whose digit cannot be read, and with white markers
// the depth task stayed at chance (18.6 %) after 20 minutes of SFT; coloured ones reached 62 %.
// GRPO draws its prompts from a pool of the first records of each task (200 in quick, 1,000 in
// full), so that a run visits each about five to seven times: on 20,000 prompts seen once each,
// the training reward of this model stayed flat at every setting tried, while on a pool it rises.
// full: about an hour on the same machine, or much less on a GPU backend.
// Budgets are steps, so that the same command gives the same report on any machine with the same
// backend. They are the step counts the wall-clock budgets these presets used to have (quick: SFT
// 6 min, GRPO 3 min; full: 30 and 12 min, kept in `minutes` for `--budget minutes`) reach on an
// idle 2-core machine with the wasm backend and two threads: SFT of this model runs about 338
// steps a minute (the model README's 20-minute runs made 6,722-6,764 steps), less the held-out
// evaluations every `evalEvery` steps; GRPO with 16 prompts × 5 responses about 96 steps a minute
// (289 steps in the 3-minute quick run), less its evaluations. The control is the SFT step count
// of GRPO's time.
// Both SFT stages train a task that declares a `rationaleTemplate` on it (the position task:
// `<think>{direction}</think>\boxed{letter}`): on the letter alone this model stayed at chance
// (25 %) even after 20 minutes, with the direction word first it passed 50 % within 1,000 steps.
// Tasks show the share of rows mirrored that they declare (`mirrorRate`).
const SMALL_MODEL_INPUT = { imageSize: 48, patchSize: 16, features: { rgb: true, gradients: true, edges: true } };
const PRESETS: Readonly<Record<PipelinePreset, PresetPlan>> = {
  quick: {
    preset: 'quick',
    data: { kind: 'generate', sources: ['synthetic:4400:256x192'], count: 13_000, testFraction: 0.22 },
    smallModel: true,
    model: 'small',
    modelInput: SMALL_MODEL_INPUT,
    sft: { steps: 1800, batchSize: 32, lr: 4e-4, warmupSteps: 100, evalEvery: 200, evalSamples: 100, taskTemplates: {}, taskWeights: {}, mirror: {} },
    grpo: { steps: 290, promptsPerStep: 16, groupSize: 5, lr: 1e-4, promptsPerTask: 200, evalEvery: 0, evalSamples: 100 },
    control: { lr: 2e-4, warmupSteps: 10, steps: 900 },
    minutes: { sft: 6, grpo: 3 },
    evaluation: { perTask: 0, batchSize: 64 },
  },
  full: {
    preset: 'full',
    data: { kind: 'generate', sources: ['synthetic:16000:320x240'], count: 48_000, testFraction: 0.1 },
    smallModel: true,
    model: 'small',
    modelInput: SMALL_MODEL_INPUT,
    sft: { steps: 9800, batchSize: 32, lr: 4e-4, warmupSteps: 200, evalEvery: 1000, evalSamples: 200, taskTemplates: {}, taskWeights: {}, mirror: {} },
    grpo: { steps: 900, promptsPerStep: 16, groupSize: 5, lr: 1e-4, promptsPerTask: 1000, evalEvery: 100, evalSamples: 200 },
    control: { lr: 2e-4, warmupSteps: 20, steps: 3600 },
    minutes: { sft: 30, grpo: 12 },
    evaluation: { perTask: 0, batchSize: 64 },
  },
  tiny: {
    preset: 'tiny',
    data: { kind: 'generate', sources: ['synthetic:60:192x144'], count: 150, testFraction: 0.3 },
    smallModel: false,
    model: 'tiny',
    sft: { steps: 30, batchSize: 16, lr: 3e-3, warmupSteps: 5, evalEvery: 0, evalSamples: 20, taskTemplates: {}, taskWeights: {}, mirror: {} },
    grpo: { steps: 3, promptsPerStep: 4, groupSize: 3, lr: 2e-5, evalEvery: 0, evalSamples: 10 },
    control: { lr: 3e-4, warmupSteps: 2, steps: 10 },
    evaluation: { perTask: 0, batchSize: 32 },
  },
};

/** Command-line choices that change a preset. */
export interface PlanOverrides {
  readonly seed?: number;
  /** Source specs replacing the preset's synthetic scenes. */
  readonly sources?: readonly string[];
  /** An existing dataset directory instead of generating one (absolute). */
  readonly dataDir?: string;
  /** Task plugin modules whose tasks were added to the registry given to `resolvePlan`. */
  readonly plugins?: readonly string[];
  /** `minutes`: the preset's wall-clock budgets instead of its step counts (default `steps`). */
  readonly budget?: PipelineBudget;
  /** Task ids to generate instead of every task not declared opt-in (image tasks only: the pipeline's sources are images). */
  readonly tasks?: readonly string[];
}

/**
 * The plan of a preset with the command-line overrides applied (validated). What the preset does
 * per task comes from the tasks of `registry` (built-in ones unless plugins added more): every
 * task not declared opt-in is generated, each task's rows are mirrored at the rate it declares, and small-model
 * presets use each task's `lowResolutionParams` and `rationaleTemplate`.
 */
export function resolvePlan(preset: PipelinePreset, overrides: PlanOverrides = {}, registry: Pick<TaskRegistry, 'list'> = defaultRegistry()): PipelinePlan {
  const { smallModel, minutes, ...preset_ } = PRESETS[preset];
  let base: Omit<PresetPlan, 'smallModel' | 'minutes'> = preset_;
  if (overrides.budget === 'minutes') {
    if (minutes === undefined) throw new RangeError(`preset ${preset} has step budgets only`);
    const { steps: _sft, ...sft } = base.sft;
    const { steps: _grpo, ...grpo } = base.grpo;
    const { steps: _control, ...control } = base.control;
    base = { ...base, sft: { ...sft, minutes: minutes.sft }, grpo: { ...grpo, minutes: minutes.grpo }, control };
  }
  // Tasks declared opt-in (beyond the default mix) run only when named.
  const tasks = overrides.tasks ? namedTasks(registry, overrides.tasks) : registry.list().filter((t) => !t.optIn);
  const byTask = <T>(value: (task: Task<unknown>) => T | undefined): Record<string, T> =>
    Object.fromEntries(tasks.flatMap((t) => {
      const v = value(t);
      return v === undefined ? [] : [[t.id, v]];
    }));
  const generate = {
    ...base.data,
    tasks: tasks.map((t) => t.id),
    params: smallModel ? byTask((t) => t.lowResolutionParams) : {},
  };
  let data: PipelinePlan['data'] = generate;
  if (overrides.dataDir !== undefined) data = { kind: 'existing', dir: overrides.dataDir };
  else if (overrides.sources && overrides.sources.length > 0) data = { ...generate, sources: [...overrides.sources] };
  const sft = {
    ...base.sft,
    taskTemplates: smallModel ? byTask((t) => t.rationaleTemplate) : {},
    mirror: byTask((t) => (t.mirrorAnswer ? t.mirrorRate : undefined)),
  };
  return pipelinePlan.parse({ ...base, sft, plugins: [...(overrides.plugins ?? [])], seed: overrides.seed ?? 0, data });
}

/** Ids of the registered tasks that take one image (with their default params): those `--tasks` can name. */
export function imageTaskIds(registry: Pick<TaskRegistry, 'list'>): string[] {
  return registry.list().filter((t) => taskNeeds(t, t.params.parse({})).kind === 'image').map((t) => t.id);
}

/**
 * The tasks `ids` name, in the order given. Each must be registered and take one image, since the
 * pipeline generates from image sources (clip and view-pair tasks need `ssrl-train generate`).
 */
function namedTasks(registry: Pick<TaskRegistry, 'list'>, ids: readonly string[]): Task<unknown>[] {
  const all = registry.list();
  const seen = new Set<string>();
  return ids.map((id) => {
    if (seen.has(id)) throw new RangeError(`task ${id} is named twice`);
    seen.add(id);
    const task = all.find((t) => t.id === id);
    if (!task) throw new RangeError(`unknown task ${id} (known: ${all.map((t) => t.id).join(', ')})`);
    const needs = taskNeeds(task, task.params.parse({}));
    if (needs.kind !== 'image') throw new RangeError(`task ${id} takes a ${needs.kind}; the pipeline generates from images only (use ssrl-train generate with --clips or --view-pairs, then pipeline --data)`);
    return task;
  });
}

/** The keys (dotted paths) at which two plans differ, for a clear resume error. */
export function planDifferences(a: unknown, b: unknown, prefix = ''): string[] {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) || Array.isArray(b)) {
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix || '(root)'];
  }
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.flatMap((k) => planDifferences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], prefix ? `${prefix}.${k}` : k));
}

/** The built-in tasks plus those of the plugin modules (import specifiers), in that order. */
export async function pipelineRegistry(plugins: readonly string[]): Promise<TaskRegistry> {
  const registry = defaultRegistry();
  for (const plugin of plugins) await loadTaskPlugin(registry, plugin);
  return registry;
}
