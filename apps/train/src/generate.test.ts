import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, CLI, runCli, snapshotDir } from './__fixtures__/run-cli.js';

let root: string;
beforeAll(async () => {
  assertBuilt();
  root = await mkdtemp(join(tmpdir(), 'ssrl-generate-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const SOURCE = ['--source', 'synthetic:24:160x120'];
const common = (out: string, ...extra: string[]) => ['generate', ...SOURCE, '--count', '40', '--seed', '3', '--out', out, '--quiet', ...extra];

describe('ssrl-train generate', () => {
  let reference: Map<string, string>;

  it('writes a dataset and a summary', async () => {
    const out = join(root, 'a');
    const r = await runCli(common(out, '--workers', '1'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/samples, \d+ failed; 40 indices in [\d.]+ s \([\d.]+ samples\/s, 1 thread\)/);
    for (const task of ['shuffle', 'flip', 'crop', 'depth', 'position']) expect(r.stdout).toMatch(new RegExp(`\\n  ${task} +\\d+ +\\d+ +\\d+`));
    expect(r.stdout).toMatch(/rejections: \d+/);
    const manifest = JSON.parse(await readFile(join(out, 'dataset.json'), 'utf8'));
    expect(manifest.status).toBe('complete');
    expect(manifest.counts.samples + manifest.counts.failed).toBe(40);
    const lines = (await readFile(join(out, 'samples.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.length).toBe(manifest.counts.samples);
    for (const line of lines) {
      const record = JSON.parse(line);
      for (const image of record.images) expect(existsSync(join(out, image))).toBe(true);
    }
    reference = await snapshotDir(out);
  });

  it('is byte-identical on a second run and with two workers', async () => {
    const again = join(root, 'b');
    const two = join(root, 'c');
    const [r1, r2] = await Promise.all([runCli(common(again, '--workers', '1')), runCli(common(two, '--workers', '2'))]);
    expect([r1.code, r2.code]).toEqual([0, 0]);
    expect(r2.stdout).toMatch(/2 workers/);
    expect(await snapshotDir(again)).toEqual(reference);
    expect(await snapshotDir(two)).toEqual(reference);
  });

  it('concatenates shards 1/2 and 2/2 into the unsharded dataset', async () => {
    const s1 = join(root, 's1');
    const s2 = join(root, 's2');
    const [r1, r2] = await Promise.all([
      runCli(common(s1, '--workers', '1', '--shard', '1/2')),
      runCli(common(s2, '--workers', '1', '--shard', '2/2')),
    ]);
    expect([r1.code, r2.code]).toEqual([0, 0]);
    for (const file of ['samples.jsonl', 'rejections.jsonl']) {
      const joined = (await readFile(join(s1, file), 'utf8')) + (await readFile(join(s2, file), 'utf8'));
      expect(Buffer.from(joined).toString('base64')).toBe(reference.get(file));
    }
    const images = new Map([...(await snapshotDir(s1)), ...(await snapshotDir(s2))].filter(([p]) => p.startsWith('images/')));
    expect(images).toEqual(new Map([...reference].filter(([p]) => p.startsWith('images/'))));
  });

  it('resumes after SIGKILL to the same bytes as an uninterrupted run', async () => {
    const out = join(root, 'killed');
    const args = common(out, '--workers', '2');
    const child = spawn(process.execPath, [CLI, ...args], { stdio: 'ignore' });
    const exited = new Promise((r) => child.on('exit', r));
    const samples = join(out, 'samples.jsonl');
    // Waits for a few samples however slow the machine is (the run takes far longer than a poll).
    let running = true;
    void exited.then(() => (running = false));
    while (running) {
      await new Promise((r) => setTimeout(r, 10));
      if (existsSync(samples) && (await readFile(samples, 'utf8')).split('\n').length > 8) break;
    }
    child.kill('SIGKILL');
    await exited;
    const partial = (await readFile(samples, 'utf8')).split('\n').length - 1;
    expect(partial).toBeLessThan(40);
    expect(JSON.parse(await readFile(join(out, 'dataset.json'), 'utf8')).status).toBe('running');
    const r = await runCli(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/resumed at index \d+/);
    expect(await snapshotDir(out)).toEqual(reference);
  });

  it('refuses another config in the same directory unless --force', async () => {
    const out = join(root, 'a');
    const r = await runCli(['generate', ...SOURCE, '--count', '40', '--seed', '4', '--out', out, '--quiet', '--workers', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/holds a different dataset \(config differs in seed\).*\[config-mismatch\]/);
    const forced = await runCli(['generate', ...SOURCE, '--count', '10', '--seed', '4', '--out', out, '--quiet', '--workers', '1', '--force']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(await readFile(join(out, 'dataset.json'), 'utf8')).config.count).toBe(10);
  });

  it('prints progress lines on a non-TTY stderr', async () => {
    const r = await runCli(['generate', ...SOURCE, '--count', '6', '--out', join(root, 'progress'), '--workers', '1']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^generate: 6\/6, 100%, [\d.]+ samples\/s, in \d+:\d\d, \d+ rejected$/m);
  });

  it('applies --params to the default task list when --tasks is not given', async () => {
    const out = join(root, 'params');
    const params = JSON.stringify({ depth: { markerRadius: 14, markerFill: 'by-label' }, position: { markerRadius: 14 } });
    const r = await runCli(['generate', ...SOURCE, '--count', '20', '--seed', '3', '--out', out, '--quiet', '--params', params]);
    expect(r.stderr).toBe('');
    const manifest = JSON.parse(await readFile(join(out, 'dataset.json'), 'utf8'));
    const byId = new Map(manifest.config.tasks.map((t: { id: string; params: Record<string, unknown> }) => [t.id, t.params]));
    expect([...byId.keys()]).toEqual(['shuffle', 'flip', 'crop', 'depth', 'position']);
    expect(byId.get('depth')).toMatchObject({ markerRadius: 14, markerFill: 'by-label' });
    expect(byId.get('position')).toMatchObject({ markerRadius: 14, markerFill: 'white' });
    const records = (await readFile(join(out, 'samples.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    const depth = records.filter((rec) => rec.task === 'depth');
    expect(depth.length).toBeGreaterThan(0);
    for (const rec of depth) expect(rec.meta.markerRadius).toBe(14);
    const stray = await runCli(['generate', ...SOURCE, '--count', '5', '--out', join(root, 'stray'), '--tasks', 'flip', '--params', params, '--quiet']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('--params: no task "depth", "position" in this run (tasks: flip)');
  });

  it('explains bad usage', async () => {
    const unknown = await runCli(['generate', '--count', '5', '--out', join(root, 'x'), '--colour', 'red']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('ssrl-train generate: unknown option --colour');
    expect(unknown.stderr).toContain('ssrl-train generate --help');
    const missing = await runCli(['generate', '--out', join(root, 'x')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--count: /);
    const badTasks = await runCli(['generate', '--count', '5', '--out', join(root, 'x'), '--tasks', 'flip:0']);
    expect(badTasks.stderr).toMatch(/--tasks: "flip:0" is not <task> or <task>:<weight>/);
    const unknownTask = await runCli(['generate', '--count', '5', '--out', join(root, 'x'), '--tasks', 'spin', '--quiet']);
    expect(unknownTask.code).toBe(1);
    expect(unknownTask.stderr).toMatch(/unknown task "spin"; known: shuffle, flip, crop, depth, position/);
    const badShard = await runCli(['generate', '--count', '5', '--out', join(root, 'x'), '--shard', '3/2']);
    expect(badShard.stderr).toMatch(/--shard: needs 1 <= k <= n/);
    const noCommand = await runCli(['frobnicate']);
    expect(noCommand.code).toBe(2);
    expect(noCommand.stderr).toMatch(/unknown command "frobnicate"[\s\S]*generate[\s\S]*preview/);
    const help = await runCli(['generate', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: ssrl-train generate/);
    expect(help.stdout).toContain('--shard K/N');
  });
});
