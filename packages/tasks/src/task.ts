import type { CapturedView, ClipFrame, ClipSampling, DepthMap, RgbImage } from '@spatial-ssrl/image';
import type { z } from 'zod';
import type { Rng } from '@spatial-ssrl/spec';
import type { PartialCreditRule } from '@spatial-ssrl/rewards';

/** A task that takes one image, RGB or (with `depth: true`) RGB-D. */
export interface ImageNeeds {
  readonly kind: 'image';
  readonly depth: boolean;
}

/**
 * A task that takes frames of a clip (video, frame folder, fly-through), picked by `sampling`
 * (how many frames, the gap between them, see `ClipSampling`); `depth` / `cameras` ask for
 * clips whose frames carry depth or their camera.
 */
export interface ClipNeeds {
  readonly kind: 'clip';
  readonly sampling: ClipSampling;
  readonly depth: boolean;
  readonly cameras: boolean;
}

/** A task that takes two views of one scene with their cameras (and depth when `depth`). */
export interface ViewPairNeeds {
  readonly kind: 'view-pair';
  readonly depth: boolean;
}

/** What a task takes as input, as data; `rgb` and `rgbd` are short for one image without and with depth. */
export type InputNeeds = ImageNeeds | ClipNeeds | ViewPairNeeds;

/** What a task declares it needs: a short form (`rgb`, `rgbd`), the full declaration, or a declaration computed from the params. */
export type TaskNeeds<P = any> = 'rgb' | 'rgbd' | InputNeeds | ((params: P) => InputNeeds);

/** Dataset and id of a task's source (an image, a clip, a view pair), for messages and metadata. */
export interface TaskSourceRef {
  readonly dataset: string;
  readonly id: string;
}

/** The source image handed to an image task: RGB, plus depth for RGB-D sources. */
export interface TaskInput {
  readonly rgb: RgbImage;
  readonly depth?: DepthMap;
  /** Dataset and id of the source image, for messages and metadata. */
  readonly source: TaskSourceRef;
}

/** The frames handed to a clip task: picked by the task's `ClipNeeds.sampling`, in clip order. */
export interface ClipInput {
  readonly kind: 'clip';
  /** The picked frames in clip order, each with its index, time (seconds), RGB and, when the source has them, depth and camera. */
  readonly frames: readonly ClipFrame[];
  /** Frames on the clip's whole timeline and its nominal frame rate, frames per second. */
  readonly frameCount: number;
  readonly frameRate: number;
  /** Gap between picked frames, frames (`window` sampling), or null (`uniform`). */
  readonly gap: number | null;
  readonly source: TaskSourceRef;
}

/** The two views handed to a view-pair task, each with its camera (and depth when the source has it). */
export interface ViewPairInput {
  readonly kind: 'view-pair';
  readonly views: readonly [CapturedView, CapturedView];
  readonly source: TaskSourceRef;
}

/** Any input a task can take; the one a task receives follows its `needs`. */
export type AnyTaskInput = TaskInput | ClipInput | ViewPairInput;

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

/**
 * The answers of a variant too many to list: every ordering of `pieces` items (`0..pieces−1`
 * joined by `-`, e.g. `2-0-1`), without the identity ordering when `identity` is false.
 */
export interface PermutationAnswers {
  readonly kind: 'permutation';
  readonly pieces: number;
  readonly identity: boolean;
}

/** Every answer a variant can have: a list of strings, or a permutation space declared as data. */
export type AnswerSpace = readonly string[] | PermutationAnswers;

/**
 * A self-supervised pretext task: a pure function of (params, input, rng). `I` is the input its
 * `needs` asks for: one image (`TaskInput`, the default), a clip (`ClipInput`) or a view pair
 * (`ViewPairInput`).
 */
