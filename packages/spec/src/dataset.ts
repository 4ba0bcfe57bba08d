import { z } from 'zod';

/** The on-disk format tag written in every `dataset.json`. */
export const DATASET_FORMAT = 'spatial-ssrl-dataset/1';

/** Where a sample's image came from: the source's dataset name and the image id within it. */
export const sourceRef = z.object({
  dataset: z.string().min(1),
  id: z.string().min(1),
});
/** Where a sample's image came from. */
export type SourceRef = z.infer<typeof sourceRef>;

/** Which side of the held-out split a sample belongs to (decided by its source image). */
export const splitName = z.enum(['train', 'test']);
/** `train` or `test`. */
export type SplitName = z.infer<typeof splitName>;

/**
 * One line of `samples.jsonl`. The prompt references its images in order, either with one
 * `<image>` placeholder per image or, when a task's verbatim prompt does so (the crop task),
 * with numbered `<image1>`…`<imageN>` placeholders; `images` lists the files in that order,
 * as paths relative to the dataset directory.
 */
export const sampleRecord = z.object({
  /** Global id `<task>-<index zero-padded>`; the same in every shard. */
  id: z.string().min(1),
  /** Position in the whole dataset, 0-based. */
  index: z.number().int().nonnegative(),
  task: z.string().min(1),
  variant: z.string().min(1),
  prompt: z.string(),
  answer: z.string(),
  images: z.array(z.string().min(1)),
  source: sourceRef,
  /** The 32-bit seed the task drew its randomness from. */
  seed: z.number().int().nonnegative(),
  /** 0-based attempt that produced the sample (earlier attempts were rejected). */
  attempt: z.number().int().nonnegative(),
  split: splitName,
  meta: z.record(z.string(), z.unknown()),
});
/** One sample as stored in `samples.jsonl`. */
export type SampleRecord = z.infer<typeof sampleRecord>;

/**
 * One line of `rejections.jsonl`: a task rejection (`kind: 'task'`), a source image that could
 * not be loaded (`kind: 'source'`), or a sample given up after the attempt bound
 * (`kind: 'failed'`, no sample for that index).
 */
export const rejectionRecord = z.object({
  index: z.number().int().nonnegative(),
  task: z.string().min(1),
  kind: z.enum(['task', 'source', 'failed']),
  attempt: z.number().int().nonnegative(),
  source: sourceRef.nullable(),
  seed: z.number().int().nonnegative().nullable(),
  code: z.string().min(1),
  message: z.string(),
});
/** One line of `rejections.jsonl`. */
export type RejectionRecord = z.infer<typeof rejectionRecord>;

/** One task of a run: its id, relative weight (> 0) and validated params. */
export const taskEntry = z.object({
  id: z.string().min(1),
  weight: z.number().positive(),
  params: z.unknown(),
});
/** One task of a run as recorded in `dataset.json`. */
export type TaskEntry = z.infer<typeof taskEntry>;

/** Everything that decides a dataset's bytes; a resumed run must match it exactly. */
export const datasetConfig = z.object({
  /** Image source specs, for tasks that take one image. */
  sources: z.array(z.string().min(1)),
  /** Clip source specs (fly-throughs, videos, frame folders), for tasks that take clips; absent when none. */
  clips: z.array(z.string().min(1)).optional(),
  /** View-pair source specs, for tasks that take two views; absent when none. */
  viewPairs: z.array(z.string().min(1)).optional(),
  tasks: z.array(taskEntry).min(1),
  count: z.number().int().positive(),
  seed: z.number().int().nonnegative(),
  shard: z.object({ k: z.number().int().positive(), n: z.number().int().positive() }),
  /** Index range `[start, end)` this shard writes. */
  range: z.object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative() }),
  format: z.enum(['png', 'jpeg']),
  jpegQuality: z.number().int().min(1).max(100),
  testFraction: z.number().min(0).max(1),
  splitSeed: z.number().int().nonnegative(),
  maxAttempts: z.number().int().positive(),
});
/** The output-deciding configuration of a run. */
export type DatasetConfig = z.infer<typeof datasetConfig>;

/** Sample and rejection counts of a dataset; every map is sorted by key. */
export const datasetCounts = z.object({
  samples: z.number().int().nonnegative(),
  /** Indices given up after `maxAttempts` rejections. */
  failed: z.number().int().nonnegative(),
  byTask: z.record(z.string(), z.number().int()),
  /** task → variant → count. */
  byVariant: z.record(z.string(), z.record(z.string(), z.number().int())),
  /** task → answer → count. */
  byAnswer: z.record(z.string(), z.record(z.string(), z.number().int())),
  bySplit: z.record(z.string(), z.number().int()),
  /** task → split → count. */
  byTaskSplit: z.record(z.string(), z.record(z.string(), z.number().int())),
  rejections: z.object({
    total: z.number().int().nonnegative(),
    byCode: z.record(z.string(), z.number().int()),
    byKind: z.record(z.string(), z.number().int()),
    /** Distinct source images that failed to load. */
    badSources: z.number().int().nonnegative(),
  }),
});
/** Counts written to `dataset.json` when a run completes. */
export type DatasetCounts = z.infer<typeof datasetCounts>;

/** `dataset.json`: written with `status: 'running'` at start and `'complete'` (with counts) at the end. */
export const datasetManifest = z.object({
  format: z.literal(DATASET_FORMAT),
  status: z.enum(['running', 'complete']),
  config: datasetConfig,
  /** Versions of the packages that produced the bytes, read from their package.json. */
  versions: z.record(z.string(), z.string()),
  files: z.object({
    samples: z.string(),
    rejections: z.string(),
    images: z.string(),
  }),
  counts: datasetCounts.optional(),
});
/** The parsed content of `dataset.json`. */
export type DatasetManifest = z.infer<typeof datasetManifest>;

/** File names inside a dataset directory. */
export const DATASET_FILES = {
  manifest: 'dataset.json',
  samples: 'samples.jsonl',
  rejections: 'rejections.jsonl',
  images: 'images',
  tmp: '.tmp',
} as const;
