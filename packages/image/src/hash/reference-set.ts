import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ImageSourceError } from '../errors.js';
import type { SourceItem } from '../source.js';
import { folderSource } from '../sources/folder-source.js';
import { analyseImage, fingerprintFromJson, fingerprintToJson, type ImageFingerprint } from './fingerprint.js';
import { NearDuplicateIndex, type NearDuplicateMatch } from './near-duplicate-index.js';

/** Format tag of a reference-set file (JSON lines: a header, then one fingerprinted image per line). */
const REFERENCE_SET_FORMAT = 'spatial-ssrl-reference-set/1';

/** File name of the reference set inside a folder written by the contamination check. */
export const REFERENCE_SET_FILE = 'reference-set.jsonl';

/** One image of a reference set: its id, where it came from, and its fingerprint. */
export interface ReferenceImage {
  /** Unique within the set, e.g. a benchmark image key. */
  readonly id: string;
  /** Free-form origin shown in reports, e.g. the benchmark items that use the image. */
  readonly origin: string;
  readonly fingerprint: ImageFingerprint;
}

/** The header line of a reference-set file. */
export interface ReferenceSetHeader {
  readonly format: typeof REFERENCE_SET_FORMAT;
  /** What the images are, e.g. `benchmark whatsup from /data/whatsup`. */
  readonly description: string;
  readonly count: number;
}

/** The lines of a reference-set file, newline-terminated: write them atomically. */
export function referenceSetText(description: string, images: readonly ReferenceImage[]): string {
  const header: ReferenceSetHeader = { format: REFERENCE_SET_FORMAT, description, count: images.length };
  const lines = [JSON.stringify(header), ...images.map((r) => JSON.stringify({ id: r.id, origin: r.origin, fingerprint: fingerprintToJson(r.fingerprint) }))];
  return `${lines.join('\n')}\n`;
}

/** Parses one image line of a reference-set file. */
function parseReferenceLine(line: string, where: string): ReferenceImage {
  let json: { id?: unknown; origin?: unknown; fingerprint?: unknown };
  try {
    json = JSON.parse(line) as typeof json;
  } catch {
    throw new ImageSourceError('invalid-spec', `${where}: not a JSON line`);
  }
  if (typeof json.id !== 'string' || json.id === '') throw new ImageSourceError('invalid-spec', `${where}: the image has no id`);
  try {
    return { id: json.id, origin: typeof json.origin === 'string' ? json.origin : '', fingerprint: fingerprintFromJson(json.fingerprint) };
  } catch (error) {
    throw new ImageSourceError('invalid-spec', `${where}: ${(error as Error).message}`, { cause: error });
  }
}

/** Reads a reference-set file; a malformed file is an `ImageSourceError` (`invalid-spec`) naming the line. */
export async function readReferenceSet(path: string): Promise<{ header: ReferenceSetHeader; images: ReferenceImage[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ImageSourceError('not-found', `${path}: cannot read the reference set`, { cause: error });
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  let header: ReferenceSetHeader;
  try {
    header = JSON.parse(lines[0] ?? '') as ReferenceSetHeader;
  } catch {
    throw new ImageSourceError('invalid-spec', `${path}: line 1 is not a reference-set header`);
  }
  if (header?.format !== REFERENCE_SET_FORMAT) throw new ImageSourceError('invalid-spec', `${path}: not a ${REFERENCE_SET_FORMAT} file`);
  const images = lines.slice(1).map((line, i) => parseReferenceLine(line, `${path} line ${i + 2}`));
  if (images.length !== header.count) throw new ImageSourceError('invalid-spec', `${path}: the header announces ${header.count} images but ${images.length} follow (cut short?)`);
  return { header, images };
}

/**
 * The reference images of a folder: its `reference-set.jsonl` when it has one (as written by
 * the contamination check), else every image file below it (fingerprinted now; files that do not
 * decode are listed in `skipped`).
 */
export async function loadReferenceImages(dir: string): Promise<{ description: string; images: ReferenceImage[]; skipped: string[] }> {
  const setPath = join(dir, REFERENCE_SET_FILE);
  const existing = await readReferenceSet(setPath).catch((error: unknown) => {
    if (error instanceof ImageSourceError && error.code === 'not-found') return null;
    throw error;
  });
  if (existing) return { description: existing.header.description, images: existing.images, skipped: [] };
  const images: ReferenceImage[] = [];
  const skipped: string[] = [];
  for (const item of await folderSource(dir).list()) {
    try {
      const { rgb } = await item.load();
      images.push({ id: item.id, origin: join(dir, item.id), fingerprint: analyseImage(rgb).fingerprint });
    } catch (error) {
      skipped.push(`${item.id}: ${(error as Error).message}`);
    }
  }
  return { description: `images under ${dir}`, images, skipped };
}

/** An index of reference images. */
export function referenceIndex(images: readonly ReferenceImage[]): NearDuplicateIndex {
  const index = new NearDuplicateIndex();
  for (const r of images) index.add(r.id, r.fingerprint);
  return index;
}

/** A one-line account of a near-duplicate match, for rejection messages and logs. */
export function describeMatch(match: NearDuplicateMatch): string {
  const c = match.check;
  const how = match.kind === 'turned-copy' ? `${match.kind} (${match.orientation})` : match.kind;
  return `${how} of ${match.id}: detail correlation ${c.detailCorrelation.toFixed(2)}, colour difference ${(c.meanDifference * 255).toFixed(1)}/255${match.inliers > 0 ? `, ${match.inliers} keypoints agree` : `, hash distance ${match.hashDistance}`}`;
}

/**
 * Wraps source items so that loading one that is a near-duplicate of a reference image fails
 * with `ImageSourceError` `near-duplicate` (a dataset writer records it as a rejection and moves
 * on). Each item is checked once; the decision is remembered.
 */
export function excludeNearDuplicates(items: readonly SourceItem[], index: NearDuplicateIndex): SourceItem[] {
  return items.map((item): SourceItem => {
    let verdict: Promise<NearDuplicateMatch | null> | undefined;
    return {
      dataset: item.dataset,
      id: item.id,
      hasDepth: item.hasDepth,
      async load() {
        const loaded = await item.load();
        verdict ??= Promise.resolve(index.queryImage(loaded.rgb)[0] ?? null);
        const match = await verdict;
        if (match) throw new ImageSourceError('near-duplicate', `${item.dataset}:${item.id} is left out: it is a near-duplicate of a reference image, ${describeMatch(match)}`);
        return loaded;
      },
    };
  });
}
