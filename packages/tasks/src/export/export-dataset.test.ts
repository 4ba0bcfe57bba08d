import { readSamples } from '@spatial-ssrl/spec/node';
import { type SampleRecord, FORMAT_INSTRUCTION } from '@spatial-ssrl/spec';
import { existsSync } from 'node:fs';
import { readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { rewardShims } from '@spatial-ssrl/rewards';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderFiles, removeTempDirs, smallDataset, tempDir } from './__fixtures__/small-dataset.js';
import { exportDataset } from './export-dataset.js';
import { ExportError } from './export-error.js';
import { importDataset } from './import-dataset.js';

let data: string;
let records: SampleRecord[];

beforeAll(async () => {
  data = await smallDataset(join(await tempDir(), 'data'));
  records = [];
  for await (const r of readSamples(data)) records.push(r);
});
afterAll(removeTempDirs);

async function readParquet(path: string): Promise<{ rows: Record<string, any>[]; kv: Map<string, string> }> {
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  const rows = (await parquetReadObjects({ file, metadata, utf8: false })) as Record<string, any>[];
  return { rows, kv: new Map((metadata.key_value_metadata ?? []).map((e) => [e.key, e.value ?? ''])) };
}

function imageCount(prompt: string): number {
  return prompt.split('<image>').length - 1;
}

