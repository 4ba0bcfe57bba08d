import type { ModelConfig } from '../config.js';
import { conditionPrompt } from '../conditioning.js';
import { CounterRng, hashKey } from '../counter-rng.js';
import { ContextLengthError, DatasetError } from '../errors.js';
import { buildEncoderFeed, buildTokenFeed, type EncoderFeed, type TokenFeed } from '../feed.js';
import { encodeText, EOS_ID } from '../tokenizer.js';
import { cachedImage, type DatasetRecord, type ImageCache } from './dataset.js';

/** The answer text the model is trained to produce; `{answer}` stands for the record's answer. */
export const DEFAULT_TARGET_TEMPLATE = '<think></think>\\boxed{{answer}}';

/** Fills a target template with an answer. */
export function formatTarget(template: string, answer: string): string {
  return template.split('{answer}').join(answer);
}

/** A record turned into model inputs: conditioning ids, target ids (EOS-terminated) and its bucket. */
export interface TrainExample {
  readonly record: DatasetRecord;
  readonly condition: readonly number[];
  readonly target: readonly number[];
  /**
   * Rows with equal keys have the same number of images, so a batch needs no image padding;
   * tasks with different answer and conditioning lengths share batches (padded and masked),
   * which keeps every update a mix of tasks.
   */
  readonly bucket: string;
}

/**
 * Prepares records for teacher forcing. Throws `ContextLengthError` when a record needs more
 * images, conditioning tokens or answer tokens than the model allows (the message names the record).
 */
export function prepareExamples(config: ModelConfig, records: readonly DatasetRecord[], template: string): TrainExample[] {
  return records.map((record) => {
    if (record.images.length > config.maxImages) {
      throw new DatasetError('dataset-invalid', record.id, `has ${record.images.length} images but the model takes at most ${config.maxImages}`);
    }
    const condition = conditionPrompt(record.prompt, { task: record.task, variant: record.variant, imageCount: record.images.length }).ids;
    if (condition.length > config.maxPromptTokens) {
      throw new ContextLengthError(`record ${record.id}: the prompt conditioning`, condition.length, config.maxPromptTokens);
    }
    const target = [...encodeText(formatTarget(template, record.answer)), EOS_ID];
    if (target.length > config.maxAnswerTokens) {
      throw new ContextLengthError(`record ${record.id}: the answer "${record.answer}"`, target.length, config.maxAnswerTokens);
    }
    return { record, condition, target, bucket: `${record.images.length} images` };
  });
}

/**
 * A deterministic batch order: every epoch shuffles each bucket and the list of batches with a
 * stream keyed by `(seed, epoch)`, so the batch of any step is a pure function of `(seed, step)`
 * and a resumed run sees exactly the batches an uninterrupted one would. A bucket's last batch
 * may be smaller than `batchSize`.
 */
export class BatchPlan {
  readonly stepsPerEpoch: number;
  private readonly buckets: number[][];
  private readonly batchSize: number;
  private readonly seed: number;
  private epoch = -1;
  private order: number[][] = [];

  constructor(examples: readonly TrainExample[], batchSize: number, seed: number) {
    if (examples.length === 0) throw new DatasetError('dataset-invalid', '<train split>', 'has no training records');
    const byKey = new Map<string, number[]>();
    examples.forEach((e, i) => {
      const list = byKey.get(e.bucket) ?? [];
      list.push(i);
      byKey.set(e.bucket, list);
    });
    this.buckets = [...byKey.keys()].sort().map((k) => byKey.get(k)!);
    this.batchSize = batchSize;
    this.seed = seed;
    this.stepsPerEpoch = this.buckets.reduce((n, b) => n + Math.ceil(b.length / batchSize), 0);
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
      for (const bucket of this.buckets) {
        const shuffled = this.shuffle([...bucket], rng);
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
  const inputs = examples.map((e) => ({ images: e.record.images.map((p) => cachedImage(cache, p)), condition: e.condition }));
  return {
    encoder: buildEncoderFeed(config, inputs, { transposed: options.transposed }),
    tokens: buildTokenFeed(config, examples.map((e) => e.target)),
  };
}
