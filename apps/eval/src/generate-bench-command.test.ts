import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startOpenAiTestServer, type OpenAiTestServer } from '@spatial-ssrl/bench/testing';
import { trainSft } from '@spatial-ssrl/trainer';
import { readDatasetManifest, readRejections, readSamples } from '@spatial-ssrl/spec/node';
import { exportDataset, importDataset } from '@spatial-ssrl/tasks/export';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './__fixtures__/run-cli.js';
import { parseGenerateBenchArgs } from './generate-bench-command.js';
import { UsageError } from '@spatial-ssrl/spec/node';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const SMALL = ['--count', '48', '--width', '160', '--height', '120', '--seed', '2'];

const cli = (args: string[]) => runCli(CLI, args);

const sha = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

describe('parseGenerateBenchArgs', () => {
  it('reads the benchmark, count, output and options', () => {
    const a = parseGenerateBenchArgs(['--bench', 'synth-general', '--count', '500', '--out', 'd', '--seed', '7', '--test-fraction', '0.5', '--format', 'jpeg', '--force']);
    expect(a).toMatchObject({ bench: 'synth-general', count: 500, out: 'd', seed: 7, 'test-fraction': 0.5, format: 'jpeg', force: true, quiet: false });
  });

  it('says what is wrong', () => {
    const bad: Array<[string[], RegExp]> = [
      [['--count', '5', '--out', 'd'], /--bench: is required/],
      [['--bench', 'synth-spatial', '--out', 'd'], /--count: is required/],
      [['--bench', 'synth-spatial', '--count', '5'], /--out: is required/],
      [['--bench', 'whatsup', '--count', '5', '--out', 'd'], /--bench: must be synth-spatial or synth-general/],
      [['--bench', 'synth-spatial', '--count', '0', '--out', 'd'], /--count: must be in \[1, /],
      [['--bench', 'synth-spatial', '--count', '5', '--out', 'd', '--test-fraction', '2'], /--test-fraction: must be in \[0, 1\]/],
      [['--bench', 'synth-spatial', '--count', '5', '--out', 'd', '--width', '8'], /--width: must be in \[16, 4096\]/],
      [['--bench', 'synth-spatial', '--count', '5', '--out', 'd', '--colour'], /unknown option --colour/],
    ];
    for (const [argv, message] of bad) {
      expect(() => parseGenerateBenchArgs(argv)).toThrow(UsageError);
      expect(() => parseGenerateBenchArgs(argv)).toThrow(message);
    }
  });
});

describe('ssrl-eval generate-bench and run (built CLI)', () => {
  let root = '';
  let spatial = '';
  let server: OpenAiTestServer;
  const gold = new Map<string, { answer: string; category: string }>();

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the app first (pnpm build)`);
    root = await mkdtemp(join(tmpdir(), 'ssrl-generate-'));
    spatial = join(root, 'spatial');
    const r = await cli(['generate-bench', '--bench', 'synth-spatial', ...SMALL, '--out', spatial]);
    expect(r.stderr).not.toMatch(/ssrl-eval: /);
    expect(r.code).toBe(0);
    for await (const s of readSamples(spatial)) gold.set(s.prompt, { answer: s.answer, category: s.variant });
    // Right on left-right questions, always "A" elsewhere.
    server = await startOpenAiTestServer({
      respond: (req) => {
        const hit = [...gold].find(([prompt]) => req.prompt.startsWith(prompt.replace('<image>', '')));
        if (!hit) return 'unknown prompt';
        return `<think>look</think>\\boxed{${hit[1].category === 'left-right' ? hit[1].answer : 'A'}}`;
      },
    });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  it('writes a dataset directory the dataset readers of @spatial-ssrl/tasks accept, with a summary', async () => {
    const manifest = await readDatasetManifest(spatial);
    expect(manifest.status).toBe('complete');
    expect(manifest.counts?.samples).toBe(48);
    expect(manifest.config.tasks).toEqual([expect.objectContaining({ id: 'synth-spatial', weight: 1 })]);
    let n = 0;
    for await (const s of readSamples(spatial)) {
      expect(existsSync(join(spatial, s.images[0]!))).toBe(true);
      n++;
    }
    expect(n).toBe(48);
    let rejections = 0;
    for await (const r of readRejections(spatial)) {
      expect(r.kind).toBe('task');
      rejections++;
    }
    expect(rejections).toBe(manifest.counts?.rejections.total);
    expect(await readFile(join(spatial, 'summary.md'), 'utf8')).toContain('| left-right | 5 | 1 | 50.0 |');
  });

  it('is carried by the trainer exports and comes back whole through the parquet import', async () => {
    const original = new Map<string, { answer: string; variant: string; prompt: string }>();
    for await (const s of readSamples(spatial)) original.set(s.id, { answer: s.answer, variant: s.variant, prompt: s.prompt });
    for (const to of ['easyr1', 'verl', 'trl', 'llamafactory'] as const) {
      const result = await exportDataset({ data: spatial, to, out: join(root, `export-${to}`) });
      expect(result.rows, to).toBe(48);
    }
    for (const from of ['easyr1', 'verl'] as const) {
      const back = join(root, `import-${from}`);
      const imported = await importDataset({ from, input: join(root, `export-${from}`), out: back });
      expect(imported.imported, from).toBe(48);
      const seen = new Set<string>();
      for await (const s of readSamples(back)) {
        const match = [...original.values()].find((o) => o.prompt === s.prompt && o.answer === s.answer);
        expect(match, `${from}: ${s.prompt.slice(0, 60)}`).toBeDefined();
        expect(s.task).toBe('synth-spatial');
        expect(s.variant).toBe(match!.variant);
        seen.add(s.prompt + s.answer);
      }
      expect(seen.size).toBe(48);
    }
  }, 120_000);

  it('prints its progress and a summary, and finds a finished directory complete', async () => {
    const dir = join(root, 'general');
    const r = await cli(['generate-bench', '--bench', 'synth-general', ...SMALL, '--out', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^synth-general: 48\/48, 100%, [\d.]+ items\/s, in \d+:\d\d, scenes \d+ \(\d+ rendered\), rejected \d+$/m);
    expect(r.stdout).toMatch(/^wrote .*general: 48 items, \d+ scenes \(\d+ rendered\) in [\d.]+ s\n/);
    expect(r.stdout).toMatch(/ {2}colour {10}\s+\d+\s+\d+\s+25\.0\s+\d+/);
    const again = await cli(['generate-bench', '--bench', 'synth-general', ...SMALL, '--out', dir, '--quiet']);
    expect(again.stdout).toContain('48 items, already complete');
    expect(again.stderr).toBe('');
    const other = await cli(['generate-bench', '--bench', 'synth-general', '--count', '40', '--out', dir]);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('holds another dataset (different options); use a new directory or force to overwrite [BAD_ARGUMENT]');
    const help = await cli(['generate-bench', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--per-scene K');
    const usage = await cli(['generate-bench', '--bench', 'synth-spatial', '--out', dir]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--count: is required');
  });

  it('stops on Ctrl-C with exit 130 and resumes to the same bytes', async () => {
    const dir = join(root, 'interrupted');
    const child = spawn(process.execPath, [CLI, 'generate-bench', '--bench', 'synth-spatial', '--count', '400', '--width', '160', '--height', '120', '--seed', '2', '--out', dir]);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    // Interrupt once several scenes are on disk.
    const samples = join(dir, 'samples.jsonl');
    while (child.exitCode === null && (!existsSync(samples) || (await readFile(samples, 'utf8')).split('\n').length < 20)) await delay(20);
    child.kill('SIGINT');
    const code = await exited;
    expect(code).toBe(130);
    expect(stderr).toContain('interrupted');
    const resumed = await cli(['generate-bench', '--bench', 'synth-spatial', '--count', '400', '--width', '160', '--height', '120', '--seed', '2', '--out', dir, '--quiet']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/resumed at scene [1-9]\d*/);
    const fresh = join(root, 'uninterrupted');
    expect((await cli(['generate-bench', '--bench', 'synth-spatial', '--count', '400', '--width', '160', '--height', '120', '--seed', '2', '--out', fresh, '--quiet'])).code).toBe(0);
    for (const file of ['samples.jsonl', 'rejections.jsonl', 'dataset.json', 'summary.md']) expect(await sha(join(dir, file)), file).toBe(await sha(join(fresh, file)));
  }, 120_000);

  it('scores the held-out split per category, with chance and intervals in the report', async () => {
    const out = join(root, 'run');
    const r = await cli(['run', '--model', `openai:${server.baseUrl}#scripted`, '--bench', 'synth-spatial', '--data', spatial, '--out', out]);
    expect(r.stderr).not.toMatch(/ssrl-eval: /);
    expect(r.code).toBe(0);
    const scores = JSON.parse(await readFile(join(out, 'scores.json'), 'utf8'));
    const s = scores.benchmarks['synth-spatial'];
    expect(s.n).toBe(8);
    expect(s.categories['left-right']).toBe(100);
    expect(s.variants.chance.categories['viewpoint']).toBe(25);
    const report = await readFile(join(out, 'report.md'), 'utf8');
    expect(report).toContain('## synth-spatial');
    expect(report).toMatch(/\| left-right \| 1 \| 50\.0 \| 100\.0 \[\d+\.\d, 100\.0\] \|/);
    expect(report).toMatch(/\| all tasks \| 8 \| \d+\.\d \|/);
  });

  it('trains the tfjs policy with SFT on the train split and evaluates the checkpoint', async () => {
    const sft = join(root, 'sft');
    const result = await trainSft({ data: spatial, out: sft, preset: 'tiny', batchSize: 8, steps: 4, evalEvery: 0, seed: 1, threads: 1 });
    expect(result).toBeDefined();
    const out = join(root, 'run-checkpoint');
    const r = await cli(['run', '--model', `checkpoint:${sft}`, '--bench', 'synth-spatial', '--data', spatial, '--out', out, '--max-tokens', '24']);
    expect(r.stderr).not.toMatch(/ssrl-eval: /);
    expect(r.code).toBe(0);
    const scores = JSON.parse(await readFile(join(out, 'scores.json'), 'utf8'));
    expect(scores.benchmarks['synth-spatial'].n).toBe(8);
  }, 120_000);
});
