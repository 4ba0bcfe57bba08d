import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { benchmarkImages, type LoadOptions } from '@spatial-ssrl/bench';
import {
  analyseImage,
  decodeImage,
  describeMatch,
  drawBorder,
  encodeImage,
  fingerprintThumbnail,
  NEAR_DUPLICATE_RULES,
  readReferenceSet,
  REFERENCE_SET_FILE,
  referenceIndex,
  referenceSetText,
  renderContactSheet,
  type NearDuplicateMatch,
  type ReferenceImage,
  type RgbImage,
  type SheetCell,
} from '@spatial-ssrl/image';
import { createProgress, readDatasetManifest, writeFileAtomic, type ProgressStream } from '@spatial-ssrl/spec/node';
import { resolveSource } from '@spatial-ssrl/tasks';

/** Options of `ssrl-eval contamination`. */
export interface ContaminationArgs {
  /** Dataset folder whose source images are checked. */
  readonly data: string;
  readonly bench: string;
  readonly benchData: string;
  /** Report folder. */
  readonly out: string;
  /** Loader options for the benchmark (`limit`, frames, subset…). */
  readonly load: LoadOptions;
  /** Most near-duplicate pairs drawn on the contact sheet (all are listed in the Markdown). */
  readonly sheetLimit: number;
}

/** One training source image found to be a near-duplicate of a benchmark image. */
interface ContaminationFinding {
  /** `<dataset>:<id>` of the training source image. */
  readonly source: string;
  /** Key of the benchmark image and the item that shows it. */
  readonly benchImage: string;
  readonly benchItem: string;
  readonly kind: NearDuplicateMatch['kind'];
  readonly orientation: NearDuplicateMatch['orientation'];
  readonly detailCorrelation: number;
  /** Mean colour difference in the overlap, levels of 255. */
  readonly colourDifference: number;
  /** The overlap in the benchmark image, its pixels: `[x, y, width, height]`. */
  readonly region: readonly [number, number, number, number];
  readonly evidence: string;
}

/** What `ssrl-eval contamination` found and wrote. */
export interface ContaminationSummary {
  readonly sourceImages: number;
  readonly benchImages: number;
  readonly findings: readonly ContaminationFinding[];
  /** Images that could not be read, with the reason (`<id>: <message>`). */
  readonly skippedSources: readonly string[];
  readonly skippedBench: readonly string[];
  readonly files: readonly string[];
}

/** File names written into the report folder. */
const CONTAMINATION_FILES = {
  report: 'contamination.md',
  sheet: 'near-duplicates.png',
  findings: 'near-duplicates.jsonl',
  references: REFERENCE_SET_FILE,
} as const;

const HIGHLIGHT: readonly [number, number, number] = [230, 40, 40];

function describeBench(args: Pick<ContaminationArgs, 'bench' | 'benchData' | 'load'>): string {
  return `${args.bench} from ${resolve(args.benchData)}${args.load.limit !== undefined ? ` (first ${args.load.limit} items)` : ''}`;
}

/**
 * The benchmark's images fingerprinted, read back from the report folder when an earlier run
 * wrote them for the same benchmark and folder (so a second run, or `generate --exclude-near`,
 * does not decode the benchmark again).
 */
async function benchReferences(args: ContaminationArgs, stderr: ProgressStream): Promise<{ images: ReferenceImage[]; skipped: string[] }> {
  const file = join(args.out, CONTAMINATION_FILES.references);
  const description = describeBench(args);
  const existing = await readReferenceSet(file).catch(() => null);
  if (existing && existing.header.description === description) {
    stderr.write(`${args.bench}: ${existing.images.length} fingerprinted images read from ${file}\n`);
    return { images: existing.images, skipped: [] };
  }
  const images: ReferenceImage[] = [];
  const skipped: string[] = [];
  let bar: ReturnType<typeof createProgress> | undefined;
  for await (const b of benchmarkImages(args.bench, args.benchData, args.load)) {
    bar ??= createProgress({ label: `fingerprint ${args.bench}`, total: b.itemCount, stream: stderr, unit: 'items' });
    try {
      const rgb = await decodeImage(b.image.data);
      images.push({ id: b.key, origin: `${b.item}#${b.position}`, fingerprint: analyseImage(rgb).fingerprint });
    } catch (error) {
      skipped.push(`${b.key} (${b.item}): ${(error as Error).message}`);
    }
    bar.update(b.itemsRead, `${images.length} images`);
  }
  bar?.finish(`${images.length} images`);
  await writeFileAtomic(file, referenceSetText(description, images));
  return { images, skipped };
}

