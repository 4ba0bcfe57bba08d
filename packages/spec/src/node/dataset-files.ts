import type { ZodType } from 'zod';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { datasetManifest, DATASET_FILES, rejectionRecord, sampleRecord, type DatasetManifest, type RejectionRecord, type SampleRecord } from '../dataset.js';
import { DatasetError } from '../errors.js';
import { JsonlError, readJsonl } from './jsonl.js';

/** Reads and validates `<dir>/dataset.json`; a missing or malformed file is a `DatasetError` (`not-a-dataset`). */
export async function readDatasetManifest(dir: string): Promise<DatasetManifest> {
  const file = path.join(dir, DATASET_FILES.manifest);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new DatasetError('not-a-dataset', `${dir} has no ${DATASET_FILES.manifest}; is it a dataset directory?`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new DatasetError('not-a-dataset', `${file} is not valid JSON`, { cause });
  }
  const parsed = datasetManifest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DatasetError('not-a-dataset', `${file} is not a dataset manifest: ${issue.path.join('.')} ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Streams the validated records of `<dir>/samples.jsonl` in file order, stopping after `limit`
 * (default: all); a torn last line (a run still writing) is skipped. A missing file is a
 * `DatasetError` (`not-a-dataset`), a bad line one (`corrupt-dataset`) naming the line and field.
 */
export async function* readSamples(dir: string, options: { readonly limit?: number } = {}): AsyncGenerator<SampleRecord> {
  yield* records(path.join(dir, DATASET_FILES.samples), sampleRecord, options.limit);
}

/** Streams the validated records of `<dir>/rejections.jsonl` in file order (errors as {@link readSamples}). */
export async function* readRejections(dir: string, options: { readonly limit?: number } = {}): AsyncGenerator<RejectionRecord> {
  yield* records(path.join(dir, DATASET_FILES.rejections), rejectionRecord, options.limit);
}

async function* records<T>(file: string, schema: ZodType<T>, limit: number | undefined): AsyncGenerator<T> {
  try {
    for await (const r of readJsonl(file, { schema, ...(limit !== undefined ? { limit } : {}) })) yield r.value;
  } catch (err) {
    if (err instanceof JsonlError) {
      const missing = err.code === 'missing-file';
      throw new DatasetError(missing ? 'not-a-dataset' : 'corrupt-dataset', missing ? `${file} does not exist; is this a dataset directory written by "ssrl-train generate"?` : err.message, { cause: err });
    }
    throw err;
  }
}
