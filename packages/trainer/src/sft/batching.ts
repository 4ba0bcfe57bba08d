import type { SampleRecord } from '@spatial-ssrl/spec';
import type { MirrorInput } from '@spatial-ssrl/tasks';
import { conditionPrompt, ContextLengthError, ModelError, type ModelConfig } from '@spatial-ssrl/model';
import { buildEncoderFeed, buildTokenFeed, CounterRng, encodeText, EOS_ID, hashKey, mirrorPrepared, type EncoderFeed, type TokenFeed } from '@spatial-ssrl/model/training';
import { DatasetError } from '@spatial-ssrl/spec';
import { cachedImage, type ImageCache } from './dataset.js';

/** What training reads of a sample record (`SampleRecord` of `@spatial-ssrl/spec`): the other fields are optional here. */
export type TrainingRecord = Pick<SampleRecord, 'id' | 'task' | 'prompt' | 'answer' | 'images'> & Partial<Pick<SampleRecord, 'variant' | 'split' | 'meta'>>;

/** The answer text the model is trained to produce; `{answer}` stands for the record's answer. */
export const DEFAULT_TARGET_TEMPLATE = '<think></think>\\boxed{{answer}}';

/**
 * Fills a target template: `{answer}` becomes the answer and `{meta.KEY}` the record's
 * `meta[KEY]`: a string, number or boolean as written, an array of them joined with `-` (the
 * answers' separator; e.g. the shuffle task's `permutation`, `[1, 2, 0, 3]` → `1-2-0-3`).
 * A placeholder naming a missing field, or one holding anything else, throws a `DatasetError`
 * naming the record and the field.
 */
