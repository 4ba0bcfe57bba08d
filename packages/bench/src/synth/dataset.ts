import { existsSync, readFileSync } from 'node:fs';
import { mkdir, open, readFile, rm, stat, truncate, type FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { encodeImage, sharpVersion } from '@spatial-ssrl/image';
import { DATASET_FILES, DATASET_FORMAT, type DatasetConfig, type RejectionRecord, type SampleRecord } from '@spatial-ssrl/spec';
import { readLines, toJsonl, writeFileAtomic } from '@spatial-ssrl/spec/node';
import { BenchError } from '../errors.js';
import { SYNTH_BENCHES } from './categories.js';
import { SYNTH_DEFAULTS, SynthGenerator, synthPrompt, type SynthItem, type SynthOptions, type SynthRejectionRecord } from './generate.js';
import { countDataset, summaryMarkdown, type SynthCategorySummary } from './dataset-summary.js';

const FILES = { ...DATASET_FILES, summary: 'summary.md' } as const;

/** Options of {@link writeSynthBenchmark}: what decides the items, where to write them, and how. */
export interface WriteSynthOptions extends Partial<Omit<SynthOptions, 'bench' | 'count'>> {
  readonly bench: SynthOptions['bench'];
  readonly count: number;
  /** Output directory. */
  readonly out: string;
  /** Image encoding (default PNG) and JPEG quality 1-100 (default 90). */
  readonly format?: 'png' | 'jpeg';
  readonly jpegQuality?: number;
  /** Overwrite a directory holding another dataset. */
  readonly force?: boolean;
  /** Stops after the scene being written; the run resumes when started again. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: SynthProgress) => void;
}

/** Progress after each scene. */
export interface SynthProgress {
  /** Items written (including those found from an earlier run) and wanted. */
  readonly done: number;
  readonly total: number;
  /** Scenes visited and rendered in this run. */
  readonly scenes: number;
  readonly rendered: number;
  /** Candidate questions rejected in this run. */
  readonly rejected: number;
  readonly elapsedMs: number;
}

/** Result of {@link writeSynthBenchmark}. */
export interface WriteSynthResult {
  readonly out: string;
  /** Items in the directory. */
  readonly items: number;
  /** Scene index the run started from (0 for a fresh run), and scenes visited and rendered by this run. */
  readonly resumedFrom: number;
  readonly scenes: number;
  readonly rendered: number;
  /** True when the directory already held the finished benchmark. */
  readonly alreadyComplete: boolean;
  readonly elapsedMs: number;
  readonly categories: Readonly<Record<string, SynthCategorySummary>>;
}

function versions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const out: Record<string, string> = {};
  for (const name of ['@spatial-ssrl/bench', '@spatial-ssrl/spec', '@spatial-ssrl/scenes', '@spatial-ssrl/image']) {
    try {
      out[name] = (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
    } catch {
      out[name] = 'unknown';
    }
  }
  out.sharp = sharpVersion();
  return out;
}

/** The `config` of `dataset.json`: every option that decides the bytes, in the project's dataset layout. */
function datasetConfig(o: SynthOptions, format: 'png' | 'jpeg', jpegQuality: number): DatasetConfig {
  const bench = SYNTH_BENCHES[o.bench];
  return {
    sources: [`synth-scenes:${o.width}x${o.height}:seed=${o.seed}`],
    tasks: [{ id: o.bench, weight: 1, params: { categories: bench.categories.map((c) => c.id), perScene: o.perScene, width: o.width, height: o.height } }],
    count: o.count,
    seed: o.seed,
    shard: { k: 1, n: 1 },
    range: { start: 0, end: o.count },
    format,
    jpegQuality,
    testFraction: o.testFraction,
    splitSeed: o.splitSeed,
    maxAttempts: STALL_SCENES,
  };
}

/** Rendered scenes in a row that may add no item before a run gives up (objects too small to ask about, say). */
const STALL_SCENES = 500;

interface StoredSample {
  readonly split: 'train' | 'test';
  readonly variant: string;
  readonly answer: string;
  readonly meta: { readonly scene: number; readonly answerKey: string; readonly phrasing: number; readonly choices: Record<string, string> };
}

function parseStored(path: string, text: string, end: number): StoredSample {
  let value: StoredSample;
  try {
    value = JSON.parse(text) as StoredSample;
  } catch (cause) {
    throw new BenchError('BAD_DATA', `${path}: the line ending at byte ${end} is not valid JSON; use force to start over`, { cause });
  }
  if (typeof value?.meta?.scene !== 'number' || typeof value.meta.answerKey !== 'string' || typeof value.meta.phrasing !== 'number' || typeof value.variant !== 'string') {
    throw new BenchError('BAD_DATA', `${path}: the line ending at byte ${end} is not a synthetic benchmark sample; use force to start over`);
  }
  return value;
}

async function clear(out: string): Promise<void> {
  for (const name of Object.values(FILES)) await rm(join(out, name), { recursive: true, force: true });
}

/**
 * Writes a synthetic benchmark as a dataset directory: `dataset.json` (config, versions, counts
 * and per-category summary), `samples.jsonl` (one multiple-choice item per line, task = the
 * benchmark, variant = the category, split by scene), `rejections.jsonl` (every candidate
 * question dropped, with its reason), `images/<bench>/scene-NNNNNN.png` and `summary.md`.
 * Scene by scene, images first and atomically; started again with the same options it keeps the
 * scenes already written, redoes the last one and continues, ending with the same bytes as an
 * uninterrupted run. A directory holding another dataset is refused unless `force`.
 */
export async function writeSynthBenchmark(options: WriteSynthOptions): Promise<WriteSynthResult> {
  const started = Date.now();
  const synth: SynthOptions = {
    bench: options.bench,
    count: options.count,
    seed: options.seed ?? SYNTH_DEFAULTS.seed,
    width: options.width ?? SYNTH_DEFAULTS.width,
    height: options.height ?? SYNTH_DEFAULTS.height,
    testFraction: options.testFraction ?? SYNTH_DEFAULTS.testFraction,
    splitSeed: options.splitSeed ?? SYNTH_DEFAULTS.splitSeed,
    perScene: options.perScene ?? SYNTH_DEFAULTS.perScene,
  };
  const generator = new SynthGenerator(synth);
  if (synth.seed < 0 || synth.splitSeed < 0) throw new BenchError('BAD_ARGUMENT', 'synthetic benchmark: seed and splitSeed must be ≥ 0 in a dataset directory');
  const format = options.format ?? 'png';
  const jpegQuality = options.jpegQuality ?? 90;
  if (!Number.isInteger(jpegQuality) || jpegQuality < 1 || jpegQuality > 100) throw new BenchError('BAD_ARGUMENT', `jpegQuality must be an integer from 1 to 100, got ${jpegQuality}`);
  const config = datasetConfig(synth, format, jpegQuality);
  const stamp = versions();
  const out = options.out;
  await mkdir(out, { recursive: true });
  const path = (name: keyof typeof FILES) => join(out, FILES[name]);

  // What the directory already holds.
  if (existsSync(path('manifest'))) {
    let old: { format?: unknown; status?: unknown; config?: unknown; versions?: unknown } | undefined;
    try {
      old = JSON.parse(await readFile(path('manifest'), 'utf8')) as typeof old;
    } catch {
      old = undefined;
    }
    const same = old?.format === DATASET_FORMAT && JSON.stringify(old.config) === JSON.stringify(config) && JSON.stringify(old.versions) === JSON.stringify(stamp);
    if (!same) {
      if (!options.force) {
        throw new BenchError('BAD_ARGUMENT', `${out} holds another dataset (different ${old?.format !== DATASET_FORMAT ? 'format' : JSON.stringify(old?.config) !== JSON.stringify(config) ? 'options' : 'package versions'}); use a new directory or force to overwrite`);
      }
      await clear(out);
    } else if (old?.status === 'complete') {
      const summary = JSON.parse(await readFile(path('manifest'), 'utf8')) as { counts: { samples: number }; synth: { categories: Record<string, SynthCategorySummary> } };
      return { out, items: summary.counts.samples, resumedFrom: 0, scenes: 0, rendered: 0, alreadyComplete: true, elapsedMs: Date.now() - started, categories: summary.synth.categories };
    }
  } else if (existsSync(path('samples')) || existsSync(path('rejections'))) {
    if (!options.force) throw new BenchError('BAD_ARGUMENT', `${out} holds ${FILES.samples} or ${FILES.rejections} but no ${FILES.manifest}; use force to overwrite`);
    await clear(out);
  }

  // Resume: keep every scene before the last one written, replay its items into the generator.
  let resumeScene = 0;
  let items = 0;
  if (existsSync(path('samples'))) {
    const kept: { end: number; sample: StoredSample }[] = [];
    for await (const line of readLines(path('samples'))) {
      if (!line.complete || line.text.length === 0) break;
      kept.push({ end: line.end, sample: parseStored(path('samples'), line.text, line.end) });
    }
    resumeScene = kept.length ? kept[kept.length - 1]!.sample.meta.scene : 0;
    let keep = 0;
    for (const { end, sample } of kept) {
      if (sample.meta.scene >= resumeScene) break;
      keep = end;
      items++;
      generator.restore({ split: sample.split, category: sample.variant, answerKey: sample.meta.answerKey, phrasing: sample.meta.phrasing, answer: sample.answer, options: Object.keys(sample.meta.choices).length });
    }
    if ((await stat(path('samples'))).size !== keep) await truncate(path('samples'), keep);
  }
  if (existsSync(path('rejections'))) {
    let keep = 0;
    for await (const line of readLines(path('rejections'))) {
      if (!line.complete) break;
      const scene = (JSON.parse(line.text) as { scene?: unknown }).scene;
      if (typeof scene !== 'number' || scene >= resumeScene) break;
      keep = line.end;
    }
    if ((await stat(path('rejections'))).size !== keep) await truncate(path('rejections'), keep);
  }

  const manifest = (status: 'running' | 'complete', extra: object = {}) => ({
    format: DATASET_FORMAT,
    status,
    config,
    versions: stamp,
    files: { samples: FILES.samples, rejections: FILES.rejections, images: FILES.images },
    ...extra,
  });
  await writeFileAtomic(path('manifest'), `${JSON.stringify(manifest('running'), null, 2)}\n`);
  const imageDir = join(out, FILES.images, synth.bench);
  await mkdir(imageDir, { recursive: true });
  const digits = Math.max(6, String(synth.count - 1).length);
  const samplesFile = await open(path('samples'), 'a');
  const rejectionsFile = await open(path('rejections'), 'a');
  let scenes = 0;
  let rendered = 0;
  let rejected = 0;
  let barren = 0;
  const reasons = new Map<string, number>();
  try {
    for (let scene = resumeScene; !generator.complete(); scene++) {
      options.signal?.throwIfAborted();
      if (barren >= STALL_SCENES) {
        const short = Object.entries(generator.fill()).filter(([, f]) => f.done < f.quota).map(([k, f]) => `${k} ${f.done}/${f.quota}`);
        const top = [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, n]) => `${k} ${n}`);
        throw new BenchError('BAD_DATA', `${synth.bench}: ${STALL_SCENES} rendered scenes in a row added no question (still short: ${short.join(', ')}; most frequent reasons: ${top.join(', ')}); see ${FILES.rejections}`);
      }
      const result = generator.scene(scene);
      scenes++;
      if (result.rendered) barren = result.items.length > 0 ? 0 : barren + 1;
      for (const r of result.rejections) reasons.set(r.code, (reasons.get(r.code) ?? 0) + 1);
      const sceneId = `scene-${String(scene).padStart(6, '0')}`;
      const image = `${FILES.images}/${synth.bench}/${sceneId}.${format === 'png' ? 'png' : 'jpg'}`;
      if (result.rendered) rendered++;
      if (result.image) {
        const bytes = await encodeImage(result.image, format === 'png' ? { format: 'png' } : { format: 'jpeg', quality: jpegQuality });
        await writeFileAtomic(join(out, image), bytes);
      }
      const first = items;
      const samples = result.items.map((item) => sampleRecord(synth, item, items++, digits, image, sceneId));
      const rejections = result.rejections.map((r) => rejectionRecord(synth, r, first, sceneId));
      rejected += rejections.length;
      await append(samplesFile, samples);
      await append(rejectionsFile, rejections);
      const { done, total } = generator.progress();
      options.onProgress?.({ done, total, scenes, rendered, rejected, elapsedMs: Date.now() - started });
    }
  } finally {
    await samplesFile.close();
    await rejectionsFile.close();
  }

  const counts = await countDataset(path('samples'), path('rejections'), synth);
  await writeFileAtomic(path('summary'), summaryMarkdown(synth, counts.categories, counts.scenes));
  await writeFileAtomic(path('manifest'), `${JSON.stringify(manifest('complete', { counts: counts.counts, synth: { bench: synth.bench, scenes: counts.scenes, categories: counts.categories } }), null, 2)}\n`);
  return { out, items: counts.counts.samples, resumedFrom: resumeScene, scenes, rendered, alreadyComplete: false, elapsedMs: Date.now() - started, categories: counts.categories };
}

