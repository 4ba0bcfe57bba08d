import type { DatasetCounts } from '@spatial-ssrl/spec';

/** Running tallies of samples and rejections, turned into sorted `DatasetCounts` at the end. */
export class CountsAccumulator {
  private samples = 0;
  private failed = 0;
  private readonly byTask = new Map<string, number>();
  private readonly byVariant = new Map<string, Map<string, number>>();
  private readonly byAnswer = new Map<string, Map<string, number>>();
  private readonly bySplit = new Map<string, number>();
  private readonly byTaskSplit = new Map<string, Map<string, number>>();
  private rejections = 0;
  private readonly byCode = new Map<string, number>();
  private readonly byKind = new Map<string, number>();
  private readonly badSources = new Set<string>();

  /** Counts one written sample. */
  addSample(s: { readonly task: string; readonly variant: string; readonly answer: string; readonly split: string }): void {
    this.samples++;
    bump(this.byTask, s.task);
    bump(nested(this.byVariant, s.task), s.variant);
    bump(nested(this.byAnswer, s.task), s.answer);
    bump(this.bySplit, s.split);
    bump(nested(this.byTaskSplit, s.task), s.split);
  }

  /** Counts one rejection line; `source` identifies the image of a source-level failure. */
  addRejection(r: { readonly code: string; readonly kind: string; readonly source: string | null }): void {
    this.rejections++;
    bump(this.byCode, r.code);
    bump(this.byKind, r.kind);
    if (r.kind === 'failed') this.failed++;
    if (r.kind === 'source' && r.source !== null) this.badSources.add(r.source);
  }

  /** Number of samples counted so far. */
  get sampleCount(): number {
    return this.samples;
  }

  /** Number of indices given up so far. */
  get failedCount(): number {
    return this.failed;
  }

  /** Number of rejection lines counted so far. */
  get rejectionCount(): number {
    return this.rejections;
  }

  /** The counts with every map sorted by key, so equal datasets give equal JSON. */
  toJSON(): DatasetCounts {
    return {
      samples: this.samples,
      failed: this.failed,
      byTask: sorted(this.byTask),
      byVariant: sortedNested(this.byVariant),
      byAnswer: sortedNested(this.byAnswer),
      bySplit: sorted(this.bySplit),
      byTaskSplit: sortedNested(this.byTaskSplit),
      rejections: {
        total: this.rejections,
        byCode: sorted(this.byCode),
        byKind: sorted(this.byKind),
        badSources: this.badSources.size,
      },
    };
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function nested(map: Map<string, Map<string, number>>, key: string): Map<string, number> {
  let inner = map.get(key);
  if (!inner) {
    inner = new Map();
    map.set(key, inner);
  }
  return inner;
}

function sorted(map: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of [...map.keys()].sort()) out[key] = map.get(key) as number;
  return out;
}

function sortedNested(map: Map<string, Map<string, number>>): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const key of [...map.keys()].sort()) out[key] = sorted(map.get(key) as Map<string, number>);
  return out;
}
