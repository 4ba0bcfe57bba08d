import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatasetError } from './errors.js';
import { readLines } from './files.js';
import { DATASET_FILES } from './resume.js';
import { datasetManifest, rejectionRecord, sampleRecord, type DatasetManifest, type RejectionRecord, type SampleRecord } from './schema.js';

/** Reads and validates `<dir>/dataset.json`; throws `DatasetError` (`not-a-dataset`) when absent or malformed. */
export async function readDatasetManifest(dir: string): Promise<DatasetManifest> {
  const path = join(dir, DATASET_FILES.manifest);
  if (!existsSync(path)) throw new DatasetError('not-a-dataset', `${dir} has no ${DATASET_FILES.manifest}; is it a dataset directory?`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new DatasetError('not-a-dataset', `${path} is not valid JSON`, { cause });
  }
  const parsed = datasetManifest.safeParse(json);
  if (!parsed.success) {
    throw new DatasetError('not-a-dataset', `${path} is not a dataset manifest: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
  }
  return parsed.data;
}

/**
 * Streams the validated records of `<dir>/samples.jsonl` in file order, stopping after `limit`
 * (default: all); an unterminated last line (a run still writing) is skipped.
 */
export async function* readSamples(dir: string, options: { readonly limit?: number } = {}): AsyncGenerator<SampleRecord> {
  yield* readRecords(join(dir, DATASET_FILES.samples), sampleRecord.parse.bind(sampleRecord), options.limit);
}

/** Streams the validated records of `<dir>/rejections.jsonl` in file order. */
export async function* readRejections(dir: string, options: { readonly limit?: number } = {}): AsyncGenerator<RejectionRecord> {
  yield* readRecords(join(dir, DATASET_FILES.rejections), rejectionRecord.parse.bind(rejectionRecord), options.limit);
}

async function* readRecords<T>(path: string, parse: (v: unknown) => T, limit = Infinity): AsyncGenerator<T> {
  if (!existsSync(path)) throw new DatasetError('not-a-dataset', `${path} does not exist`);
  let n = 0;
  if (n >= limit) return;
  for await (const line of readLines(path)) {
    if (!line.complete) return;
    if (line.text.length === 0) continue;
    let value: T;
    try {
      value = parse(JSON.parse(line.text));
    } catch (cause) {
      throw new DatasetError('corrupt-dataset', `${path}: the line ending at byte ${line.end} is not a valid record`, { cause });
    }
    yield value;
    if (++n >= limit) return;
  }
}
