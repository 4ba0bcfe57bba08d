import type { DepthMap, RgbImage } from '@spatial-ssrl/image';
import type { z } from 'zod';
import type { Rng } from '@spatial-ssrl/spec';

/** What a task needs from its source image. */
export type TaskNeeds = 'rgb' | 'rgbd';

/** The source image handed to a task: RGB, plus depth for RGB-D sources. */
export interface TaskInput {
  readonly rgb: RgbImage;
  readonly depth?: DepthMap;
  /** Dataset and id of the source image, for messages and metadata. */
  readonly source: { readonly dataset: string; readonly id: string };
}

/** One output image of a sample, in prompt placeholder order. */
export interface TaskImage {
  /** Short name used in the file name, e.g. `masked`, `option-a`. */
  readonly name: string;
  readonly image: RgbImage;
  /** Encoding on disk; `png` (lossless) unless the task says otherwise. */
  readonly format?: 'png' | 'jpeg';
}

/** A generated sample, before it is written to disk. */
export interface TaskSample {
  /** Sub-kind of the task, e.g. `2x2`, `2x2-masked`, `h3`; one of `task.variants(params)`. */
  readonly variant: string;
  /** The prompt with one `<image>` placeholder per image, in image order. */
  readonly prompt: string;
  /** The ground-truth answer, compared by exact string match. */
  readonly answer: string;
  readonly images: readonly TaskImage[];
  /** What the task decided: enough to verify the answer without looking at the images. */
  readonly meta: Readonly<Record<string, unknown>>;
}

/** A source image on which the task cannot make a sample, with a machine code and a sentence. */
export interface TaskRejection {
  readonly rejected: true;
  /** Stable machine-readable code, e.g. `no-depth-range`, `identity-permutation`. */
  readonly code: string;
  readonly reason: string;
}

export type TaskResult = TaskSample | TaskRejection;

/** What `Task.mirrorAnswer` reads of a sample (a `samples.jsonl` record has these fields). */
export interface MirrorInput {
  readonly variant: string;
  readonly answer: string;
  readonly meta: Readonly<Record<string, unknown>>;
}

/**
 * A numeric parameter that makes a task harder or easier, with the range in which the task
 * still makes samples. `param` is a field of the params (a dotted path for a nested one).
 */
export interface DifficultyKnob {
  readonly param: string;
  /** Range of useful values, in the param's own unit. */
  readonly min: number;
  readonly max: number;
  /** Which end of the range makes samples harder. */
  readonly harder: 'higher' | 'lower';
  /** One sentence: what the knob changes and its unit. */
  readonly description: string;
}

/** A self-supervised pretext task: a pure function of (params, source image, rng). */
export interface Task<P = unknown> {
  /** Unique id; equals the task's folder name. */
  readonly id: string;
  /** One sentence for help texts. */
  readonly description: string;
  readonly needs: TaskNeeds;
  /** Validates and fills defaults for the task's parameters. */
  readonly params: z.ZodType<P>;
  /** The variants these params can produce. */
  variants(params: P): readonly string[];
  /** Number of images a sample of this variant carries. */
  imageCount(params: P, variant: string): number;
  /** Every answer a sample of this variant can have. */
  answerSpace(params: P, variant: string): readonly string[];
  /** Makes one sample, or a rejection; must draw all randomness from `rng`. */
  generate(input: TaskInput, params: P, rng: Rng): TaskResult;
  /**
   * Optional, for training-time augmentation: the answer of the same sample after every one of
   * its images is mirrored left-right (pixel x → width − 1 − x, drawn labels included), with the
   * prompt unchanged; `null` when that mirrored sample has no answer under the same prompt.
   * Tasks without it are never mirrored. Applying it twice must give the answer back.
   */
  mirrorAnswer?(sample: MirrorInput): string | null;
  /**
   * Optional, for reading data written elsewhere (the Spatial-SSRL-81k release, trainer
   * exports): the variant of a prompt this task writes, given the prompt's words as
   * `promptWords` returns them (placeholders and the RL format instruction removed, whitespace
   * collapsed); `null` for any other prompt.
   */
  recognizePrompt?(words: string): string | null;
  /**
   * Optional, with `mirrorAnswer`: the share of training rows (0-1) that presets show mirrored,
   * where mirroring was found to help; absent, presets do not mirror the task.
   */
  readonly mirrorRate?: number;
  /**
   * Optional: the accuracy of a uniform guess at a sample of `variant` under `params`, in (0, 1].
   * Without it, chance is 1 / |answerSpace(params, variant)| (see `taskChance`).
   */
  chance?(params: P, variant: string): number;
  /** Optional: the params that set how hard samples are, with their ranges (none when absent). */
  readonly difficulty?: readonly DifficultyKnob[];
  /**
   * Optional: an SFT target template that states the reasoning before the answer, e.g.
   * `<think>{meta.direction}</think>\boxed{{answer}}` (`{answer}` and `{meta.KEY}` fields of the
   * record); trainers may use it instead of the plain answer target.
   */
  readonly rationaleTemplate?: string;
  /**
   * Optional: params that keep samples readable when a model sees the images at a few dozen
   * pixels (e.g. larger, coloured markers), merged over the user's params by presets for small models.
   */
  readonly lowResolutionParams?: Readonly<Record<string, unknown>>;
}

/**
 * Chance accuracy of `task` for a sample of `variant` under parsed `params`: the task's own
 * `chance` when it declares one, else 1 / |answer space|; in (0, 1].
 */
export function taskChance<P>(task: Task<P>, params: P, variant: string): number {
  const chance = task.chance ? task.chance(params, variant) : 1 / task.answerSpace(params, variant).length;
  if (!(chance > 0 && chance <= 1)) throw new RangeError(`task ${task.id}: chance of variant ${variant} is ${chance}, not in (0, 1]`);
  return chance;
}

/** Type guard for a rejection. */
export function isRejection(result: TaskResult): result is TaskRejection {
  return (result as TaskRejection).rejected === true;
}

/** Identity helper that keeps a task's parameter type when defining it. */
export function defineTask<P>(task: Task<P>): Task<P> {
  return task;
}
