import type { TaskRegistry } from '@spatial-ssrl/tasks';
import { z } from 'zod';
import { parseOptionsOf } from '../parse-options.js';
import { DEFAULT_TARGET_TEMPLATE } from './batching.js';

/** Options of `trainSft`; parse user input with `sftOptions.parse`. */
export const sftOptions = z
  .object({
    /** Dataset directory (`samples.jsonl` + images). */
    data: z.string().min(1),
    /** Dataset directory whose `split: 'test'` records are evaluated instead of those of `data`. */
    evalData: z.string().min(1).optional(),
    /** Run folder: `checkpoint/`, `metrics.jsonl`, `curve.svg`, `run.json`, the image cache. */
    out: z.string().min(1),
    /** Built-in model configuration. */
    preset: z.enum(['tiny', 'small', 'base']).default('small'),
    /** Fields overriding the preset (e.g. `{ imageSize: 48 }`). */
    model: z.record(z.string(), z.unknown()).default({}),
    batchSize: z.number().int().min(1).max(4096).default(32),
    /**
     * Peak learning rate. On the synthetic Spatial-SSRL data (small preset, batch 32, 500 steps)
     * 3e-4 to 7e-4 learned flip and shuffle faster than 2e-3.
     */
    lr: z.number().positive().default(4e-4),
    warmupSteps: z.number().int().min(0).default(100),
    minLrRatio: z.number().min(0).max(1).default(0.05),
    weightDecay: z.number().min(0).default(0.01),
    clipNorm: z.number().min(0).default(1),
    /** Training steps; with `minutes` instead, the count is fitted to the time budget. */
    steps: z.number().int().positive().optional(),
    /** Wall-clock budget of the whole run in minutes (image caching and the final evaluation included); the schedule is fitted after 50 steps. */
    minutes: z.number().positive().optional(),
    seed: z.number().int().min(0).max(0xffffffff).default(0),
    /** Evaluate on held-out records every this many steps (0: only at the end). */
    evalEvery: z.number().int().min(0).default(500),
    /** Also evaluate the untrained model before the first step (a baseline on the curve). */
    evalAtStart: z.boolean().default(false),
    /** Held-out records per task in each evaluation. */
    evalSamples: z.number().int().min(1).default(500),
    /** Save a checkpoint every this many steps (0: only at evaluations and at the end). */
    checkpointEvery: z.number().int().min(0).default(0),
    /** Steps per `metrics.jsonl` training line. */
    logEvery: z.number().int().min(1).default(10),
    /** Answer text trained on; `{answer}` is replaced by the record's answer. */
    targetTemplate: z.string().includes('{answer}').default(DEFAULT_TARGET_TEMPLATE),
    /**
     * Per-task templates replacing `targetTemplate` for the tasks they name; besides `{answer}` they
     * may use `{meta.KEY}`, a field of the record's `meta` (e.g. a position rationale,
     * `<think>{meta.direction}</think>\\boxed{{answer}}`).
     */
    taskTemplates: z.record(z.string(), z.string().includes('{answer}')).default({}),
    /**
     * How often each task's training records are visited per epoch, by task id (default 1 each):
     * 2 twice, 0.5 a seeded half (another half every epoch), 0 not at all.
     */
    taskWeights: z.record(z.string(), z.number().min(0).max(1000)).default({}),
    /**
     * Left-right mirroring as augmentation, by task id: the chance (0-1) that a training row of
     * that task is shown with every image mirrored and its answer mapped by the task's
     * `mirrorAnswer` (e.g. `{ flip: 0.5, shuffle: 0.5, crop: 0.5 }`); a pure function of
     * `(seed, step, row)`. Tasks without `mirrorAnswer` (position) cannot be named.
     */
    mirror: z.record(z.string(), z.number().min(0).max(1)).default({}),
    /** Where the tasks named by `mirror` are looked up (default: the built-in tasks). */
    registry: z
      .custom<TaskRegistry>((v) => typeof v === 'object' && v !== null && typeof (v as TaskRegistry).has === 'function' && typeof (v as TaskRegistry).get === 'function', {
        message: 'must be a task registry (createRegistry / defaultRegistry of @spatial-ssrl/tasks)',
      })
      .optional(),
    /** Continue from `<out>/checkpoint`. */
    resume: z.boolean().default(false),
    /** Save a checkpoint when stopped through the abort signal (default true). */
    saveOnAbort: z.boolean().default(true),
    /**
     * Threads that compute a step (1 or 2): with 2, a replica of the model in a worker thread
     * computes the gradient of half of every batch's rows. Only the wasm and cpu backends use it
     * (the TensorFlow backends run on every core already). Without dropout the result differs
     * from 1 thread only by the order of float sums; with dropout the masks differ.
     */
    threads: z.number().default(2),
  })
  .superRefine((o, ctx) => {
    if (o.steps === undefined && o.minutes === undefined) ctx.addIssue({ code: 'custom', path: [], message: 'give steps or minutes' });
    if (o.threads !== 1 && o.threads !== 2) ctx.addIssue({ code: 'custom', path: ['threads'], message: `must be 1 or 2, got ${o.threads}` });
  });

/** Options as written by callers (defaults applied by `trainSft`). */
export type SftOptions = z.input<typeof sftOptions>;

/** Options with every default applied. */
export type SftSettings = z.output<typeof sftOptions>;

/** Validates options; a bad value is a `ModelError` (`bad-config`) naming the option. */
export function parseSftOptions(input: SftOptions): SftSettings {
  return parseOptionsOf(sftOptions, 'sft', input);
}