async function append(file: FileHandle, records: readonly object[]): Promise<void> {
  if (records.length) await file.write(toJsonl(records));
}

function sampleRecord(o: SynthOptions, item: SynthItem, index: number, digits: number, image: string, sceneId: string): SampleRecord {
  return {
    id: `${o.bench}-${String(index).padStart(digits, '0')}`,
    index,
    task: o.bench,
    variant: item.category,
    prompt: synthPrompt(item),
    answer: item.answer,
    images: [image],
    source: { dataset: `synth-scenes:seed=${o.seed}`, id: sceneId },
    seed: item.sceneSeed,
    attempt: 0,
    split: item.split,
    meta: {
      category: item.category,
      question: item.question,
      choices: item.choices,
      answerText: item.answerText,
      answerKey: item.answerKey,
      phrasing: item.phrasing,
      scene: item.scene,
      objects: item.objects,
      facts: item.facts,
    },
  };
}

function rejectionRecord(o: SynthOptions, r: SynthRejectionRecord, index: number, sceneId: string): RejectionRecord & { readonly category: string; readonly scene: number } {
  return {
    index,
    task: o.bench,
    kind: 'task',
    attempt: 0,
    source: { dataset: `synth-scenes:seed=${o.seed}`, id: sceneId },
    seed: r.sceneSeed,
    code: r.code,
    message: r.message,
    category: r.category,
    scene: r.scene,
  };
}

