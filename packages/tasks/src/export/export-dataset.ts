import { type SampleRecord, type SplitName } from '@spatial-ssrl/spec';
import { moveDirAtomic, writeFileAtomic } from '@spatial-ssrl/spec/node';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { imageSize } from '@spatial-ssrl/image';
import { canonicalJson } from '../dataset/files.js';
import { generatorVersions } from '../dataset/versions.js';
import { balancedSubset } from './cold-start.js';
import { ExportError } from './export-error.js';
import { openSources, sourceRecords, type SourceDataset } from './export-source.js';
import { easyr1Format } from './formats/easyr1.js';
import type { AuxFile, ExportContext, ExportTarget, ImageMode, ParquetFormat, RowImage } from './formats/format.js';
import { DEFAULT_SFT_TARGET, llamaFactoryFiles, llamaFactoryRow, sftPrompt, type LlamaFactoryStyle } from './formats/llamafactory.js';
import { trlFormat } from './formats/trl.js';
import { verlFormat } from './formats/verl.js';
import { imagePromptTokens, imageTokenSettings, type ImageTokenSettings, type ModelFamily } from './image-tokens.js';
import { ParquetStream } from './parquet-stream.js';
import { rewardFiles } from './reward-files.js';
import { countPlainPlaceholders } from './trainer-prompt.js';

const PARQUET_FORMATS: Readonly<Record<Exclude<ExportTarget, 'llamafactory'>, ParquetFormat>> = {
  easyr1: easyr1Format,
  verl: verlFormat,
  trl: trlFormat,
};

/** Which splits an export writes. */
export type SplitChoice = SplitName | 'all';

/** Progress of an export: `check` is the preflight pass over every row, `write` the writing pass. */
export interface ExportProgress {
  readonly phase: 'select' | 'check' | 'write';
  /** Records read in this phase. */
  readonly done: number;
  /** Records in the input. */
  readonly total: number;
}

/** Options of {@link exportDataset}. */
export interface ExportOptions {
  /** Dataset directory, or every shard directory of one sharded run. */
  readonly data: string | readonly string[];
  readonly to: ExportTarget;
  /** Output folder; written atomically (a sibling temporary folder renamed into place). */
  readonly out: string;
  /** `embed` (default for parquet targets) or `files` (the only mode of LLaMA-Factory's JSON). */
  readonly images?: ImageMode;
  /** Rows per data file; default: enough files that none holds more than about 512 MiB of images. */
  readonly rowsPerShard?: number;
  /** Splits to export; default `all`. */
  readonly split?: SplitChoice;
  /** LLaMA-Factory only: export a seeded, task-balanced subset of this many training rows. */
  readonly coldStart?: number;
  /** Seed of the cold-start subset, an integer in [0, 2^32); default 0. */
  readonly seed?: number;
  /** LLaMA-Factory layout; default `sharegpt`. */
  readonly style?: LlamaFactoryStyle;
  /** SFT answer template of LLaMA-Factory rows (`{answer}` = the answer); default {@link DEFAULT_SFT_TARGET}. */
  readonly sftTarget?: string;
  /** Check every row's image-token count for this model family. */
  readonly modelFamily?: ModelFamily;
  /** Pixel bounds of the image processor (default: the family's). */
  readonly minPixels?: number;
  readonly maxPixels?: number;
  /** Largest image-token count a row may have (with `modelFamily`); default 8192. */
  readonly maxImageTokens?: number;
  /** Replace an existing output folder. */
  readonly force?: boolean;
  /** The reward function files shipped next to the data; default: the reward-server shims of `@spatial-ssrl/rewards` (`reward.py` for EasyR1, `verl_reward.py` and `verl_reward_async.py` for verl, `trl_reward.py` for TRL). */
  readonly rewardFiles?: (target: ExportTarget) => readonly AuxFile[];
  readonly onProgress?: (progress: ExportProgress) => void;
  /** Aborting stops the export; nothing appears at `out`, and running it again resumes at the first unfinished data file. */
  readonly signal?: AbortSignal;
}

