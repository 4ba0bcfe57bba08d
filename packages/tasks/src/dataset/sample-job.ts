import { join } from 'node:path';
import { encodeImage, type LoadedImage } from '@spatial-ssrl/image';
import { countImagePlaceholders, createRng, DatasetError, type RejectionRecord, type SampleRecord } from '@spatial-ssrl/spec';
import { writeFileAtomic } from '@spatial-ssrl/spec/node';
import { splitOf } from '../split.js';
import { isAnswer, isRejection, taskNeeds, type AnswerSpace, type AnyTaskInput, type InputNeeds, type Task, type TaskSample } from '../task.js';
import { describeSourceError, loadClipInput, loadViewPairInput, type InputFailure } from './inputs.js';
import type { DatasetItem } from './items.js';
import { sampleId, type DatasetPlan } from './plan.js';

/** A task of a run with its validated params. */
export interface ResolvedTask {
  readonly task: Task<any, any>;
  readonly params: unknown;
}

/** Everything a thread needs to turn a sample index into files and record lines. */
export interface SampleJobContext {
  readonly outDir: string;
  /** Directory for temporary files, on the same filesystem as `outDir`. */
  readonly tmpDir: string;
  readonly plan: DatasetPlan;
  readonly items: readonly DatasetItem[];
  /** In the plan's task order. */
  readonly tasks: readonly ResolvedTask[];
  readonly count: number;
  readonly format: 'png' | 'jpeg';
  readonly jpegQuality: number;
  readonly testFraction: number;
  readonly splitSeed: number;
  readonly maxAttempts: number;
  /**
   * Bytes of decoded images this thread may keep for reuse; 0 disables the cache. Worth it only
   * when sources are cycled (more samples than images), e.g. a small synthetic scene pool.
   */
  readonly cacheBytes?: number;
}

/** The committed form of one sample index: its record line (or none when it failed) and its rejection lines. */
export interface SampleOutcome {
  readonly index: number;
  readonly sample: {
    readonly line: string;
    readonly task: string;
    readonly variant: string;
    readonly answer: string;
    readonly split: 'train' | 'test';
  } | null;
  readonly rejections: readonly {
    readonly line: string;
    readonly code: string;
    readonly kind: RejectionRecord['kind'];
    readonly source: string | null;
  }[];
}

interface SourceFailure {
  readonly code: string;
  readonly message: string;
  /** The RGB loaded fine; only tasks that need depth must skip this item. */
  readonly depthOnly: boolean;
}

type Loaded = { readonly ok: true; readonly image: LoadedImage } | { readonly ok: false; readonly failure: SourceFailure };

const FAILURE_CACHE_LIMIT = 4096;
const IMAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * Creates the per-thread sample runner: `run(index)` tries up to `maxAttempts` attempts of the
 * planned sample, writes the accepted sample's images atomically and returns its record line and
 * the rejection lines in order. The output depends only on the index and the context's config.
 */