describe('exportDataset', () => {
  it('writes EasyR1 train/ and test/ shards whose rows keep prompts, answers and image bytes', async () => {
    const out = join(await tempDir(), 'easyr1');
    const result = await exportDataset({ data, to: 'easyr1', out, rowsPerShard: 12 });
    const train = records.filter((r) => r.split === 'train');
    const test = records.filter((r) => r.split === 'test');
    expect(train.length).toBeGreaterThan(0);
    expect(test.length).toBeGreaterThan(0);
    expect(result.rows).toBe(records.length);
    expect(result.shards.map((s) => s.path)).toEqual([
      ...Array.from({ length: Math.ceil(test.length / 12) }, (_, k) => `test/test-${String(k).padStart(5, '0')}-of-${String(Math.ceil(test.length / 12)).padStart(5, '0')}.parquet`),
      ...Array.from({ length: Math.ceil(train.length / 12) }, (_, k) => `train/train-${String(k).padStart(5, '0')}-of-${String(Math.ceil(train.length / 12)).padStart(5, '0')}.parquet`),
    ]);
    const rows: Record<string, any>[] = [];
    for (const s of result.shards.filter((x) => x.split === 'train')) rows.push(...(await readParquet(join(out, s.path))).rows);
    expect(rows.map((r) => r.id)).toEqual(train.map((r) => r.id));
    for (const [i, row] of rows.entries()) {
      const rec = train[i];
      expect(row.answer).toBe(rec.answer);
      expect(row.problem).toBe(rec.prompt.replace(/<image\d+>/g, '<image>'));
      expect(imageCount(row.problem)).toBe(row.images.length);
      for (const [k, img] of row.images.entries()) {
        expect(Buffer.from(img.bytes).equals(await readFile(join(data, rec.images[k])))).toBe(true);
        expect(img.path).toBe(rec.images[k]);
      }
    }
    const meta = JSON.parse((await readParquet(join(out, result.shards[0].path))).kv.get('huggingface')!);
    expect(meta.info.features.images).toEqual({ feature: { _type: 'Image' }, _type: 'Sequence' });
    expect(await readFile(join(out, 'format_prompt.jinja'), 'utf8')).toBe(`{{ content | trim }} ${FORMAT_INSTRUCTION}\n`);
    const config = await readFile(join(out, 'easyr1_config.yaml'), 'utf8');
    for (const key of ['train_files: ./train@train', 'val_files: ./test@test', 'prompt_key: problem', 'format_prompt: ./format_prompt.jinja', 'reward_function: ./reward.py:compute_score']) {
      expect(config).toContain(key);
    }
  });

  it('writes verl rows with the format instruction, reward_model and extra_info', async () => {
    const out = join(await tempDir(), 'verl');
    const result = await exportDataset({ data, to: 'verl', out, split: 'test' });
    expect(result.shards).toHaveLength(1);
    const { rows } = await readParquet(join(out, 'data/test-00000-of-00001.parquet'));
    const test = records.filter((r) => r.split === 'test');
    expect(rows).toHaveLength(test.length);
    for (const [i, row] of rows.entries()) {
      expect(row.data_source).toBe('spatial-ssrl');
      expect(row.prompt).toEqual([{ role: 'user', content: `${test[i].prompt.replace(/<image\d+>/g, '<image>')} ${FORMAT_INSTRUCTION}` }]);
      expect(row.reward_model).toEqual({ style: 'rule', ground_truth: test[i].answer });
      expect(row.extra_info).toMatchObject({ split: 'test', index: BigInt(test[i].index), id: test[i].id, task: test[i].task, variant: test[i].variant });
      expect(imageCount(row.prompt[0].content)).toBe(row.images.length);
    }
    const config = await readFile(join(out, 'verl_config.yaml'), 'utf8');
    expect(config).toContain('custom_reward_function:\n    path: ./verl_reward_async.py\n    name: compute_score');
    expect(config).toContain('"data/test-00000-of-00001.parquet"');
  });

  it('writes TRL conversational prompts with one image part per image', async () => {
    const out = join(await tempDir(), 'trl');
    const result = await exportDataset({ data, to: 'trl', out, images: 'files' });
    const { rows } = await readParquet(join(out, result.shards.find((s) => s.split === 'train')!.path));
    for (const row of rows) {
      const parts = row.prompt[0].content as { type: string; text: string | null }[];
      expect(parts.filter((p) => p.type === 'image')).toHaveLength(row.images.length);
      expect(parts.at(-1)!.text!.endsWith(FORMAT_INSTRUCTION)).toBe(true);
      for (const img of row.images) {
        expect(img.bytes).toBeNull();
        expect(existsSync(join(out, img.path))).toBe(true);
      }
      expect(typeof row.solution).toBe('string');
    }
    expect(result.imageFiles).toBe(records.reduce((n, r) => n + r.images.length, 0));
  });

  it('writes LLaMA-Factory sharegpt and alpaca JSON with a dataset_info.json naming existing files and columns', async () => {
    for (const style of ['sharegpt', 'alpaca'] as const) {
      const out = join(await tempDir(), `lf-${style}`);
      await exportDataset({ data, to: 'llamafactory', out, style });
      const info = JSON.parse(await readFile(join(out, 'dataset_info.json'), 'utf8')) as Record<string, { file_name: string; columns: Record<string, string> }>;
      expect(Object.keys(info).sort()).toEqual(['spatial_ssrl_test', 'spatial_ssrl_train']);
      for (const entry of Object.values(info)) {
        const rows = JSON.parse(await readFile(join(out, entry.file_name), 'utf8')) as Record<string, any>[];
        for (const row of rows) {
          for (const column of Object.values(entry.columns)) expect(row).toHaveProperty(column);
          const prompt = style === 'sharegpt' ? row.messages[0].content : row.instruction;
          expect(imageCount(prompt)).toBe(row.images.length);
          for (const img of row.images) expect(existsSync(join(out, img))).toBe(true);
        }
      }
    }
  });

  it('draws a seeded, task-balanced cold-start subset from the training split', async () => {
    const a = join(await tempDir(), 'cold-a');
    const b = join(await tempDir(), 'cold-b');
    const ra = await exportDataset({ data, to: 'llamafactory', out: a, coldStart: 10, seed: 3, sftTarget: '<think>look</think>\\boxed{{answer}}' });
    await exportDataset({ data, to: 'llamafactory', out: b, coldStart: 10, seed: 3, sftTarget: '<think>look</think>\\boxed{{answer}}' });
    expect(ra.rows).toBe(10);
    expect(Object.values(ra.byTask).map((s) => s.train)).toEqual([2, 2, 2, 2, 2]);
    expect(await readFile(join(a, 'spatial_ssrl_coldstart.json'), 'utf8')).toBe(await readFile(join(b, 'spatial_ssrl_coldstart.json'), 'utf8'));
    const rows = JSON.parse(await readFile(join(a, 'spatial_ssrl_coldstart.json'), 'utf8')) as { id: string; messages: { content: string }[] }[];
    const byId = new Map(records.map((r) => [r.id, r]));
    for (const row of rows) expect(row.messages[1].content).toBe(`<think>look</think>\\boxed{${byId.get(row.id)!.answer}}`);
  });

  it('is byte-for-byte deterministic', async () => {
    const a = join(await tempDir(), 'det-a');
    const b = join(await tempDir(), 'det-b');
    await exportDataset({ data, to: 'verl', out: a, modelFamily: 'qwen2.5-vl' });
    await exportDataset({ data, to: 'verl', out: b, modelFamily: 'qwen2.5-vl' });
    const fa = await folderFiles(a);
    const fb = await folderFiles(b);
    expect([...fa.keys()].filter((k) => fa.get(k) !== fb.get(k))).toEqual([]);
    expect(fa).toEqual(fb);
  });

  it('reports image tokens per task and stops on a row above the limit, writing nothing', async () => {
    const out = join(await tempDir(), 'tokens');
    const ok = await exportDataset({ data, to: 'easyr1', out, modelFamily: 'qwen3-vl' });
    // 160×120 is below Qwen3-VL's 65,536 px: scaled by 1.85 and ceiled to 320×224 → 10×7 = 70 tokens + 2
    expect(ok.tokens!.flip).toMatchObject({ min: 72, max: 72 });
    const bad = join(await tempDir(), 'tokens-bad');
    const err = await exportDataset({ data, to: 'easyr1', out: bad, modelFamily: 'qwen3-vl', maxImageTokens: 100 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExportError);
    expect((err as ExportError).code).toBe('image-tokens');
    expect((err as ExportError).message).toMatch(/^row crop-\d+ \(task crop\): its 5 images take \d+ image tokens, above the limit of 100/);
    expect(existsSync(bad)).toBe(false);
  });

  it('refuses an existing output without force and replaces it with force', async () => {
    const out = join(await tempDir(), 'exists');
    await exportDataset({ data, to: 'trl', out, split: 'test' });
    await expect(exportDataset({ data, to: 'trl', out })).rejects.toMatchObject({ code: 'output-exists' });
    const r = await exportDataset({ data, to: 'trl', out, force: true });
    expect(r.rows).toBe(records.length);
  });

  it('rejects options that do not fit the target', async () => {
    const out = join(await tempDir(), 'opts');
    await expect(exportDataset({ data, to: 'llamafactory', out, images: 'embed' })).rejects.toThrow(/always files/);
    await expect(exportDataset({ data, to: 'easyr1', out, coldStart: 5 })).rejects.toThrow(/--to llamafactory/);
    await expect(exportDataset({ data, to: 'easyr1', out, maxImageTokens: 5 })).rejects.toThrow(/model family/);
  });
});

describe('reward shims next to the data', () => {
  it('ships the reward-server shims under the names each config points at', async () => {
    const shims = new Map(rewardShims().map((s) => [s.name, s.text]));
    const expected = {
      easyr1: { 'reward.py': shims.get('easyr1') },
      verl: { 'verl_reward.py': shims.get('verl'), 'verl_reward_async.py': shims.get('verl-async') },
      trl: { 'trl_reward.py': shims.get('trl') },
      llamafactory: {},
    } as const;
    for (const [to, files] of Object.entries(expected)) {
      const out = join(await tempDir(), `shims-${to}`);
      const result = await exportDataset({ data, to: to as keyof typeof expected, out, split: 'test' });
      expect(result.files.filter((f) => f.endsWith('.py') && f !== 'trl_grpo.py')).toEqual(Object.keys(files));
      for (const [file, text] of Object.entries(files)) expect(await readFile(join(out, file), 'utf8')).toBe(text);
    }
  });
});

describe('exportDataset on bad input', () => {
  it('stops on a row whose placeholders do not match its images, naming the row, and writes nothing', async () => {
    const copy = await smallDataset(join(await tempDir(), 'bad-placeholders'), { count: 10 });
    const lines = (await readFile(join(copy, 'samples.jsonl'), 'utf8')).trimEnd().split('\n');
    const victim = JSON.parse(lines[3]) as SampleRecord;
    victim.prompt = `<image>${victim.prompt}`;
    lines[3] = JSON.stringify(victim);
    await writeFile(join(copy, 'samples.jsonl'), `${lines.join('\n')}\n`);
    const out = join(await tempDir(), 'x');
    const err = await exportDataset({ data: copy, to: 'verl', out }).catch((e: unknown) => e);
    expect((err as ExportError).code).toBe('placeholder-mismatch');
    expect((err as Error).message).toContain(`row ${victim.id}`);
    expect(existsSync(out)).toBe(false);
  });

  it('stops on a missing image, naming the row and the file', async () => {
    const copy = await smallDataset(join(await tempDir(), 'missing-image'), { count: 10 });
    const first = JSON.parse((await readFile(join(copy, 'samples.jsonl'), 'utf8')).split('\n')[0]) as SampleRecord;
    await unlink(join(copy, first.images[0]));
    const err = await exportDataset({ data: copy, to: 'easyr1', out: join(await tempDir(), 'x') }).catch((e: unknown) => e);
    expect((err as ExportError).code).toBe('image-missing');
    expect((err as Error).message).toContain(first.images[0]);
  });

  it('refuses a dataset still being written and a directory that is not a dataset', async () => {
    const copy = await smallDataset(join(await tempDir(), 'running'), { count: 5 });
    const manifest = JSON.parse(await readFile(join(copy, 'dataset.json'), 'utf8'));
    await writeFile(join(copy, 'dataset.json'), JSON.stringify({ ...manifest, status: 'running' }));
    await expect(exportDataset({ data: copy, to: 'easyr1', out: join(await tempDir(), 'x') })).rejects.toMatchObject({ code: 'dataset-incomplete' });
    await expect(exportDataset({ data: await tempDir(), to: 'easyr1', out: join(await tempDir(), 'y') })).rejects.toMatchObject({ code: 'not-a-dataset' });
  });
});

describe('sharded runs', () => {
  it('exports the shards of a run, in any order given, byte for byte as the unsharded run', async () => {
    const root = await tempDir();
    const whole = await smallDataset(join(root, 'whole'), { count: 24 });
    const parts = [];
    for (const k of [1, 2, 3]) parts.push(await smallDataset(join(root, `part${k}`), { count: 24, shard: { k, n: 3 } }));
    const a = join(root, 'export-whole');
    const b = join(root, 'export-parts');
    await exportDataset({ data: whole, to: 'easyr1', out: a, rowsPerShard: 7 });
    await exportDataset({ data: [parts[2], parts[0], parts[1]], to: 'easyr1', out: b, rowsPerShard: 7 });
    expect(await folderFiles(b)).toEqual(await folderFiles(a));
    await expect(exportDataset({ data: [parts[0], parts[2]], to: 'easyr1', out: join(root, 'c') })).rejects.toThrow(/shards 2\/3 are missing/);
    await expect(exportDataset({ data: [parts[0], parts[0], parts[1]], to: 'easyr1', out: join(root, 'd') })).rejects.toThrow(/given twice/);
  });
});

describe('resuming', () => {
  it('keeps the finished data files of a stopped export and ends byte for byte as an uninterrupted one', async () => {
    const root = await tempDir();
    const fresh = join(root, 'fresh');
    await exportDataset({ data, to: 'easyr1', out: fresh, rowsPerShard: 6 });
    const out = join(root, 'stopped');
    const controller = new AbortController();
    const err = await exportDataset({
      data,
      to: 'easyr1',
      out,
      rowsPerShard: 6,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'write' && p.done > 0) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect((err as ExportError).code).toBe('aborted');
    expect(existsSync(out)).toBe(false);
    const again = await exportDataset({ data, to: 'easyr1', out, rowsPerShard: 6 });
    expect(again.resumedShards).toBe(1);
    expect(await folderFiles(out)).toEqual(await folderFiles(fresh));
    // Other options do not reuse the stopped run's files.
    const other = join(root, 'other');
    const controller2 = new AbortController();
    await exportDataset({ data, to: 'easyr1', out: other, rowsPerShard: 6, signal: controller2.signal, onProgress: (p) => p.phase === 'write' && p.done > 0 && controller2.abort() }).catch(() => undefined);
    expect((await exportDataset({ data, to: 'easyr1', out: other, rowsPerShard: 7 })).resumedShards).toBe(0);
  });
});

describe('export then import', () => {
  it('gives back the same samples.jsonl and image bytes from EasyR1 and verl exports', async () => {
    for (const [to, images] of [
      ['easyr1', 'embed'],
      ['verl', 'files'],
    ] as const) {
      const root = await tempDir();
      await exportDataset({ data, to, out: join(root, 'export'), images });
      const back = join(root, 'back');
      const result = await importDataset({ from: to, input: join(root, 'export'), out: back });
      expect(result.imported).toBe(records.length);
      expect(result.inferred).toBe(0);
      expect(await readFile(join(back, 'samples.jsonl'), 'utf8')).toBe(await readFile(join(data, 'samples.jsonl'), 'utf8'));
      for (const r of records) for (const img of r.images) expect((await readFile(join(back, img))).equals(await readFile(join(data, img)))).toBe(true);
      await rm(root, { recursive: true, force: true });
    }
  });
});
