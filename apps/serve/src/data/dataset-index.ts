import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DATASET_FILES } from '@spatial-ssrl/spec';
import { readLines } from '@spatial-ssrl/spec/node';

/** What the index keeps of one record of `samples.jsonl`, and where its line is. */
interface Entry {
  readonly id: string;
  readonly task: string;
  readonly variant: string;
  readonly split: string;
  readonly answer: string;
  readonly offset: number;
  readonly length: number;
}

/** Filters of a dataset query; every given one must match exactly. */
export interface DatasetFilter {
  readonly task?: string;
  readonly split?: string;
  readonly variant?: string;
  readonly answer?: string;
}

/** Record counts of a dataset. */
export interface DatasetSummary {
  readonly dir: string;
  readonly records: number;
  /** Lines of `samples.jsonl` that are not a usable record (a line being written, a corrupt one). */
  readonly unreadable: number;
  /** `dataset.json`, when present and JSON. */
  readonly manifest: unknown;
  readonly tasks: readonly {
    readonly task: string;
    readonly count: number;
    readonly splits: Readonly<Record<string, number>>;
    readonly variants: Readonly<Record<string, number>>;
    /** Answers by count, most frequent first. */
    readonly answers: readonly { readonly answer: string; readonly count: number }[];
  }[];
}

/**
 * An index of a dataset directory's `samples.jsonl` for browsing: it keeps each record's task,
 * split, variant, answer and byte range, reads new lines when the file grows (a dataset being
 * generated), starts over when it shrinks, and reads full records only for the page asked for.
 */
export class DatasetIndex {
  private entries: Entry[] = [];
  private unreadable = 0;
  /** Bytes of the file indexed so far: up to the end of its last complete line. */
  private indexedBytes = 0;
  private fileKey = '';
  private refreshing: Promise<void> | undefined;

  constructor(readonly dir: string) {}

  private get file(): string {
    return join(this.dir, DATASET_FILES.samples);
  }

  /** Brings the index up to date with the file. */
  refresh(): Promise<void> {
    this.refreshing ??= this.update().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async update(): Promise<void> {
    let size: number;
    let key: string;
    try {
      const s = await stat(this.file);
      size = s.size;
      key = `${s.ino}:${s.birthtimeMs}`;
    } catch {
      this.entries = [];
      this.indexedBytes = 0;
      return;
    }
    if (key !== this.fileKey || size < this.indexedBytes) {
      this.entries = [];
      this.unreadable = 0;
      this.indexedBytes = 0;
      this.fileKey = key;
    }
    if (size === this.indexedBytes) return;
    let offset = this.indexedBytes;
    for await (const line of readLines(this.file, { start: offset })) {
      // A last line without its newline is still being written: it is indexed on a later refresh.
      if (!line.complete) break;
      this.add(line.text, offset, line.end - offset - 1);
      offset = line.end;
    }
    this.indexedBytes = offset;
  }

  private add(line: string, offset: number, length: number): void {
    if (line.trim() === '') return;
    try {
      const r = JSON.parse(line) as Record<string, unknown>;
      const str = (k: string) => (typeof r[k] === 'string' ? (r[k] as string) : '');
      if (!str('id') || !str('task')) throw new Error('not a record');
      this.entries.push({ id: str('id'), task: str('task'), variant: str('variant'), split: str('split'), answer: str('answer'), offset, length });
    } catch {
      this.unreadable++;
    }
  }

  /** Counts by task, split, variant and answer. */
  async summary(): Promise<DatasetSummary> {
    await this.refresh();
    const byTask = new Map<string, { count: number; splits: Map<string, number>; variants: Map<string, number>; answers: Map<string, number> }>();
    const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
    for (const e of this.entries) {
      let t = byTask.get(e.task);
      if (!t) byTask.set(e.task, (t = { count: 0, splits: new Map(), variants: new Map(), answers: new Map() }));
      t.count++;
      bump(t.splits, e.split);
      bump(t.variants, e.variant);
      bump(t.answers, e.answer);
    }
    const manifest = await readFile(join(this.dir, DATASET_FILES.manifest), 'utf8').then(
      (text) => JSON.parse(text) as unknown,
      () => null,
    );
    return {
      dir: this.dir,
      records: this.entries.length,
      unreadable: this.unreadable,
      manifest,
      tasks: [...byTask].map(([task, t]) => ({
        task,
        count: t.count,
        splits: Object.fromEntries(t.splits),
        variants: Object.fromEntries(t.variants),
        answers: [...t.answers].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([answer, count]) => ({ answer, count })),
      })),
    };
  }

  /** The records matching `filter`, `limit` of them from `offset`, as written in `samples.jsonl`. */
  async query(filter: DatasetFilter, offset: number, limit: number): Promise<{ total: number; records: Record<string, unknown>[] }> {
    await this.refresh();
    const matching = this.entries.filter(
      (e) =>
        (filter.task === undefined || e.task === filter.task) &&
        (filter.split === undefined || e.split === filter.split) &&
        (filter.variant === undefined || e.variant === filter.variant) &&
        (filter.answer === undefined || e.answer === filter.answer),
    );
    const page = matching.slice(offset, offset + limit);
    const records: Record<string, unknown>[] = [];
    if (page.length > 0) {
      const handle = await open(this.file, 'r');
      try {
        for (const e of page) {
          const buf = Buffer.alloc(e.length);
          await handle.read(buf, 0, e.length, e.offset);
          records.push(JSON.parse(buf.toString('utf8')) as Record<string, unknown>);
        }
      } finally {
        await handle.close();
      }
    }
    return { total: matching.length, records };
  }
}