export function createSampleRunner(ctx: SampleJobContext): { run(index: number): Promise<SampleOutcome> } {
  // Known-bad items are remembered so a cycled source does not decode the same broken file
  // again; the recorded line is the same either way.
  const failures = new Map<number, SourceFailure>();
  const contracts = ctx.tasks.map((t) => contractOf(t));
  const needs = ctx.tasks.map((t) => taskNeeds(t.task, t.params));
  const cache = new ImageCache(ctx.cacheBytes ?? 0);

  async function load(itemIndex: number, needsDepth: boolean): Promise<Loaded> {
    const cached = failures.get(itemIndex);
    if (cached && (needsDepth || !cached.depthOnly)) return { ok: false, failure: cached };
    const entry = ctx.items[itemIndex];
    if (entry.kind !== 'image') throw new DatasetError('task-contract', `item ${entry.dataset}:${entry.id} is a ${entry.kind}, not an image`);
    const item = entry.item;
    let image = cache.get(itemIndex);
    try {
      image ??= await item.load();
    } catch (error) {
      return { ok: false, failure: remember(itemIndex, { ...describeSourceError(error), depthOnly: false }) };
    }
    const rgbProblem = checkRgb(image);
    if (rgbProblem) return { ok: false, failure: remember(itemIndex, { ...rgbProblem, depthOnly: false }) };
    if (needsDepth) {
      const depthProblem = checkDepth(image);
      if (depthProblem) return { ok: false, failure: remember(itemIndex, { ...depthProblem, depthOnly: true }) };
    }
    cache.set(itemIndex, image);
    return { ok: true, image };
  }

  // Asks the item for what the task needs: one image (cached), frames of a clip or a view pair.
  async function loadInput(
    itemIndex: number,
    need: InputNeeds,
    seed: number,
    source: { dataset: string; id: string },
  ): Promise<{ input: AnyTaskInput } | { failure: InputFailure }> {
    const entry = ctx.items[itemIndex];
    if (need.kind === 'clip' && entry.kind === 'clip') return loadClipInput(entry.item, need, seed, source);
    if (need.kind === 'view-pair' && entry.kind === 'view-pair') return loadViewPairInput(entry.item, need, source);
    if (need.kind !== 'image' || entry.kind !== 'image') {
      throw new DatasetError('task-contract', `the plan gave a ${entry.kind} item to a task that needs a ${need.kind}`);
    }
    const loaded = await load(itemIndex, need.depth);
    if (!loaded.ok) return { failure: loaded.failure };
    return { input: { rgb: loaded.image.rgb, depth: loaded.image.depth, source } };
  }

  function remember(itemIndex: number, failure: SourceFailure): SourceFailure {
    if (failures.size >= FAILURE_CACHE_LIMIT) failures.delete(failures.keys().next().value as number);
    failures.set(itemIndex, failure);
    return failure;
  }

  async function run(index: number): Promise<SampleOutcome> {
    const rejections: SampleOutcome['rejections'][number][] = [];
    const taskIndex = ctx.plan.taskOf(index);
    const { task, params } = ctx.tasks[taskIndex];
    for (let attempt = 0; attempt < ctx.maxAttempts; attempt++) {
      const planned = ctx.plan.attempt(index, attempt);
      const item = ctx.items[planned.item];
      const source = { dataset: item.dataset, id: item.id };
      const reject = (kind: RejectionRecord['kind'], code: string, message: string, seed: number | null): void => {
        const record: RejectionRecord = { index, task: task.id, kind, attempt, source, seed, code, message };
        rejections.push({ line: JSON.stringify(record), code, kind, source: kind === 'source' ? `${source.dataset}\u0000${source.id}` : null });
      };
      const input = await loadInput(planned.item, needs[taskIndex], planned.seed, source);
      if ('failure' in input) {
        reject('source', input.failure.code, input.failure.message, null);
        continue;
      }
      let result;
      try {
        result = task.generate(input.input, params, createRng(planned.seed));
      } catch (error) {
        reject('task', 'task-error', `${task.id} threw on ${source.dataset}:${source.id}: ${(error as Error).message}`, planned.seed);
        continue;
      }
      if (isRejection(result)) {
        reject('task', result.code, result.reason, planned.seed);
        continue;
      }
      contracts[taskIndex](result);
      const id = sampleId(task.id, index, ctx.count);
      const split = splitOf(source, { testFraction: ctx.testFraction, seed: ctx.splitSeed });
      const images = await writeImages(ctx, task.id, id, result);
      const record: SampleRecord = {
        id,
        index,
        task: task.id,
        variant: result.variant,
        prompt: result.prompt,
        answer: result.answer,
        images,
        source,
        seed: planned.seed,
        attempt,
        split,
        meta: { ...result.meta },
      };
      return {
        index,
        sample: { line: JSON.stringify(record), task: task.id, variant: result.variant, answer: result.answer, split },
        rejections,
      };
    }
    const failed: RejectionRecord = {
      index,
      task: task.id,
      kind: 'failed',
      attempt: ctx.maxAttempts,
      source: null,
      seed: null,
      code: 'max-attempts',
      message: `no sample after ${ctx.maxAttempts} attempts; index ${index} is left out`,
    };
    rejections.push({ line: JSON.stringify(failed), code: failed.code, kind: 'failed', source: null });
    return { index, sample: null, rejections };
  }

  return { run };
}

// Least-recently-used decoded images within a byte budget; tasks never mutate their input.
class ImageCache {
  private readonly entries = new Map<number, { image: LoadedImage; bytes: number }>();
  private used = 0;

