import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DATASET_FORMAT } from '@spatial-ssrl/spec';
import { beforeAll, describe, expect, it } from 'vitest';
import { BenchError } from '../errors.js';
import { SYNTH_BENCHES } from './categories.js';
import { writeSynthBenchmark, type WriteSynthOptions } from './dataset.js';

const OPTIONS = { bench: 'synth-spatial', count: 160, seed: 3, width: 160, height: 120 } as const;

async function digestTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) await walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(await readFile(p)).digest('hex');
    }
  };
  await walk(dir);
  return out;
}

async function fresh(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'synth-bench-'));
}

async function samples(dir: string): Promise<Array<{ variant: string; split: string; answer: string; meta: { answerKey: string; scene: number; phrasing: number; choices: Record<string, string> } }>> {
  return (await readFile(join(dir, 'samples.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

describe('writeSynthBenchmark', () => {
  let reference = '';
  let tree: Record<string, string> = {};
  beforeAll(async () => {
    reference = await fresh();
    await writeSynthBenchmark({ ...OPTIONS, out: reference });
    tree = await digestTree(reference);
  }, 120_000);

  it('writes a dataset directory in the project layout', async () => {
    const manifest = JSON.parse(await readFile(join(reference, 'dataset.json'), 'utf8'));
    expect(manifest.format).toBe(DATASET_FORMAT);
    expect(manifest.status).toBe('complete');
    // The bytes of its images depend on sharp's encoder too.
    expect(manifest.versions.sharp).toMatch(/^\d+\.\d+\.\d+/);
    expect(manifest.config).toMatchObject({ count: 160, seed: 3, shard: { k: 1, n: 1 }, range: { start: 0, end: 160 }, format: 'png', testFraction: 0.2, tasks: [{ id: 'synth-spatial', weight: 1 }] });
    expect(manifest.counts.samples).toBe(160);
    expect(manifest.counts.bySplit.train + manifest.counts.bySplit.test).toBe(160);
    expect(Object.keys(manifest.synth.categories)).toEqual(SYNTH_BENCHES['synth-spatial'].categories.map((c) => c.id));
    const rows = await samples(reference);
    expect(rows).toHaveLength(160);
    rows.forEach((r, i) => {
      const record = r as unknown as { id: string; index: number; images: string[]; prompt: string; task: string };
      expect(record.index).toBe(i);
      expect(record.id).toBe(`synth-spatial-${String(i).padStart(6, '0')}`);
      expect(record.task).toBe('synth-spatial');
      expect(tree[record.images[0]!]).toBeDefined();
      expect(record.prompt.startsWith('<image>')).toBe(true);
      expect(record.prompt.match(/<image>/g)).toHaveLength(1);
      expect(r.meta.choices[r.answer]).toBeDefined();
    });
    // A scene is on one side of the split only.
    const side = new Map<number, string>();
    for (const r of rows) expect(side.set(r.meta.scene, side.get(r.meta.scene) ?? r.split).get(r.meta.scene)).toBe(r.split);
    const rejections = (await readFile(join(reference, 'rejections.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(rejections.length).toBe(manifest.counts.rejections.total);
    expect(rejections.length).toBeGreaterThan(0);
    for (const r of rejections) expect(['ambiguous-name', 'within-margin', 'occluded', 'too-small', 'clipped', 'facing-hidden', 'out-of-range']).toContain(r.code);
    expect(await readFile(join(reference, 'summary.md'), 'utf8')).toMatch(/\| left-right \| 16 \| 4 \| 50\.0 \|/);
  });

  it('balances answers and letters per category within 5 points of uniform, in each split', async () => {
    const rows = await samples(reference);
    for (const category of SYNTH_BENCHES['synth-spatial'].categories) {
      for (const split of ['train', 'test', 'all']) {
        const mine = rows.filter((r) => r.variant === category.id && (split === 'all' || r.split === split));
        expect(mine.length).toBeGreaterThan(0);
        const letters = Object.keys(mine[0]!.meta.choices);
        for (const letter of letters) {
          const share = mine.filter((r) => r.answer === letter).length / mine.length;
          expect(Math.abs(share - 1 / letters.length), `${category.id} ${split} letter ${letter}`).toBeLessThanOrEqual(split === 'test' ? 1 / mine.length + 1e-9 : 0.05);
        }
        for (const key of category.answers ?? []) {
          const share = mine.filter((r) => r.meta.answerKey === key).length / mine.length;
          expect(Math.abs(share - 1 / category.answers!.length), `${category.id} ${split} answer ${key}`).toBeLessThanOrEqual(split === 'test' ? 1 / mine.length + 1e-9 : 0.05);
        }
        if (split === 'all') continue;
        // No wording gives the answer away: within each answer, the phrasings take turns.
        for (const key of new Set(mine.map((r) => r.meta.answerKey))) {
          const per = [0, 1, 2].map((k) => mine.filter((r) => r.meta.answerKey === key && r.meta.phrasing === k).length);
          expect(Math.max(...per) - Math.min(...per), `${category.id} ${split} ${key} phrasings ${per}`).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it('gives the same bytes for the same options, and other bytes for another seed', async () => {
    const again = await fresh();
    await writeSynthBenchmark({ ...OPTIONS, out: again });
    expect(await digestTree(again)).toEqual(tree);
    const other = await fresh();
    await writeSynthBenchmark({ ...OPTIONS, seed: 4, out: other });
    expect((await digestTree(other))['samples.jsonl']).not.toBe(tree['samples.jsonl']);
  }, 120_000);

  it('resumes an interrupted run, even one cut inside a line, to the same bytes', async () => {
    const dir = await fresh();
    const controller = new AbortController();
    const interrupted: WriteSynthOptions = { ...OPTIONS, out: dir, signal: controller.signal, onProgress: (p) => p.scenes === 6 && controller.abort(new Error('stop')) };
    await expect(writeSynthBenchmark(interrupted)).rejects.toThrow('stop');
    expect(JSON.parse(await readFile(join(dir, 'dataset.json'), 'utf8')).status).toBe('running');
    await appendFile(join(dir, 'samples.jsonl'), '{"id":"synth-spatial-0000');
    await appendFile(join(dir, 'rejections.jsonl'), '{"index":');
    const resumed = await writeSynthBenchmark({ ...OPTIONS, out: dir });
    expect(resumed.resumedFrom).toBeGreaterThan(0);
    expect(await digestTree(dir)).toEqual(tree);
    const again = await writeSynthBenchmark({ ...OPTIONS, out: dir });
    expect(again.alreadyComplete).toBe(true);
    expect(again.items).toBe(160);
  }, 120_000);

  it('refuses a directory holding another dataset unless forced, and a corrupt samples file', async () => {
    const dir = await fresh();
    await writeFile(join(dir, 'dataset.json'), JSON.stringify({ format: DATASET_FORMAT, status: 'complete', config: { count: 1 } }));
    await expect(writeSynthBenchmark({ ...OPTIONS, count: 16, out: dir })).rejects.toThrow(/holds another dataset \(different options\).*force/);
    const forced = await writeSynthBenchmark({ ...OPTIONS, count: 16, out: dir, force: true });
    expect(forced.items).toBe(16);

    const stray = await fresh();
    await writeFile(join(stray, 'samples.jsonl'), 'x\n');
    await expect(writeSynthBenchmark({ ...OPTIONS, count: 16, out: stray })).rejects.toThrow(/no dataset\.json; use force/);

    const corrupt = await fresh();
    const controller = new AbortController();
    await expect(writeSynthBenchmark({ ...OPTIONS, out: corrupt, signal: controller.signal, onProgress: (p) => p.scenes === 4 && controller.abort(new Error('stop')) })).rejects.toThrow();
    const text = await readFile(join(corrupt, 'samples.jsonl'), 'utf8');
    await writeFile(join(corrupt, 'samples.jsonl'), `not json\n${text}`);
    const error = await writeSynthBenchmark({ ...OPTIONS, out: corrupt }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BenchError);
    expect((error as BenchError).code).toBe('BAD_DATA');
    expect((error as Error).message).toMatch(/byte 9 is not valid JSON/);
  }, 120_000);

  it('gives up with the reasons when scenes stop yielding questions', async () => {
    const error = await writeSynthBenchmark({ ...OPTIONS, count: 8, width: 16, height: 16, out: await fresh() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BenchError);
    expect((error as Error).message).toMatch(/500 rendered scenes in a row added no question \(still short: train\/left-right 0\/1.*most frequent reasons: too-small \d+/);
  }, 120_000);

  it('rejects bad options with a clear message', async () => {
    const out = await fresh();
    await expect(writeSynthBenchmark({ ...OPTIONS, count: 0, out })).rejects.toThrow(/count must be an integer from 1/);
    await expect(writeSynthBenchmark({ ...OPTIONS, bench: 'synth-other' as never, out })).rejects.toThrow(/unknown benchmark "synth-other"/);
    await expect(writeSynthBenchmark({ ...OPTIONS, testFraction: 1.5, out })).rejects.toThrow(/testFraction must be in \[0, 1\]/);
    await expect(writeSynthBenchmark({ ...OPTIONS, width: 8, out })).rejects.toThrow(/width must be an integer from 16/);
  });
});