/** Image-token counts of one task's exported rows. */
export interface TokenStats {
  readonly rows: number;
  readonly min: number;
  readonly mean: number;
  readonly max: number;
}

/** One written data file. */
export interface ExportShard {
  readonly split: SplitName;
  /** Path relative to the export folder. */
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
}

/** What {@link exportDataset} wrote. */
export interface ExportResult {
  readonly out: string;
  readonly target: ExportTarget;
  readonly images: ImageMode;
  readonly rows: number;
  /** task → split → rows. */
  readonly byTask: Readonly<Record<string, Readonly<Partial<Record<SplitName, number>>>>>;
  readonly shards: readonly ExportShard[];
  /** Image files copied next to the data (`files` mode). */
  readonly imageFiles: number;
  /** Bytes of everything written. */
  readonly bytes: number;
  /** Image-token counts per task (with `modelFamily`). */
  readonly tokens?: Readonly<Record<string, TokenStats>>;
  readonly family?: ModelFamily;
  /** Other files written next to the data. */
  readonly files: readonly string[];
  /** Data files kept from an interrupted run of the same export. */
  readonly resumedShards: number;
  readonly elapsedMs: number;
}

const SHARD_TARGET_BYTES = 512 * 2 ** 20;
const ROW_GROUP_BYTES = 64 * 2 ** 20;
const ROW_GROUP_ROWS = 1000;
const READ_BATCH = 32;

interface Settings {
  readonly target: ExportTarget;
  readonly images: ImageMode;
  readonly split: SplitChoice;
  readonly tokens?: ImageTokenSettings;
  readonly maxImageTokens: number;
  readonly style: LlamaFactoryStyle;
  readonly sftTarget: string;
}

function checkOptions(o: ExportOptions): Settings {
  const bad = (message: string): never => {
    throw new ExportError('invalid-options', message);
  };
  if (!['easyr1', 'verl', 'llamafactory', 'trl'].includes(o.to)) bad(`unknown export target "${String(o.to)}"; known: easyr1, verl, llamafactory, trl`);
  if (typeof o.out !== 'string' || o.out.length === 0) bad('out must be a directory path');
  const images = o.images ?? (o.to === 'llamafactory' ? 'files' : 'embed');
  if (images !== 'embed' && images !== 'files') bad(`images must be embed or files, got ${String(images)}`);
  if (o.to === 'llamafactory' && images === 'embed') bad('LLaMA-Factory reads JSON with image paths: its images are always files (drop --images embed)');
  if (o.rowsPerShard !== undefined && !(Number.isInteger(o.rowsPerShard) && o.rowsPerShard >= 1)) bad(`rowsPerShard must be an integer >= 1, got ${o.rowsPerShard}`);
  const split = o.split ?? 'all';
  if (!['train', 'test', 'all'].includes(split)) bad(`split must be train, test or all, got ${String(split)}`);
  if (o.coldStart !== undefined) {
    if (o.to !== 'llamafactory') bad('a cold-start subset is an SFT set: use it with --to llamafactory');
    if (!(Number.isInteger(o.coldStart) && o.coldStart >= 1)) bad(`coldStart must be an integer >= 1, got ${o.coldStart}`);
    if (split === 'test') bad('the cold-start subset is drawn from the training split; drop --split test');
  }
  if (o.seed !== undefined && !(Number.isInteger(o.seed) && o.seed >= 0 && o.seed <= 0xffffffff)) bad(`seed must be an integer in [0, 2^32), got ${o.seed}`);
  const sftTarget = o.sftTarget ?? DEFAULT_SFT_TARGET;
  if (!sftTarget.includes('{answer}')) bad('the SFT target template must contain {answer}');
  if ((o.minPixels !== undefined || o.maxPixels !== undefined || o.maxImageTokens !== undefined) && o.modelFamily === undefined) {
    bad('pixel bounds and the image-token limit need a model family (--model-family qwen2.5-vl|qwen3-vl)');
  }
  let tokens: ImageTokenSettings | undefined;
  if (o.modelFamily !== undefined) {
    try {
      tokens = imageTokenSettings(o.modelFamily, { minPixels: o.minPixels, maxPixels: o.maxPixels });
    } catch (error) {
      bad((error as Error).message);
    }
  }
  const maxImageTokens = o.maxImageTokens ?? 8192;
  if (!(Number.isInteger(maxImageTokens) && maxImageTokens >= 1)) bad(`maxImageTokens must be an integer >= 1, got ${maxImageTokens}`);
  return { target: o.to, images, split, tokens, maxImageTokens, style: o.style ?? 'sharegpt', sftTarget };
}