function findingOf(source: string, reference: ReferenceImage, match: NearDuplicateMatch): ContaminationFinding {
  const c = match.check;
  return {
    source,
    benchImage: reference.id,
    benchItem: reference.origin,
    kind: match.kind,
    orientation: match.orientation,
    detailCorrelation: Math.round(c.detailCorrelation * 1000) / 1000,
    colourDifference: Math.round(c.meanDifference * 255 * 10) / 10,
    region: c.region.map((v) => Math.round(v)) as unknown as readonly [number, number, number, number],
    evidence: describeMatch(match),
  };
}

/** The benchmark image's thumbnail with the matched region outlined. */
function outlinedReference(reference: ReferenceImage, region: readonly [number, number, number, number]): RgbImage {
  const thumb = fingerprintThumbnail(reference.fingerprint);
  const k = thumb.width / reference.fingerprint.width;
  const x = Math.max(0, Math.min(thumb.width - 1, Math.round(region[0] * k)));
  const y = Math.max(0, Math.min(thumb.height - 1, Math.round(region[1] * k)));
  const width = Math.max(1, Math.min(thumb.width - x, Math.round(region[2] * k)));
  const height = Math.max(1, Math.min(thumb.height - y, Math.round(region[3] * k)));
  if (width < thumb.width - 2 || height < thumb.height - 2) drawBorder(thumb, { x, y, width, height }, 2, HIGHLIGHT);
  return thumb;
}

