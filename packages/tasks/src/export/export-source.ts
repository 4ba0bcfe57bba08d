import { readDatasetManifest, readSamples } from '@spatial-ssrl/spec/node';
import { type DatasetManifest, type SampleRecord } from '@spatial-ssrl/spec';
import { resolve } from 'node:path';
import { ExportError } from './export-error.js';

/** One dataset directory of an export's input. */
export interface SourceDataset {
  readonly dir: string;
  readonly manifest: DatasetManifest;
}

/** A record and the dataset directory its image paths are relative to. */
export interface SourcedRecord {
  readonly record: SampleRecord;
  readonly dir: string;
}

/**
 * Opens the dataset directories of an export. Several directories must be the shards
 * (`generate --shard k/n`) of one run: same config but for the shard, all n present; they are
 * read in shard order, so the export equals that of the unsharded run. A dataset still being
 * written (`status: running`) is refused.
 */
export async function openSources(dirs: readonly string[]): Promise<SourceDataset[]> {
  if (dirs.length === 0) throw new ExportError('invalid-options', 'at least one dataset directory is needed');
  const sources: SourceDataset[] = [];
  for (const d of dirs) {
    const dir = resolve(d);
    const manifest = await readDatasetManifest(dir).catch((cause: unknown) => {
      throw new ExportError('not-a-dataset', (cause as Error).message, { cause });
    });
    if (manifest.status !== 'complete') {
      throw new ExportError('dataset-incomplete', `${dir} is still being generated (dataset.json status "running"); run the same generate command again to finish it`);
    }
    sources.push({ dir, manifest });
  }
  if (sources.length === 1) return sources;
  const key = (m: DatasetManifest): string => JSON.stringify({ ...m.config, shard: null, range: null });
  const first = sources[0].manifest.config;
  for (const s of sources) {
    if (key(s.manifest) !== key(sources[0].manifest)) {
      throw new ExportError('shard-mismatch', `${s.dir} is not a shard of the same run as ${sources[0].dir} (their configs differ beyond --shard)`);
    }
    if (s.manifest.config.shard.n !== first.shard.n) {
      throw new ExportError('shard-mismatch', `${s.dir} is shard ${s.manifest.config.shard.k}/${s.manifest.config.shard.n}, not one of ${first.shard.n}`);
    }
  }
  const sorted = [...sources].sort((a, b) => a.manifest.config.shard.k - b.manifest.config.shard.k);
  const ks = sorted.map((s) => s.manifest.config.shard.k);
  const dup = ks.find((k, i) => ks.indexOf(k) !== i);
  if (dup !== undefined) throw new ExportError('shard-mismatch', `shard ${dup}/${first.shard.n} is given twice`);
  const missing = Array.from({ length: first.shard.n }, (_, i) => i + 1).filter((k) => !ks.includes(k));
  if (missing.length > 0) {
    throw new ExportError('shard-mismatch', `shards ${missing.map((k) => `${k}/${first.shard.n}`).join(', ')} are missing; give every shard of the run`);
  }
  return sorted;
}

/** Streams the records of the datasets in order. */
export async function* sourceRecords(sources: readonly SourceDataset[]): AsyncGenerator<SourcedRecord> {
  for (const s of sources) {
    for await (const record of readSamples(s.dir)) yield { record, dir: s.dir };
  }
}