function wanted(split: SplitChoice, record: SampleRecord): boolean {
  return split === 'all' || record.split === split;
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ExportError('aborted', 'export stopped; run the same command again to resume it');
}

interface Checked {
  readonly rows: number;
  readonly bySplit: Map<SplitName, { rows: number; bytes: number }>;
  readonly byTask: Map<string, Partial<Record<SplitName, number>>>;
  readonly tokens?: Map<string, { rows: number; min: number; max: number; sum: number }>;
  readonly maxRowTokens?: number;
  readonly maxImages: number;
}

/**
 * Exports a dataset (or the shards of one) to a trainer's format. Every row is checked before
 * anything is written: its placeholder count equals its image count in the form the trainer
 * reads, its images exist, and with a model family its image-token count is within the limit;
 * the first row that fails stops the export with its id and the reason. Parquet is written
 * one row group at a time, so memory stays bounded whatever the dataset's size.
 */
export async function exportDataset(options: ExportOptions): Promise<ExportResult> {
  const started = performance.now();
  const settings = checkOptions(options);
  const out = resolve(options.out);
  if (existsSync(out) && options.force !== true) {
    throw new ExportError('output-exists', `${out} already exists; choose another --out or pass --force to replace it`);
  }
  const sources = await openSources(typeof options.data === 'string' ? [options.data] : options.data);
  const total = sources.reduce((n, s) => n + (s.manifest.counts?.samples ?? 0), 0);
  const progress = (phase: ExportProgress['phase'], done: number): void => options.onProgress?.({ phase, done, total });

  let chosen: Set<number> | undefined;
  if (options.coldStart !== undefined) {
    chosen = await selectColdStart(sources, options.coldStart, options.seed ?? 0, (d) => progress('select', d), options.signal);
  }
  const include = (record: SampleRecord, position: number): boolean =>
    chosen ? chosen.has(position) : wanted(settings.split, record);

  const format = settings.target === 'llamafactory' ? undefined : PARQUET_FORMATS[settings.target];
  const checked = await preflight(sources, settings, format, include, (d) => progress('check', d), options.signal);
  if (checked.rows === 0) {
    throw new ExportError('no-rows', `no rows to export${settings.split !== 'all' ? ` in split "${settings.split}"` : ''}`);
  }

  // The folder is built next to `out` under a fixed name: a run stopped part-way (Ctrl-C, a
  // crash, a full disk) leaves its finished shards there, and the same command resumes them.
  const tmp = join(dirname(out), `.${basename(out)}.partial`);
  const key = format ? await resumeKey(sources, settings, options) : '';
  const state = format ? await readState(tmp, key) : undefined;
  if (!state) await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    const written = format
      ? await writeParquet(sources, format, settings, checked, options.rowsPerShard, include, tmp, { key, state }, (d) => progress('write', d), options.signal)
      : { ...(await writeLlamaFactory(sources, settings, chosen !== undefined, include, tmp, (d) => progress('write', d), options.signal)), resumedShards: 0 };
    const filesByPath = new Map<string, string>();
    const context: ExportContext = {
      target: settings.target,
      images: settings.images,
      files: {
        train: written.shards.filter((s) => s.split === 'train').map((s) => s.path),
        test: written.shards.filter((s) => s.split === 'test').map((s) => s.path),
      },
      family: options.modelFamily,
      tokens: settings.tokens,
      maxRowImageTokens: checked.maxRowTokens,
      maxImagesPerRow: checked.maxImages,
    };
    const aux = format
      ? format.files(context)
      : llamaFactoryFiles(written.datasets ?? [], settings.style, options.modelFamily, settings.tokens?.maxPixels);
    for (const f of [...aux, ...(options.rewardFiles ?? rewardFiles)(settings.target)]) filesByPath.set(f.path, f.text);
    const tokens = checked.tokens
      ? Object.fromEntries(
          [...checked.tokens].map(([task, s]) => [task, { rows: s.rows, min: s.min, max: s.max, mean: s.sum / s.rows }]),
        )
      : undefined;
    const byTask = Object.fromEntries(checked.byTask);
    filesByPath.set(
      'export.json',
      `${JSON.stringify(
        {
          format: 'spatial-ssrl-export/1',
          target: settings.target,
          images: settings.images,
          ...(settings.target === 'llamafactory' ? { style: settings.style, sftTarget: settings.sftTarget } : {}),
          ...(options.coldStart !== undefined ? { coldStart: options.coldStart, seed: options.seed ?? 0 } : {}),
          ...(options.modelFamily ? { modelFamily: options.modelFamily, imageTokens: settings.tokens, maxImageTokens: settings.maxImageTokens, tokensByTask: tokens } : {}),
          rows: checked.rows,
          byTask,
          shards: written.shards,
          imageFiles: written.imageFiles,
          dataset: { config: { ...sources[0].manifest.config, shard: { k: 1, n: 1 }, range: { start: 0, end: sources[0].manifest.config.count } }, versions: sources[0].manifest.versions },
          versions: generatorVersions(),
        },
        null,
        2,
      )}\n`,
    );
    for (const [path, text] of [...filesByPath].sort(([a], [b]) => a.localeCompare(b))) {
      await mkdir(dirname(join(tmp, path)), { recursive: true });
      await writeFile(join(tmp, path), text);
    }
    checkAbort(options.signal);
    const bytes = await folderBytes(tmp);
    // An existing folder (with force) is moved aside and removed only once the new one is in place.
    await moveDirAtomic(tmp, out);
    return {
      out,
      target: settings.target,
      images: settings.images,
      rows: checked.rows,
      byTask,
      shards: written.shards,
      imageFiles: written.imageFiles,
      bytes,
      tokens,
      family: options.modelFamily,
      files: [...filesByPath.keys()].sort(),
      resumedShards: written.resumedShards,
      elapsedMs: performance.now() - started,
    };
  } catch (error) {
    // Parquet exports keep their finished shards for the next run; JSON exports start again.
    if (!format) await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}