export interface Task<P = unknown, I extends AnyTaskInput = TaskInput> {
  /** Unique id; equals the task's folder name. */
  readonly id: string;
  /** One sentence for help texts. */
  readonly description: string;
  /** What the task takes as input (see `taskNeeds`); shared code asks sources for exactly that. */
  readonly needs: TaskNeeds<P>;
  /** Validates and fills defaults for the task's parameters. */
  readonly params: z.ZodType<P>;
  /** The variants these params can produce. */
  variants(params: P): readonly string[];
  /** Number of images a sample of this variant carries. */
  imageCount(params: P, variant: string): number;
  /** Every answer a sample of this variant can have (see `answerCount`, `isAnswer`). */
  answerSpace(params: P, variant: string): AnswerSpace;
  /** Makes one sample, or a rejection; must draw all randomness from `rng`. */
  generate(input: I, params: P, rng: Rng): TaskResult;
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
  /**
   * Optional: true for a task beyond the default mix (the five Spatial-SSRL tasks and plugins):
   * presets and default task lists leave it out unless it is named.
   */
  readonly optIn?: boolean;
  /**
   * Optional, for a task whose answer has parts (an ordering, a patch and a direction): how a
   * partly right answer earns credit when a trainer or reward server opts into partial credit
   * (`@spatial-ssrl/rewards` `partialCredit`). The same for every variant and params, so a server
   * that knows only the task id applies it. Absent: exact match only.
   */
  readonly partialCredit?: PartialCreditRule;
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
export function taskChance<P>(task: Task<P, any>, params: P, variant: string): number {
  const chance = task.chance ? task.chance(params, variant) : 1 / answerCount(task.answerSpace(params, variant));
  if (!(chance > 0 && chance <= 1)) throw new RangeError(`task ${task.id}: chance of variant ${variant} is ${chance}, not in (0, 1]`);
  return chance;
}

/** Type guard for a rejection. */
export function isRejection(result: TaskResult): result is TaskRejection {
  return (result as TaskRejection).rejected === true;
}

/** Identity helper that keeps a task's parameter and input types when defining it. */
export function defineTask<P, I extends AnyTaskInput = TaskInput>(task: Task<P, I>): Task<P, I> {
  return task;
}

/** The full input declaration of `task` under parsed `params` (`rgb` / `rgbd` expanded, a params function applied). */
export function taskNeeds<P>(task: Pick<Task<P, any>, 'needs'>, params: P): InputNeeds {
  const needs = typeof task.needs === 'function' ? task.needs(params) : task.needs;
  if (needs === 'rgb' || needs === 'rgbd') return { kind: 'image', depth: needs === 'rgbd' };
  return needs;
}

function listed(space: AnswerSpace): space is readonly string[] {
  return Array.isArray(space);
}

/** Number of answers in a space; a permutation space of n pieces holds n! (minus one without the identity). */
export function answerCount(space: AnswerSpace): number {
  if (listed(space)) return space.length;
  let n = 1;
  for (let k = 2; k <= space.pieces; k++) n *= k;
  return space.identity ? n : n - 1;
}

/** Whether `answer` is in `space`. */
export function isAnswer(space: AnswerSpace, answer: string): boolean {
  if (listed(space)) return space.includes(answer);
  if (typeof answer !== 'string') return false;
  const parts = answer.split('-');
  const values = parts.map(Number);
  if (parts.length !== space.pieces || !parts.every((p, i) => p === String(values[i]) && values[i] < space.pieces)) return false;
  if (new Set(values).size !== space.pieces) return false;
  return space.identity || values.some((v, i) => v !== i);
}

/** Some answer of `space` other than `answer` (for reward checks), or null when the space holds only `answer`. */
export function otherAnswer(space: AnswerSpace, answer: string): string | null {
  if (listed(space)) return space.find((a) => a !== answer) ?? null;
  const n = space.pieces;
  const candidates = [Array.from({ length: n }, (_, i) => (i + 1) % n), Array.from({ length: n }, (_, i) => n - 1 - i), Array.from({ length: n }, (_, i) => i)];
  return candidates.map((c) => c.join('-')).find((a) => a !== answer && isAnswer(space, a)) ?? null;
}