function markdownReport(args: ContaminationArgs, summary: Omit<ContaminationSummary, 'files'>, sources: readonly string[]): string {
  const r = NEAR_DUPLICATE_RULES;
  const lines = [
    `# Contamination check: ${args.bench}`,
    '',
    `- Training sources: ${sources.map((s) => `\`${s}\``).join(', ')} (dataset \`${resolve(args.data)}\`), ${summary.sourceImages} images checked`,
    `- Benchmark: ${describeBench(args)}, ${summary.benchImages} distinct images`,
    `- **Near-duplicates: ${summary.findings.length}**${summary.findings.length > 0 ? ` (contact sheet: [${CONTAMINATION_FILES.sheet}](${CONTAMINATION_FILES.sheet}); training image left, benchmark image right with the matched region outlined)` : ''}`,
    '',
    'A training image counts as a near-duplicate of a benchmark image when it is the same picture resized, re-encoded, ' +
      'flipped or turned a quarter, or a crop of it, or contains it: candidates come from a 63-bit DCT perceptual hash ' +
      `(within ${r.hashDistance} bits, all eight orientations) and from local keypoint codes that agree on one placement ` +
      `(at least ${r.minInliers}), and each is accepted only when, where the placement puts one image on the other, their ` +
      `mid-frequency detail correlates at ${r.minDetail} or more, their colours differ by at most ${Math.round(r.maxDifference * 255)}/255 ` +
      `on average, and the overlap covers at least ${r.minCoverage * 100} % of one of them.`,
    '',
  ];
  if (summary.findings.length > 0) {
    lines.push('| # | Training image | Benchmark image | Benchmark item | Kind | Detail corr. | Colour diff. (/255) |', '|---:|---|---|---|---|---:|---:|');
    summary.findings.forEach((f, i) => {
      const kind = f.kind === 'turned-copy' ? `${f.kind} (${f.orientation})` : f.kind;
      lines.push(`| ${i + 1} | \`${f.source}\` | \`${f.benchImage}\` | \`${f.benchItem}\` | ${kind} | ${f.detailCorrelation.toFixed(2)} | ${f.colourDifference.toFixed(1)} |`);
    });
    lines.push('');
  }
  for (const [title, list] of [
    ['Training images that could not be read', summary.skippedSources],
    ['Benchmark images that could not be read', summary.skippedBench],
  ] as const) {
    if (list.length === 0) continue;
    lines.push(`## ${title} (${list.length})`, '', ...list.slice(0, 50).map((s) => `- ${s}`), ...(list.length > 50 ? [`- … and ${list.length - 50} more`] : []), '');
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `ssrl-eval contamination`: fingerprints every image of a benchmark, checks every source image
 * of a dataset against them, and writes the near-duplicates as Markdown, JSON lines and a PNG
 * contact sheet. Images that fail to load are listed, never fatal.
 */
export async function contaminationCommand(args: ContaminationArgs, io: { stderr: ProgressStream }): Promise<ContaminationSummary> {
  const manifest = await readDatasetManifest(args.data);
  await mkdir(args.out, { recursive: true });
  const bench = await benchReferences(args, io.stderr);
  const index = referenceIndex(bench.images);
  const sources = manifest.config.sources;
  const items = [];
  for (const spec of sources) items.push(...(await resolveSource(spec).list()));

  const findings: ContaminationFinding[] = [];
  const cells: SheetCell[] = [];
  const skippedSources: string[] = [];
  const bar = createProgress({ label: 'check sources', total: Math.max(1, items.length), stream: io.stderr, unit: 'images' });
  for (const [i, item] of items.entries()) {
    const name = `${item.dataset}:${item.id}`;
    try {
      const { rgb } = await item.load();
      const analysed = analyseImage(rgb);
      for (const match of index.query(analysed)) {
        const reference = bench.images[match.reference]!;
        const finding = findingOf(name, reference, match);
        findings.push(finding);
        if (cells.length < args.sheetLimit) {
          cells.push({
            images: [fingerprintThumbnail(analysed.fingerprint), outlinedReference(reference, finding.region)],
            lines: [{ text: name }, { text: `${finding.kind} of ${reference.origin}` }, { text: `detail ${finding.detailCorrelation.toFixed(2)} diff ${finding.colourDifference.toFixed(1)}` }],
          });
        }
      }
    } catch (error) {
      skippedSources.push(`${name}: ${(error as Error).message}`);
    }
    bar.update(i + 1, `${findings.length} near-duplicates`);
  }
  bar.finish(`${findings.length} near-duplicates`);

  const summary = { sourceImages: items.length - skippedSources.length, benchImages: bench.images.length, findings, skippedSources, skippedBench: bench.skipped };
  const files = [join(args.out, CONTAMINATION_FILES.report), join(args.out, CONTAMINATION_FILES.findings), join(args.out, CONTAMINATION_FILES.references)];
  await writeFileAtomic(files[1]!, findings.map((f) => `${JSON.stringify(f)}\n`).join(''));
  if (cells.length > 0) {
    const title = `${findings.length} near-duplicate${findings.length === 1 ? '' : 's'} of ${args.bench} images${findings.length > cells.length ? ` (first ${cells.length} shown)` : ''}`;
    const sheet = renderContactSheet(title, cells, { columns: 3, cellWidth: 380, imageHeight: 128, textHeight: 18 });
    files.push(join(args.out, CONTAMINATION_FILES.sheet));
    await writeFileAtomic(files.at(-1)!, await encodeImage(sheet, { format: 'png' }));
  } else {
    await rm(join(args.out, CONTAMINATION_FILES.sheet), { force: true });
  }
  await writeFileAtomic(files[0]!, markdownReport(args, summary, sources));
  return { ...summary, files };
}