// Everything that decides the bytes of an export: its settings and its input datasets.
async function resumeKey(sources: readonly SourceDataset[], s: Settings, o: ExportOptions): Promise<string> {
  const inputs = [];
  for (const src of sources) {
    const st = await stat(join(src.dir, 'samples.jsonl'));
    inputs.push({ manifest: src.manifest, samplesBytes: st.size });
  }
  const decided = { version: 1, settings: s, rowsPerShard: o.rowsPerShard ?? null, tasks: generatorVersions()['@spatial-ssrl/tasks'], inputs };
  return createHash('sha256').update(canonicalJson(decided)).digest('hex');
}

async function selectColdStart(
  sources: readonly SourceDataset[],
  size: number,
  seed: number,
  report: (done: number) => void,
  signal: AbortSignal | undefined,
): Promise<Set<number>> {
  const byTask = new Map<string, number[]>();
  let position = 0;
  for await (const { record } of sourceRecords(sources)) {
    if (record.split === 'train') {
      let list = byTask.get(record.task);
      if (!list) byTask.set(record.task, (list = []));
      list.push(position);
    }
    position++;
    if (position % 1000 === 0) {
      report(position);
      checkAbort(signal);
    }
  }
  report(position);
  if (byTask.size === 0) throw new ExportError('no-rows', 'the cold-start subset is drawn from the training split, which has no rows');
  return new Set(balancedSubset(byTask, size, seed));
}

