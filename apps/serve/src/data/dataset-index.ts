import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

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

const CHUNK = 1 << 20;

/**
 * An index of a dataset directory's `samples.jsonl` for browsing: it keeps each record's task,
 * split, variant, answer and byte range, reads new lines when the file grows (a dataset being
 * generated), starts over when it shrinks, and reads full records only for the page asked for.
 */
export class DatasetIndex {
  private entries: Entry[] = [];
  private unreadable = 0;
  private indexedBytes = 0;
  private pendingTail = Buffer.alloc(0);
  private fileKey = '';
  private refreshing: Promise<void> | undefined;

  constructor(readonly dir: string) {}

  private get file(): string {
    return join(this.dir, 'samples.jsonl');
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
      this.pendingTail = Buffer.alloc(0);
      return;
    }
    if (key !== this.fileKey || size < this.indexedBytes + this.pendingTail.length) {
      this.entries = [];
      this.unreadable = 0;
      this.indexedBytes = 0;
      this.pendingTail = Buffer.alloc(0);
      this.fileKey = key;
    }
    const from = this.indexedBytes + this.pendingTail.length;
    if (size === from) return;
    const handle = await open(this.file, 'r');
    try {
      let position = from;
      let carry = this.pendingTail;
      let carryStart = this.indexedBytes;
      while (position < size) {
        const buf = Buffer.alloc(Math.min(CHUNK, size - position));
        const { bytesRead } = await handle.read(buf, 0, buf.length, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        const data = carry.length > 0 ? Buffer.concat([carry, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
        let start = 0;
        for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10, start)) {
          this.add(data.subarray(start, nl), carryStart + start);
          start = nl + 1;
        }
        carry = Buffer.from(data.subarray(start));
        carryStart += start;
      }
      this.indexedBytes = carryStart;
      this.pendingTail = carry;
    } finally {
      await handle.close();
    }
  }

  private add(line: Buffer, offset: number): void {
    if (line.length === 0 || line.every((b) => b === 32 || b === 13 || b === 9)) return;
    try {
      const r = JSON.parse(line.toString('utf8')) as Record<string, unknown>;
      const str = (k: string) => (typeof r[k] === 'string' ? (r[k] as string) : '');
      if (!str('id') || !str('task')) throw new Error('not a record');
      this.entries.push({ id: str('id'), task: str('task'), variant: str('variant'), split: str('split'), answer: str('answer'), offset, length: line.length });
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
    const manifest = await readFile(join(this.dir, 'dataset.json'), 'utf8').then(
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