  constructor(private readonly budget: number) {}

  get(key: number): LoadedImage | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit.image;
  }

  set(key: number, image: LoadedImage): void {
    if (this.budget <= 0 || this.entries.has(key)) return;
    const bytes = image.rgb.data.byteLength + (image.depth ? image.depth.data.byteLength + image.depth.valid.byteLength : 0);
    if (bytes > this.budget) return;
    while (this.used + bytes > this.budget) {
      const [oldest, entry] = this.entries.entries().next().value as [number, { bytes: number }];
      this.entries.delete(oldest);
      this.used -= entry.bytes;
    }
    this.entries.set(key, { image, bytes });
    this.used += bytes;
  }
}

async function writeImages(ctx: SampleJobContext, taskId: string, id: string, sample: TaskSample): Promise<string[]> {
  const paths = sample.images.map((img) => {
    const format = img.format ?? ctx.format;
    return `images/${taskId}/${id}-${img.name}.${format === 'jpeg' ? 'jpg' : 'png'}`;
  });
  await Promise.all(
    sample.images.map(async (img, i) => {
      const format = img.format ?? ctx.format;
      const bytes = await encodeImage(img.image, { format, quality: ctx.jpegQuality });
      await writeFileAtomic(join(ctx.outDir, paths[i]), bytes, { tmpDir: ctx.tmpDir });
    }),
  );
  return paths;
}

function checkRgb(image: LoadedImage): { code: string; message: string } | null {
  const { rgb } = image;
  if (!rgb || !(rgb.width > 0) || !(rgb.height > 0) || rgb.data.length !== rgb.width * rgb.height * 3) {
    return { code: 'bad-raster', message: 'the source returned a raster whose size does not match its data' };
  }
  return null;
}

function checkDepth(image: LoadedImage): { code: string; message: string } | null {
  const { rgb, depth } = image;
  if (!depth) return { code: 'missing-depth', message: 'the item was listed with depth but loaded without it' };
  if (depth.width !== rgb.width || depth.height !== rgb.height) {
    return { code: 'depth-size-mismatch', message: `depth is ${depth.width}×${depth.height} but the image is ${rgb.width}×${rgb.height}` };
  }
  for (let i = 0; i < depth.valid.length; i++) {
    if (depth.valid[i] !== 0 && Number.isFinite(depth.data[i])) return null;
  }
  return { code: 'depth-empty', message: 'the depth map has no valid finite value' };
}

function contractOf({ task, params }: ResolvedTask): (sample: TaskSample) => void {
  const variants = new Set(task.variants(params));
  const answers = new Map<string, (answer: string) => boolean>();
  return (sample) => {
    const fail = (what: string): never => {
      throw new DatasetError('task-contract', `task "${task.id}" broke its contract: ${what}`);
    };
    if (!variants.has(sample.variant)) fail(`variant "${sample.variant}" is not one of ${[...variants].join(', ')}`);
    let inSpace = answers.get(sample.variant);
    if (!inSpace) {
      const declared: AnswerSpace = task.answerSpace(params, sample.variant);
      const listed = 'kind' in declared ? null : new Set(declared);
      inSpace = listed ? (a) => listed.has(a) : (a) => isAnswer(declared, a);
      answers.set(sample.variant, inSpace);
    }
    if (!inSpace(sample.answer)) fail(`answer "${sample.answer}" is outside the answer space of variant ${sample.variant}`);
    const expected = task.imageCount(params, sample.variant);
    if (sample.images.length !== expected) fail(`${sample.images.length} images, expected ${expected} for variant ${sample.variant}`);
    let placeholders = 0;
    try {
      placeholders = countImagePlaceholders(sample.prompt);
    } catch (error) {
      fail((error as Error).message);
    }
    if (placeholders !== sample.images.length) {
      fail(`the prompt has ${placeholders} image placeholders for ${sample.images.length} images`);
    }
    const names = new Set<string>();
    for (const img of sample.images) {
      if (!IMAGE_NAME.test(img.name)) fail(`image name "${img.name}" is not a safe file name part`);
      if (names.has(img.name)) fail(`image name "${img.name}" is used twice`);
      names.add(img.name);
    }
  };
}