function rowError(code: 'placeholder-mismatch' | 'image-tokens' | 'image-missing' | 'image-unreadable', record: SampleRecord, reason: string): ExportError {
  return new ExportError(code, `row ${record.id} (task ${record.task}): ${reason}; nothing was written`);
}

async function preflight(
  sources: readonly SourceDataset[],
  s: Settings,
  format: ParquetFormat | undefined,
  include: (record: SampleRecord, position: number) => boolean,
  report: (done: number) => void,
  signal: AbortSignal | undefined,
): Promise<Checked> {
  const bySplit = new Map<SplitName, { rows: number; bytes: number }>();
  const byTask = new Map<string, Partial<Record<SplitName, number>>>();
  const tokens = s.tokens ? new Map<string, { rows: number; min: number; max: number; sum: number }>() : undefined;
  let maxRowTokens = 0;
  let maxImages = 0;
  let rows = 0;
  let position = -1;
  const pending: Promise<void>[] = [];
  const checkRow = async (record: SampleRecord, dir: string): Promise<void> => {
    let prompt: string;
    try {
      prompt = format ? format.prompt(record) : sftPrompt(record);
    } catch (error) {
      throw rowError('placeholder-mismatch', record, `its prompt's placeholders are out of order (${(error as Error).message})`);
    }
    const placeholders = countPlainPlaceholders(prompt);
    if (placeholders !== record.images.length) {
      throw rowError('placeholder-mismatch', record, `the prompt has ${placeholders} <image> placeholders but the row has ${record.images.length} images`);
    }
    let bytes = 0;
    let rowTokens = 0;
    for (const rel of record.images) {
      const file = join(dir, rel);
      const st = await stat(file).catch(() => undefined);
      if (!st?.isFile()) throw rowError('image-missing', record, `image ${rel} does not exist`);
      bytes += st.size;
      if (s.tokens) {
        let size;
        try {
          size = await imageSize(file);
        } catch (error) {
          throw rowError('image-unreadable', record, `image ${rel} cannot be read (${(error as Error).message})`);
        }
        try {
          rowTokens += imagePromptTokens(size.width, size.height, s.tokens);
        } catch (error) {
          throw rowError('image-tokens', record, `image ${rel}: ${(error as Error).message}`);
        }
      }
    }
    if (s.tokens) {
      if (rowTokens > s.maxImageTokens) {
        throw rowError('image-tokens', record, `its ${record.images.length} images take ${rowTokens} image tokens, above the limit of ${s.maxImageTokens} (raise --max-image-tokens or lower --max-pixels)`);
      }
      const t = tokens!.get(record.task)!;
      t.rows++;
      t.min = Math.min(t.min, rowTokens);
      t.max = Math.max(t.max, rowTokens);
      t.sum += rowTokens;
      maxRowTokens = Math.max(maxRowTokens, rowTokens);
    }
    const sp = bySplit.get(record.split)!;
    sp.rows++;
    sp.bytes += bytes;
  };
  for await (const { record, dir } of sourceRecords(sources)) {
    position++;
    if (!include(record, position)) continue;
    rows++;
    maxImages = Math.max(maxImages, record.images.length);
    const task = byTask.get(record.task) ?? {};
    task[record.split] = (task[record.split] ?? 0) + 1;
    byTask.set(record.task, task);
    // Entries are made here, in row order, so their order never depends on which check ends first.
    if (tokens && !tokens.has(record.task)) tokens.set(record.task, { rows: 0, min: Infinity, max: 0, sum: 0 });
    if (!bySplit.has(record.split)) bySplit.set(record.split, { rows: 0, bytes: 0 });
    const check = checkRow(record, dir);
    // Observed at once: the loop awaits file reads before settleAll looks at it.
    check.catch(() => undefined);
    pending.push(check);
    if (pending.length >= 64) {
      await settleAll(pending.splice(0));
      report(position + 1);
      checkAbort(signal);
    }
  }
  await settleAll(pending);
  report(position + 1);
  return { rows, bySplit, byTask, tokens, maxRowTokens: s.tokens ? maxRowTokens : undefined, maxImages };
}

