import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { CountsAccumulator } from './counts.js';
import { DATASET_FILES, DatasetError, datasetManifest, rejectionRecord, sampleRecord, type DatasetConfig } from '@spatial-ssrl/spec';
import { readLines } from '@spatial-ssrl/spec/node';
import { canonicalJson } from './files.js';

/** Where a run starts: the first index still to generate and the tallies of what is already on disk. */
export interface ResumeState {
  readonly resumeFrom: number;
  readonly counts: CountsAccumulator;
}

/**
 * Prepares `out` for a run of `config`: creates it when new; when it holds a run of the same
 * config and versions, keeps the complete sample lines, drops a partial last line and every
 * rejection line at or after the resume point, and returns where to continue. A different
 * config throws `DatasetError` (`config-mismatch`) unless `force`, which deletes the old files.
 */
export async function prepareOutput(
  out: string,
  config: DatasetConfig,
  versions: Record<string, string>,
  force: boolean,
): Promise<ResumeState> {
  await mkdir(out, { recursive: true });
  const manifestPath = join(out, DATASET_FILES.manifest);
  const samplesPath = join(out, DATASET_FILES.samples);
  const rejectionsPath = join(out, DATASET_FILES.rejections);
  const fresh = (): ResumeState => ({ resumeFrom: config.range.start, counts: new CountsAccumulator() });

  if (!existsSync(manifestPath)) {
    if (existsSync(samplesPath) || existsSync(rejectionsPath)) {
      if (!force) {
        throw new DatasetError('not-a-dataset', `${out} holds ${DATASET_FILES.samples} or ${DATASET_FILES.rejections} but no ${DATASET_FILES.manifest}; use force to overwrite`);
      }
      await clearDataset(out);
    }
    return fresh();
  }

  const problem = await compareManifest(manifestPath, config, versions);
  if (problem !== null) {
    if (!force) throw new DatasetError('config-mismatch', `${out} holds a different dataset (${problem}); use a new directory or force to overwrite`);
    await clearDataset(out);
    return fresh();
  }

  const counts = new CountsAccumulator();
  let resumeFrom = config.range.start;
  if (existsSync(samplesPath)) {
    let keep = 0;
    let last = config.range.start - 1;
    for await (const line of readLines(samplesPath)) {
      if (!line.complete) break;
      const parsed = safeJson(line.text);
      const record = sampleRecord.safeParse(parsed);
      if (!record.success) throw new DatasetError('corrupt-dataset', `${samplesPath}: a complete line ending at byte ${line.end} is not a sample record`);
      const { index } = record.data;
      if (index <= last || index >= config.range.end) {
        throw new DatasetError('corrupt-dataset', `${samplesPath}: index ${index} is out of order or outside [${config.range.start}, ${config.range.end})`);
      }
      last = index;
      keep = line.end;
      counts.addSample(record.data);
    }
    await truncateTo(samplesPath, keep);
    resumeFrom = last + 1;
  }
  if (existsSync(rejectionsPath)) {
    let keep = 0;
    for await (const line of readLines(rejectionsPath)) {
      if (!line.complete) break;
      const record = rejectionRecord.safeParse(safeJson(line.text));
      if (!record.success) throw new DatasetError('corrupt-dataset', `${rejectionsPath}: a complete line ending at byte ${line.end} is not a rejection record`);
      if (record.data.index >= resumeFrom) break;
      keep = line.end;
      const src = record.data.source;
      counts.addRejection({ code: record.data.code, kind: record.data.kind, source: src ? `${src.dataset}\u0000${src.id}` : null });
    }
    await truncateTo(rejectionsPath, keep);
  }
  return { resumeFrom, counts };
}

async function compareManifest(path: string, config: DatasetConfig, versions: Record<string, string>): Promise<string | null> {
  const parsed = datasetManifest.safeParse(safeJson(await readFile(path, 'utf8')));
  if (!parsed.success) return `${DATASET_FILES.manifest} is not a dataset manifest`;
  const old = parsed.data;
  const a = old.config as Record<string, unknown>;
  const b = config as Record<string, unknown>;
  const differing = Object.keys({ ...a, ...b }).filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k]));
  if (differing.length > 0) return `config differs in ${differing.join(', ')}`;
  if (canonicalJson(old.versions) !== canonicalJson(versions)) return 'made by other package versions';
  return null;
}

async function truncateTo(path: string, size: number): Promise<void> {
  if ((await stat(path)).size !== size) await truncate(path, size);
}

async function clearDataset(out: string): Promise<void> {
  for (const name of Object.values(DATASET_FILES)) {
    await rm(join(out, name), { recursive: true, force: true });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