export function formatTarget(template: string, answer: string, meta?: Readonly<Record<string, unknown>>, recordId = '<record>'): string {
  return template.replace(/\{(answer|meta\.([A-Za-z0-9_]+))\}/g, (_m, all: string, key: string | undefined) => {
    if (key === undefined) return answer;
    const value = meta?.[key];
    if (isScalar(value)) return String(value);
    if (Array.isArray(value) && value.every(isScalar)) return value.join('-');
    throw new DatasetError('corrupt-dataset', value === undefined
        ? `the target template asks for {${all}} but the record's meta has no field "${key}"`
        : `the target template asks for {${all}} but meta field "${key}" is neither a string, number or boolean nor an array of them`, { path: recordId });
  });
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** Target templates: one for every task, and optional replacements for named tasks. */
export interface TargetTemplates {
  /** Template of tasks without their own (`{answer}` required). */
  readonly template: string;
  /** Per-task templates, e.g. `{ position: '<think>{meta.direction}</think>\\boxed{{answer}}' }`. */
  readonly tasks?: Readonly<Record<string, string>>;
}

function templateFor(templates: string | TargetTemplates, task: string): string {
  if (typeof templates === 'string') return templates;
  return templates.tasks?.[task] ?? templates.template;
}

/** A record turned into model inputs: conditioning ids, target ids (EOS-terminated) and its bucket. */
export interface TrainExample {
  readonly record: TrainingRecord;
  readonly condition: readonly number[];
  readonly target: readonly number[];
  /**
   * Rows with equal keys have the same number of images, so a batch needs no image padding;
   * tasks with different answer and conditioning lengths share batches (padded and masked),
   * which keeps every update a mix of tasks.
   */
  readonly bucket: string;
  /** Target ids of the record with every image mirrored left-right, when its task can be mirrored. */
  readonly mirrorTarget?: readonly number[];
  /** Set on a batch row shown mirrored: its images are mirrored and `target` is the mirrored one. */
  readonly mirrored?: boolean;
}

/** The answer of a record whose images are mirrored left-right, or null (a task's `mirrorAnswer`). */
export type MirrorRule = (sample: MirrorInput) => string | null;

/**
 * Left-right mirroring of training records, an augmentation: `rates[task]` is the chance that a
 * row of that task is shown mirrored, and `rules[task]` maps its answer (from the task's
 * `mirrorAnswer`).
 */
export interface MirrorAugment {
  readonly rates: Readonly<Record<string, number>>;
  readonly rules: Readonly<Record<string, MirrorRule>>;
}

/**
 * Prepares records for teacher forcing. Throws `ContextLengthError` when a record needs more
 * images, conditioning tokens or answer tokens than the model allows (the message names the record).
 */
export function prepareExamples(
  config: ModelConfig,
  records: readonly TrainingRecord[],
  templates: string | TargetTemplates,
  mirror?: MirrorAugment,
): TrainExample[] {
  if (mirror) checkMirrorTemplates(mirror, templates);
  const encodeTarget = (record: TrainingRecord, answer: string, meta: Record<string, unknown> | undefined): number[] => {
    const text = formatTarget(templateFor(templates, record.task), answer, meta, record.id);
    const target = [...encodeText(text), EOS_ID];
    if (target.length > config.maxAnswerTokens) {
      throw new ContextLengthError(`record ${record.id}: the target "${text}"`, target.length, config.maxAnswerTokens);
    }
    return target;
  };
  return records.map((record) => {
    if (record.images.length > config.maxImages) {
      throw new DatasetError('corrupt-dataset', `has ${record.images.length} images but the model takes at most ${config.maxImages}`, { path: record.id });
    }
    const condition = conditionPrompt(record.prompt, { task: record.task, variant: record.variant, imageCount: record.images.length }).ids;
    if (condition.length > config.maxPromptTokens) {
      throw new ContextLengthError(`record ${record.id}: the prompt conditioning`, condition.length, config.maxPromptTokens);
    }
    const meta = typeof record.meta === 'object' && record.meta !== null ? (record.meta as Record<string, unknown>) : undefined;
    const target = encodeTarget(record, record.answer, meta);
    const example: TrainExample = { record, condition, target, bucket: `${record.images.length} images` };
    const rule = (mirror?.rates[record.task] ?? 0) > 0 ? mirror?.rules[record.task] : undefined;
    const mirrored = rule ? rule({ variant: record.variant ?? '', answer: record.answer, meta: meta ?? {} }) : null;
    return mirrored === null ? example : { ...example, mirrorTarget: encodeTarget(record, mirrored, meta) };
  });
}

// A record's meta describes it unmirrored, so a mirrored task's target may only use {answer}.
function checkMirrorTemplates(mirror: MirrorAugment, templates: string | TargetTemplates): void {
  for (const [task, rate] of Object.entries(mirror.rates)) {
    if (!(rate > 0)) continue;
    if (!mirror.rules[task]) throw new ModelError('bad-config', `mirror: task "${task}" declares no mirrorAnswer, so it cannot be mirrored`);
    if (/\{meta\./.test(templateFor(templates, task))) {
      throw new ModelError(
        'bad-config',
        `mirror: the target template of "${task}" uses {meta.…} fields, which describe the unmirrored record; do not mirror "${task}" or train it without them`,
      );
    }
  }
}

/**
 * The rows of a batch with mirroring applied: row `r` of `step` is shown mirrored when its
 * example can be and a stream keyed by `(seed, step, r)` falls below its task's rate, so the
 * choice is a pure function of the run seed and step, like the batch itself.
 */
export function mirrorRows(
  examples: readonly TrainExample[],
  rates: Readonly<Record<string, number>>,
  seed: number,
  step: number,
): TrainExample[] {
  return examples.map((e, r) => {
    const rate = rates[e.record.task] ?? 0;
    if (!e.mirrorTarget || rate <= 0) return e;
    const u = new CounterRng(hashKey(seed, 0x6d17, step, r)).next();
    return u < rate ? { ...e, target: e.mirrorTarget, mirrored: true } : e;
  });
}

interface TaskShare {
  readonly indices: readonly number[];
  readonly weight: number;
}

// Visits of a task with `n` examples per epoch at weight `w`.
function visits(n: number, w: number): number {
  return Math.floor(w) * n + Math.round((w - Math.floor(w)) * n);
}

/**
 * A deterministic batch order: every epoch shuffles each bucket and the list of batches with a
 * stream keyed by `(seed, epoch)`, so the batch of any step is a pure function of `(seed, step)`
 * and a resumed run sees exactly the batches an uninterrupted one would. A bucket's last batch
 * may be smaller than `batchSize`.
 */
export class BatchPlan {
  readonly stepsPerEpoch: number;
  private readonly buckets: (readonly TaskShare[])[];
  private readonly weighted: boolean;
  // Each bucket's indices in example order (the unweighted epoch).
  private readonly plain: number[][];
  private readonly batchSize: number;
  private readonly seed: number;
  private epoch = -1;
  private order: number[][] = [];

  /**
   * `taskWeights` scales how often each task's examples are visited per epoch (default 1 each):
   * weight 2 visits every example twice, 0.5 half of them (a different seeded half every epoch),
   * 0 leaves the task out. Throws `DatasetError` for a weight naming no task of `examples`, a
   * negative or non-finite weight, or weights that leave nothing to train on.
   */
  constructor(examples: readonly TrainExample[], batchSize: number, seed: number, taskWeights: Readonly<Record<string, number>> = {}) {
    if (examples.length === 0) throw new DatasetError('corrupt-dataset', 'has no training records', { path: '<train split>' });
    const tasks = new Set(examples.map((e) => e.record.task));
    for (const [task, w] of Object.entries(taskWeights)) {
      if (!tasks.has(task)) {
        throw new DatasetError('invalid-options', `has no task "${task}" to weight (tasks: ${[...tasks].sort().join(', ')})`, { path: '<train split>' });
      }
      if (!Number.isFinite(w) || w < 0) throw new DatasetError('invalid-options', `task weight of "${task}" must be a finite number ≥ 0, got ${w}`, { path: '<train split>' });
    }
    // Per bucket: its indices in example order (the unweighted epoch) and, per task, its share.
    const byKey = new Map<string, { all: number[]; byTask: Map<string, number[]> }>();
    examples.forEach((e, i) => {
      const bucket = byKey.get(e.bucket) ?? { all: [], byTask: new Map<string, number[]>() };
      bucket.all.push(i);
      const list = bucket.byTask.get(e.record.task) ?? [];
      list.push(i);
      bucket.byTask.set(e.record.task, list);
      byKey.set(e.bucket, bucket);
    });
    const keys = [...byKey.keys()].sort();
    this.weighted = Object.keys(taskWeights).length > 0;
    this.plain = keys.map((k) => byKey.get(k)!.all);
    this.buckets = keys.map((k) => {
      const { byTask } = byKey.get(k)!;
      return [...byTask.keys()].sort().map((task) => ({ indices: byTask.get(task)!, weight: taskWeights[task] ?? 1 }));
    });
    this.batchSize = batchSize;
    this.seed = seed;
    this.stepsPerEpoch = this.buckets.reduce((n, b) => n + Math.ceil(b.reduce((m, t) => m + visits(t.indices.length, t.weight), 0) / batchSize), 0);
    if (this.stepsPerEpoch === 0) throw new DatasetError('invalid-options', 'has no records left to train on: every task weight is 0', { path: '<train split>' });
  }

  // The example indices of one bucket for one epoch, before shuffling.
  private epochBucket(b: number, epoch: number): number[] {
    if (!this.weighted) return [...this.plain[b]];
    const bucket = this.buckets[b];
    const out: number[] = [];
    bucket.forEach((t, k) => {
      const whole = Math.floor(t.weight);
      for (let c = 0; c < whole; c++) out.push(...t.indices);
      const extra = visits(t.indices.length, t.weight) - whole * t.indices.length;
      if (extra > 0) {
        const rng = new CounterRng(hashKey(this.seed, 0x7a5c, epoch, k));
        out.push(...this.shuffle([...t.indices], rng).slice(0, extra));
      }
    });
    return out;
  }

  private shuffle<T>(items: T[], rng: CounterRng): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  /** Epoch (0-based) that step `step` falls in. */
  epochOf(step: number): number {
    return Math.floor(step / this.stepsPerEpoch);
  }

  /** Example indices of the batch trained at `step`. */
  batchAt(step: number): number[] {
    const epoch = this.epochOf(step);
    if (epoch !== this.epoch) {
      const rng = new CounterRng(hashKey(this.seed, 0xba7c4, epoch));
      const batches: number[][] = [];
      for (let b = 0; b < this.buckets.length; b++) {
        const shuffled = this.shuffle(this.epochBucket(b, epoch), rng);
        for (let i = 0; i < shuffled.length; i += this.batchSize) batches.push(shuffled.slice(i, i + this.batchSize));
      }
      this.order = this.shuffle(batches, rng);
      this.epoch = epoch;
    }
    return this.order[step - epoch * this.stepsPerEpoch];
  }
}

/** Builds the encoder and decoder arrays of a batch of examples from the image cache. */
export function feedsFor(
  config: ModelConfig,
  examples: readonly TrainExample[],
  cache: ImageCache,
  options: { transposed?: boolean } = {},
): { encoder: EncoderFeed; tokens: TokenFeed } {
  const inputs = examples.map((e) => ({
    images: e.record.images.map((p) => (e.mirrored ? mirrorPrepared(cachedImage(cache, p)) : cachedImage(cache, p))),
    condition: e.condition,
  }));
  return {
    encoder: buildEncoderFeed(config, inputs, { transposed: options.transposed }),
    tokens: buildTokenFeed(config, examples.map((e) => e.target)),
  };
}