// Waits for every check, then throws the first failure in row order (no rejection is left unobserved).
async function settleAll(checks: readonly Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(checks);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

interface Written {
  readonly shards: ExportShard[];
  readonly imageFiles: number;
  readonly datasets?: { name: string; file: string }[];
}

async function readImages(record: SampleRecord, dir: string, embed: boolean): Promise<RowImage[]> {
  return Promise.all(
    record.images.map(async (rel) => {
      if (!embed) return { path: rel };
      try {
        return { path: rel, bytes: await readFile(join(dir, rel)) };
      } catch (error) {
        throw rowError('image-missing', record, `image ${rel} cannot be read (${(error as Error).message})`);
      }
    }),
  );
}

async function copyImages(record: SampleRecord, dir: string, tmp: string, made: Set<string>): Promise<number> {
  for (const rel of record.images) {
    const target = join(tmp, rel);
    const folder = dirname(target);
    if (!made.has(folder)) {
      await mkdir(folder, { recursive: true });
      made.add(folder);
    }
    await copyFile(join(dir, rel), target);
  }
  return record.images.length;
}

// Reads the records' images a batch ahead of the writer, so reading overlaps encoding.
async function* withImages(
  sources: readonly SourceDataset[],
  include: (record: SampleRecord, position: number) => boolean,
  load: (record: SampleRecord, dir: string) => Promise<RowImage[]>,
): AsyncGenerator<{ record: SampleRecord; images: RowImage[]; position: number }> {
  type Item = { record: SampleRecord; images: RowImage[]; position: number };
  let batch: { record: SampleRecord; dir: string; position: number }[] = [];
  let ahead: Promise<Item[]> | undefined;
  const start = (b: typeof batch): Promise<Item[]> => {
    const p = Promise.all(b.map(async (x) => ({ record: x.record, position: x.position, images: await load(x.record, x.dir) })));
    // Observed here too, so a batch read ahead of a failing writer is not an unhandled rejection.
    p.catch(() => undefined);
    return p;
  };
  let position = -1;
  for await (const { record, dir } of sourceRecords(sources)) {
    position++;
    if (!include(record, position)) continue;
    batch.push({ record, dir, position });
    if (batch.length >= READ_BATCH) {
      const next = start(batch);
      batch = [];
      if (ahead) yield* await ahead;
      ahead = next;
    }
  }
  const last = batch.length > 0 ? start(batch) : undefined;
  if (ahead) yield* await ahead;
  if (last) yield* await last;
}

/** What a partial export folder has finished: data files (with their copied images) per shard. */
interface ResumeState {
  readonly key: string;
  readonly shards: readonly (ExportShard & { readonly imageFiles: number })[];
}

const STATE_FILE = '.export-state.json';

async function readState(partial: string, key: string): Promise<ResumeState | undefined> {
  try {
    const state = JSON.parse(await readFile(join(partial, STATE_FILE), 'utf8')) as ResumeState;
    if (state.key !== key || !Array.isArray(state.shards)) return undefined;
    for (const shard of state.shards) {
      const st = await stat(join(partial, shard.path)).catch(() => undefined);
      if (st?.size !== shard.bytes) return undefined;
    }
    return state;
  } catch {
    return undefined;
  }
}

async function writeParquet(
  sources: readonly SourceDataset[],
  format: ParquetFormat,
  s: Settings,
  checked: Checked,
  rowsPerShard: number | undefined,
  include: (record: SampleRecord, position: number) => boolean,
  tmp: string,
  resume: { readonly key: string; readonly state?: ResumeState },
  report: (done: number) => void,
  signal: AbortSignal | undefined,
): Promise<Written & { resumedShards: number }> {
  const columns = format.columns(s.images);
  const createdBy = `spatial-ssrl export ${generatorVersions()['@spatial-ssrl/tasks'] ?? 'unknown'} (hyparquet-writer)`;
  const finished = new Map((resume.state?.shards ?? []).map((sh) => [sh.path, sh]));
  const resumedShards = finished.size;
  const made = new Set<string>();
  interface SplitWriter {
    readonly split: SplitName;
    readonly perShard: number;
    readonly count: number;
    readonly total: number;
    /** Rows of this split seen so far (written or skipped). */
    seen: number;
    stream?: ParquetStream;
    path?: string;
    rows: Record<string, unknown>[];
    groupBytes: number;
    images: number;
  }
  const writers = new Map<SplitName, SplitWriter>();
  for (const [split, info] of [...checked.bySplit].sort(([a], [b]) => (a === 'train' ? -1 : b === 'train' ? 1 : 0))) {
    const auto = Math.max(1, Math.ceil((s.images === 'embed' ? info.bytes : 0) / SHARD_TARGET_BYTES), Math.ceil(info.rows / 1_000_000));
    const perShard = rowsPerShard ?? Math.ceil(info.rows / auto);
    writers.set(split, { split, perShard, count: Math.ceil(info.rows / perShard), total: info.rows, seen: 0, rows: [], groupBytes: 0, images: 0 });
  }
  const saveState = async (): Promise<void> => {
    const state: ResumeState = { key: resume.key, shards: [...finished.values()] };
    await writeFileAtomic(join(tmp, STATE_FILE), JSON.stringify(state));
  };
  const flushGroup = (w: SplitWriter): void => {
    if (w.rows.length === 0) return;
    w.stream!.writeRowGroup(w.rows);
    w.rows = [];
    w.groupBytes = 0;
  };
  // A shard is written under a temporary name and renamed when complete, then recorded as
  // finished: a resumed export keeps it and skips its rows.
  const closeShard = async (w: SplitWriter): Promise<void> => {
    flushGroup(w);
    if (!w.stream) return;
    w.stream.close();
    const file = join(tmp, w.path!);
    await rename(`${file}.partial`, file);
    const bytes = (await stat(file)).size;
    finished.set(w.path!, { split: w.split, path: w.path!, rows: w.stream.rows, bytes, imageFiles: w.images });
    w.stream = undefined;
    w.images = 0;
    await saveState();
  };
  for (const w of writers.values()) await mkdir(dirname(join(tmp, format.shardPath(w.split, 0, w.count))), { recursive: true });
  // The write pass reads only the rows of unfinished shards.
  const pending = (record: SampleRecord, position: number): boolean => {
    if (!include(record, position)) return false;
    const w = writers.get(record.split)!;
    const k = Math.floor(w.seen++ / w.perShard);
    return !finished.has(format.shardPath(w.split, k, w.count));
  };
  for (const w of writers.values()) w.seen = 0;
  const position = new Map<SplitName, number>();
  let done = 0;
  try {
    const load = (record: SampleRecord, dir: string): Promise<RowImage[]> =>
      s.images === 'embed' ? readImages(record, dir, true) : copyImages(record, dir, tmp, made).then(() => readImages(record, dir, false));
    for await (const { record, images, position: at } of withImages(sources, pending, load)) {
      const w = writers.get(record.split)!;
      // This row's place in its split: rows of finished shards before it were skipped.
      let i = position.get(record.split) ?? 0;
      while (finished.has(format.shardPath(w.split, Math.floor(i / w.perShard), w.count))) i += w.perShard - (i % w.perShard);
      const k = Math.floor(i / w.perShard);
      if (!w.stream) {
        w.path = format.shardPath(w.split, k, w.count);
        w.stream = new ParquetStream(`${join(tmp, w.path)}.partial`, { columns, createdBy });
      }
      w.rows.push(format.row(record, images, s.images));
      w.groupBytes += images.reduce((n, img) => n + (img.bytes?.length ?? 0), 0) + record.prompt.length;
      if (s.images === 'files') w.images += images.length;
      position.set(record.split, i + 1);
      done = at + 1;
      if ((i + 1) % w.perShard === 0 || i + 1 === w.total) {
        await closeShard(w);
        report(done);
        checkAbort(signal);
      } else if (w.rows.length >= ROW_GROUP_ROWS || w.groupBytes >= ROW_GROUP_BYTES) flushGroup(w);
      if (done % 256 === 0) {
        report(done);
        checkAbort(signal);
      }
    }
    for (const w of writers.values()) await closeShard(w);
  } catch (error) {
    for (const w of writers.values()) w.stream?.abort();
    throw error;
  }
  report(done);
  const shards = [...finished.values()].map(({ imageFiles: _n, ...shard }) => shard).sort((a, b) => a.path.localeCompare(b.path));
  const imageFiles = [...finished.values()].reduce((n, sh) => n + sh.imageFiles, 0);
  await rm(join(tmp, STATE_FILE), { force: true });
  return { shards, imageFiles, resumedShards };
}

async function writeLlamaFactory(
  sources: readonly SourceDataset[],
  s: Settings,
  coldStart: boolean,
  include: (record: SampleRecord, position: number) => boolean,
  tmp: string,
  report: (done: number) => void,
  signal: AbortSignal | undefined,
): Promise<Written> {
  const made = new Set<string>();
  const files = new Map<SplitName, { handle: Awaited<ReturnType<typeof open>>; rows: number; name: string; file: string }>();
  let imageFiles = 0;
  let done = 0;
  try {
    for await (const { record, dir } of sourceRecords(sources)) {
      done++;
      if (!include(record, done - 1)) continue;
      let f = files.get(record.split);
      if (!f) {
        const name = coldStart ? 'spatial_ssrl_coldstart' : `spatial_ssrl_${record.split}`;
        const file = `${name}.json`;
        f = { handle: await open(join(tmp, file), 'w'), rows: 0, name, file };
        files.set(record.split, f);
        await f.handle.write('[\n');
      }
      imageFiles += await copyImages(record, dir, tmp, made);
      const row = llamaFactoryRow(record, record.images, s.style, s.sftTarget);
      await f.handle.write(`${f.rows > 0 ? ',\n' : ''}  ${JSON.stringify(row)}`);
      f.rows++;
      if (done % 256 === 0) {
        report(done);
        checkAbort(signal);
      }
    }
  } finally {
    for (const f of files.values()) {
      await f.handle.write('\n]\n');
      await f.handle.close();
    }
  }
  report(done);
  const shards: ExportShard[] = [];
  for (const [split, f] of files) shards.push({ split, path: f.file, rows: f.rows, bytes: (await stat(join(tmp, f.file))).size });
  shards.sort((a, b) => a.path.localeCompare(b.path));
  const datasets = [...files.entries()]
    .sort(([a], [b]) => (a === 'train' ? -1 : b === 'train' ? 1 : 0))
    .map(([, f]) => ({ name: f.name, file: f.file }));
  return { shards, imageFiles, datasets };
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await folderBytes(path);
    else if (entry.isFile()) total += (await stat(path)).size;
  }
  return total;
}
