import { DATASET_FILES, DATASET_FORMAT, sampleRecord, type DatasetManifest, type SampleRecord, type SplitName, countImagePlaceholders, promptWords } from '@spatial-ssrl/spec';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { replaceDirAtomic } from '@spatial-ssrl/spec/node';
import { basename, dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { decodeImage, imageSize } from '@spatial-ssrl/image';
import { CountsAccumulator } from '../dataset/counts.js';
import { generatorVersions } from '../dataset/versions.js';
import { sampleId } from '../dataset/plan.js';
import { defaultRegistry, type TaskRegistry } from '../registry.js';
import { ExportError } from './export-error.js';
import { listParquetFiles, openParquet, type ParquetInput } from './parquet-read.js';
import { numberPlaceholders, stripInstruction } from './trainer-prompt.js';

/** Trainer layouts `import` reads. */
export type ImportSource = 'easyr1' | 'verl';

/** Options of {@link importDataset}. */
export interface ImportOptions {
  readonly from: ImportSource;
  /** A parquet file, or a folder searched recursively for `*.parquet`. */
  readonly input: string;
  /** Folder that relative image paths are resolved against; default: the folder of each parquet file and the two above it. */
  readonly imageDir?: string;
  /** The dataset directory to write (atomically: a sibling temporary folder renamed into place). */
  readonly out: string;
  /** EasyR1 column holding the prompt; default `problem`, falling back to `prompt`. */
  readonly promptKey?: string;
  /** Replace an existing output directory. */
  readonly force?: boolean;
  /** Tasks that may claim a prompt by its wording; default: the built-in tasks. */
  readonly registry?: TaskRegistry;
  readonly onProgress?: (progress: { readonly done: number; readonly total: number }) => void;
  readonly signal?: AbortSignal;
}

/** Why one row was not imported. */
export interface ImportRowError {
  readonly file: string;
  /** 0-based row of the file. */
  readonly row: number;
  readonly code: string;
  readonly message: string;
}

/** What {@link importDataset} did. */
export interface ImportResult {
  readonly out: string;
  readonly files: number;
  /** Rows read from the files. */
  readonly rows: number;
  readonly imported: number;
  /** task → split → rows imported. */
  readonly byTask: Readonly<Record<string, Readonly<Partial<Record<SplitName, number>>>>>;
  /** Rows whose task and variant were inferred from the prompt wording. */
  readonly inferred: number;
  /** Rows not imported, by code. */
  readonly errorsByCode: Readonly<Record<string, number>>;
  /** The first errors, one line each (at most 20). */
  readonly errors: readonly ImportRowError[];
  readonly elapsedMs: number;
}

const ERROR_SAMPLES = 20;

class RowError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface RowImageSource {
  readonly bytes?: Uint8Array;
  readonly path?: string;
}

interface Extras {
  index?: number;
  source?: { dataset: string; id: string };
  seed?: number;
  attempt?: number;
  split?: SplitName;
  meta?: Record<string, unknown>;
  numberedPlaceholders?: boolean;
}

interface RawRow {
  readonly prompt: string;
  readonly answer: string;
  readonly images: readonly RowImageSource[];
  readonly id?: string;
  readonly task?: string;
  readonly variant?: string;
  readonly split?: SplitName;
  readonly extras: Extras;
}

function asText(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  throw new RowError('missing-field', `${field} is ${value === null || value === undefined ? 'missing' : `a ${typeof value}, not text`}`);
}

function optionalText(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function parseExtras(value: unknown): Extras {
  if (typeof value !== 'string' || value.length === 0) return {};
  try {
    const parsed = JSON.parse(value) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as Extras) : {};
  } catch {
    return {};
  }
}

function imageEntries(value: unknown): RowImageSource[] {
  if (value === null || value === undefined) throw new RowError('missing-field', 'images is missing');
  if (!Array.isArray(value)) throw new RowError('missing-field', 'images is not a list');
  return value.map((entry, k) => {
    if (entry instanceof Uint8Array) return { bytes: entry };
    if (typeof entry === 'string') return { path: entry };
    if (entry !== null && typeof entry === 'object') {
      const e = entry as Record<string, unknown>;
      const bytes = e.bytes instanceof Uint8Array && e.bytes.length > 0 ? e.bytes : undefined;
      const path = optionalText(e.path) ?? optionalText(e.image);
      if (bytes || path) return { bytes, path };
    }
    throw new RowError('image-missing', `image ${k + 1} has neither bytes nor a path`);
  });
}

function splitOf(value: unknown): SplitName | undefined {
  return value === 'train' || value === 'test' ? value : undefined;
}

function easyr1Row(row: Record<string, unknown>, promptKey: string): RawRow {
  const extras = parseExtras(row.extras);
  return {
    prompt: asText(row[promptKey], promptKey),
    answer: asText(row.answer, 'answer'),
    images: imageEntries(row.images),
    id: optionalText(row.id),
    task: optionalText(row.task),
    variant: optionalText(row.variant),
    split: splitOf(extras.split),
    extras,
  };
}

function verlRow(row: Record<string, unknown>): RawRow {
  const messages = row.prompt;
  let prompt: string | undefined;
  if (typeof messages === 'string') prompt = messages;
  else if (Array.isArray(messages)) {
    const user = [...messages].reverse().find((m) => m && typeof m === 'object' && (m as { role?: unknown }).role === 'user') as { content?: unknown } | undefined;
    prompt = user ? asText(user.content, 'prompt[user].content') : undefined;
  }
  if (prompt === undefined) throw new RowError('missing-field', 'prompt has no user message');
  const rm = row.reward_model as { ground_truth?: unknown } | null | undefined;
  const info = (row.extra_info ?? {}) as Record<string, unknown>;
  const extras = parseExtras(info.extras);
  return {
    prompt,
    answer: asText(rm?.ground_truth, 'reward_model.ground_truth'),
    images: imageEntries(row.images),
    id: optionalText(info.id),
    task: optionalText(info.task),
    variant: optionalText(info.variant),
    split: splitOf(info.split) ?? splitOf(extras.split),
    extras,
  };
}

function sniffExtension(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'jpg';
  if (bytes[0] === 0x52 && bytes[1] === 0x49 && bytes[2] === 0x46 && bytes[3] === 0x46 && bytes[8] === 0x57) return 'webp';
  if (bytes[0] === 0x47 && bytes[1] === 0x49 && bytes[2] === 0x46) return 'gif';
  return undefined;
}

// A path inside the dataset folder, kept from the source when it is a plain relative one
// under images/ (as exports write them), so a round trip keeps file names.
function keptPath(path: string | undefined, ext: string): string | undefined {
  if (!path || isAbsolute(path) || path.includes('\\')) return undefined;
  const norm = normalize(path);
  if (!norm.startsWith(`images${sep}`) || norm.split(sep).includes('..')) return undefined;
  const extension = norm.split('.').pop()?.toLowerCase();
  const same = extension === ext || (ext === 'jpg' && extension === 'jpeg');
  return same ? norm.split(sep).join('/') : undefined;
}

// Relative paths are tried against each image folder, then with leading folders dropped (a
// release's paths often start with the folder it was made in).
function resolveImage(path: string, imageDirs: readonly string[]): string | undefined {
  const p = path.startsWith('file://') ? path.slice(7) : path;
  if (isAbsolute(p) && existsSync(p)) return p;
  const parts = p.split(/[\\/]+/).filter((s) => s.length > 0 && s !== '.');
  for (const dir of imageDirs) {
    for (let i = 0; i < parts.length; i++) {
      const candidate = join(dir, ...parts.slice(i));
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

function splitFromFileName(file: string): SplitName {
  const name = basename(file).toLowerCase();
  const parent = basename(dirname(file)).toLowerCase();
  return /^(test|val|validation)\b|^(test|val|validation)[-_.]/.test(name) || ['test', 'val', 'validation'].includes(parent) ? 'test' : 'train';
}

/**
 * Imports an EasyR1 or verl parquet (file or folder) into a dataset directory that
 * `ssrl-train sft/grpo/export` and `ssrl-eval --bench ssrl-tasks` read. Rows keep the task
 * and variant the file gives (exports of this project do, plugin tasks included); otherwise a
 * registered task claims the prompt by its wording. A row with a missing field, a missing or undecodable image,
 * a placeholder count unlike its image count or a prompt no task claims is skipped and counted
 * by code; the rest is imported. A file that is not parquet stops the import.
 */
export async function importDataset(options: ImportOptions): Promise<ImportResult> {
  const started = performance.now();
  if (options.from !== 'easyr1' && options.from !== 'verl') {
    throw new ExportError('invalid-options', `import reads easyr1 or verl parquet, not "${String(options.from)}"`);
  }
  const out = resolve(options.out);
  if (existsSync(out) && options.force !== true) {
    throw new ExportError('output-exists', `${out} already exists; choose another --out or pass --force to replace it`);
  }
  const registry = options.registry ?? defaultRegistry();
  const files = await listParquetFiles(resolve(options.input));
  const inputs: ParquetInput[] = [];
  for (const f of files) inputs.push(await openParquet(f));
  const total = inputs.reduce((n, f) => n + f.rows, 0);

  const errorsByCode = new Map<string, number>();
  const errors: ImportRowError[] = [];
  const byTask = new Map<string, Partial<Record<SplitName, number>>>();
  let imported = 0;
  let inferred = 0;
  const fail = (file: string, row: number, code: string, message: string): void => {
    errorsByCode.set(code, (errorsByCode.get(code) ?? 0) + 1);
    if (errors.length < ERROR_SAMPLES) errors.push({ file, row, code, message });
  };
  // Built in a sibling temp folder moved into place at the end: a failed or stopped import leaves
  // the previous folder (if any) as it was.
  await replaceDirAtomic(out, async (tmp) => {
    await mkdir(join(tmp, DATASET_FILES.images), { recursive: true });
    const counts = new CountsAccumulator();
    const ids = new Set<string>();
    const madeDirs = new Set<string>();
    const formats = new Map<string, number>();
    let done = 0;
    // Records are written in index order (their order in the exported dataset), so an export
    // imported back gives the same samples.jsonl.
    const lines: { index: number; line: string }[] = [];
    for (const input of inputs) {
      const promptKey = options.promptKey ?? (input.columns.includes('problem') ? 'problem' : 'prompt');
      const required = options.from === 'easyr1' ? [promptKey, 'answer', 'images'] : ['prompt', 'images', 'reward_model'];
      const missing = required.filter((c) => !input.columns.includes(c));
      if (missing.length > 0) {
        for (let r = 0; r < input.rows; r++) {
          fail(input.path, r, 'missing-columns', `the file has no column ${missing.map((c) => `"${c}"`).join(', ')} (it has ${input.columns.join(', ')})`);
        }
        done += input.rows;
        options.onProgress?.({ done, total });
        continue;
      }
      const here = dirname(input.path);
      const imageDirs = options.imageDir !== undefined ? [resolve(options.imageDir)] : [here, dirname(here), dirname(dirname(here))];
      const fileSplit = splitFromFileName(input.path);
      let start = 0;
      for (const groupRows of input.rowGroups) {
        const rows = await input.read(start, start + groupRows);
        for (let i = 0; i < rows.length; i++) {
          const rowIndex = start + i;
          try {
            const raw = options.from === 'easyr1' ? easyr1Row(rows[i], promptKey) : verlRow(rows[i]);
            const record = await buildRecord(raw, rowIndex, input.path, fileSplit, imageDirs, registry, tmp, madeDirs, formats, imported, total, ids);
            if (raw.task === undefined || raw.variant === undefined) inferred++;
            lines.push({ index: record.index, line: JSON.stringify(record) });
            ids.add(record.id);
            counts.addSample(record);
            const t = byTask.get(record.task) ?? {};
            t[record.split] = (t[record.split] ?? 0) + 1;
            byTask.set(record.task, t);
            imported++;
          } catch (error) {
            if (!(error instanceof RowError)) throw error;
            fail(input.path, rowIndex, error.code, error.message);
          }
        }
        start += groupRows;
        done += rows.length;
        options.onProgress?.({ done, total });
        if (options.signal?.aborted) throw new ExportError('aborted', 'import stopped; nothing was written');
      }
    }
    if (imported === 0) {
      const first = errors[0];
      throw new ExportError('no-rows', `no row could be imported${first ? `; row ${first.row} of ${first.file}: ${first.message}` : ''}`);
    }
    lines.sort((a, b) => a.index - b.index);
    const samples = await open(join(tmp, DATASET_FILES.samples), 'w');
    try {
      for (let i = 0; i < lines.length; i += 1000) await samples.write(lines.slice(i, i + 1000).map((l) => `${l.line}\n`).join(''));
    } finally {
      await samples.close();
    }
    await writeFile(join(tmp, DATASET_FILES.rejections), '');
    const countsJson = counts.toJSON();
    const tasks = Object.keys(countsJson.byTask).sort();
    const testRows = countsJson.bySplit.test ?? 0;
    const manifest: DatasetManifest & { imported: unknown } = {
      format: DATASET_FORMAT,
      status: 'complete',
      config: {
        sources: [`import:${options.from}:${files.length === 1 ? basename(files[0]) : basename(resolve(options.input))}`],
        tasks: tasks.map((id) => ({ id, weight: countsJson.byTask[id], params: {} })),
        count: imported,
        seed: 0,
        shard: { k: 1, n: 1 },
        range: { start: 0, end: imported },
        format: (formats.get('jpg') ?? 0) > (formats.get('png') ?? 0) ? 'jpeg' : 'png',
        jpegQuality: 90,
        testFraction: testRows / imported,
        splitSeed: 0,
        maxAttempts: 1,
      },
      versions: generatorVersions(),
      files: { samples: DATASET_FILES.samples, rejections: DATASET_FILES.rejections, images: DATASET_FILES.images },
      counts: countsJson,
      imported: { from: options.from, files: files.map((f) => basename(f)), rows: total, imported, errorsByCode: Object.fromEntries(errorsByCode) },
    };
    await writeFile(join(tmp, DATASET_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  });
  return {
    out,
    files: files.length,
    rows: total,
    imported,
    byTask: Object.fromEntries(byTask),
    inferred,
    errorsByCode: Object.fromEntries([...errorsByCode].sort(([a], [b]) => a.localeCompare(b))),
    errors,
    elapsedMs: performance.now() - started,
  };
}

async function buildRecord(
  raw: RawRow,
  rowIndex: number,
  file: string,
  fileSplit: SplitName,
  imageDirs: readonly string[],
  registry: TaskRegistry,
  tmp: string,
  madeDirs: Set<string>,
  formats: Map<string, number>,
  position: number,
  total: number,
  ids: ReadonlySet<string>,
): Promise<SampleRecord> {
  let prompt = stripInstruction(raw.prompt);
  if (raw.extras.numberedPlaceholders === true) prompt = numberPlaceholders(prompt);
  let placeholders: number;
  try {
    placeholders = countImagePlaceholders(prompt);
  } catch (error) {
    throw new RowError('placeholder-mismatch', (error as Error).message);
  }
  if (placeholders !== raw.images.length) {
    throw new RowError('placeholder-mismatch', `the prompt has ${placeholders} image placeholders but the row has ${raw.images.length} images`);
  }
  let task = raw.task;
  let variant = raw.variant;
  if (task === undefined || variant === undefined) {
    task = undefined;
    variant = undefined;
    const words = promptWords(prompt);
    for (const t of registry.list()) {
      const v = t.recognizePrompt?.(words);
      if (v) {
        task = t.id;
        variant = v;
        break;
      }
    }
  }
  if (task === undefined || variant === undefined) {
    throw new RowError('unknown-task', `no registered task writes this prompt ("${prompt.slice(0, 60)}${prompt.length > 60 ? '…' : ''}")`);
  }
  const index = Number.isInteger(raw.extras.index) && raw.extras.index! >= 0 ? raw.extras.index! : position;
  const id = raw.id ?? sampleId(task, index, Math.max(total, index + 1));
  if (ids.has(id)) throw new RowError('duplicate-id', `id ${id} appears twice`);
  const images: string[] = [];
  for (let k = 0; k < raw.images.length; k++) {
    const entry = raw.images[k];
    let bytes = entry.bytes;
    if (!bytes) {
      const found = resolveImage(entry.path!, imageDirs);
      if (!found) throw new RowError('image-missing', `image ${k + 1} (${entry.path}) is not under ${imageDirs.join(' or ')}`);
      bytes = await readFile(found);
    }
    const ext = sniffExtension(bytes);
    try {
      if (!ext) await imageSize(bytes);
      await decodeImage(bytes);
    } catch (error) {
      throw new RowError('image-undecodable', `image ${k + 1}${entry.path ? ` (${entry.path})` : ''} cannot be decoded: ${(error as Error).message}`);
    }
    const extension = ext ?? 'png';
    formats.set(extension, (formats.get(extension) ?? 0) + 1);
    const rel = keptPath(entry.path, extension) ?? `images/${task}/${id}-${k}.${extension}`;
    const target = join(tmp, rel);
    if (!madeDirs.has(dirname(target))) {
      await mkdir(dirname(target), { recursive: true });
      madeDirs.add(dirname(target));
    }
    await writeFile(target, bytes);
    images.push(rel);
  }
  const record: SampleRecord = {
    id,
    index,
    task,
    variant,
    prompt,
    answer: raw.answer,
    images,
    source: raw.extras.source ?? { dataset: `import:${basename(file)}`, id: String(rowIndex) },
    seed: Number.isInteger(raw.extras.seed) && raw.extras.seed! >= 0 ? raw.extras.seed! : 0,
    attempt: Number.isInteger(raw.extras.attempt) && raw.extras.attempt! >= 0 ? raw.extras.attempt! : 0,
    split: raw.split ?? fileSplit,
    meta: raw.extras.meta ?? {},
  };
  const parsed = sampleRecord.safeParse(record);
  if (!parsed.success) throw new RowError('missing-field', `${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}
