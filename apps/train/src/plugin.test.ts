import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, REPO_ROOT, runCli, snapshotDir } from './__fixtures__/run-cli.js';

// The custom-task example is a devDependency, so turbo builds it before these tests.
const EXAMPLE = join(REPO_ROOT, 'examples', 'custom-task');

let root: string;
beforeAll(async () => {
  assertBuilt();
  if (!existsSync(join(EXAMPLE, 'dist', 'index.js'))) throw new Error('examples/custom-task is not built: run "pnpm build" there (turbo does it before tests)');
  root = await mkdtemp(join(tmpdir(), 'ssrl-plugin-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('ssrl-train generate --plugin', () => {
  it('generates samples of a task defined outside the tasks package, in workers', async () => {
    const args = (out: string, workers: string) => [
      'generate', '--plugin', './dist/index.js', '--tasks', 'upright,flip', '--source', 'synthetic:12:160x120',
      '--count', '24', '--out', out, '--workers', workers, '--quiet', '--params', '{"upright":{"layout":"mixed"}}',
    ];
    const one = join(root, 'one');
    const two = join(root, 'two');
    const [r1, r2] = await Promise.all([runCli(args(one, '1'), { cwd: EXAMPLE }), runCli(args(two, '2'), { cwd: EXAMPLE })]);
    expect(r2.stderr).toBe('');
    expect([r1.code, r2.code]).toEqual([0, 0]);
    expect(await snapshotDir(two)).toEqual(await snapshotDir(one));
    const records = (await readFile(join(one, 'samples.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    const rotation = records.filter((r) => r.task === 'upright');
    expect(rotation.length).toBeGreaterThan(6);
    for (const r of rotation) {
      expect(['0', '90', '180', '270']).toContain(r.answer);
      expect(['square', 'full']).toContain(r.variant);
      expect(r.images[0]).toMatch(/^images\/upright\/upright-\d{6}-rotated\.png$/);
    }
    const manifest = JSON.parse(await readFile(join(one, 'dataset.json'), 'utf8'));
    expect(manifest.config.tasks[0]).toEqual({ id: 'upright', weight: 1, params: { layout: 'mixed', minSide: 32, minDifference: 4 } });
  });

  it('explains a plugin that is missing or exports no tasks', async () => {
    const missing = await runCli(['generate', '--plugin', './nope.js', '--count', '5', '--out', join(root, 'x')], { cwd: EXAMPLE });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--plugin: no such file ./nope.js');
    const notPlugin = await runCli(['generate', '--plugin', './package.json', '--count', '5', '--out', join(root, 'x')], { cwd: EXAMPLE });
    expect(notPlugin.code).toBe(1);
    expect(notPlugin.stderr).toMatch(/plugin-invalid/);
  });
});

describe('ssrl-train sft --plugin', () => {
  it('mirrors rows of a plugin task by its own mirrorAnswer, and refuses it without the plugin', async () => {
    const data = join(root, 'rot-data');
    const gen = await runCli(['generate', '--plugin', './dist/index.js', '--tasks', 'upright,flip', '--source', 'synthetic:8:160x120', '--count', '16', '--out', data, '--quiet'], {
      cwd: EXAMPLE,
    });
    expect(gen.code).toBe(0);
    const common = ['sft', '--data', data, '--preset', 'tiny', '--steps', '2', '--batch', '4', '--eval-samples', '2', '--threads', '1', '--quiet', '--mirror', '{"upright":0.5,"flip":0.5}'];
    const withPlugin = await runCli([...common, '--plugin', './dist/index.js', '--out', join(root, 'rot-sft')], { cwd: EXAMPLE });
    expect(withPlugin.stderr).toBe('');
    expect(withPlugin.code).toBe(0);
    expect(JSON.parse(await readFile(join(root, 'rot-sft', 'run.json'), 'utf8')).options.mirror).toEqual({ upright: 0.5, flip: 0.5 });
    const without = await runCli([...common, '--out', join(root, 'rot-sft-2')], { cwd: EXAMPLE });
    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/mirror: no task "upright" is registered/);
  });
});

describe('ssrl-train pipeline --plugin', () => {
  it('runs every stage on the built-in tasks plus the plugin task, whose chance level the report shows', async () => {
    const out = join(root, 'pipeline');
    const r = await runCli(['pipeline', '--preset', 'tiny', '--plugin', './dist/index.js', '--out', out, '--workers', '1'], { cwd: EXAMPLE });
    expect(r.stderr).not.toMatch(/Error|error:/);
    expect(r.code).toBe(0);
    const plan = JSON.parse(await readFile(join(out, 'pipeline.json'), 'utf8')).plan;
    expect(plan.data.tasks).toEqual(['shuffle', 'flip', 'crop', 'depth', 'position', 'upright']);
    expect(plan.plugins).toHaveLength(1);
    const records = (await readFile(join(out, 'data', 'samples.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(records.filter((x) => x.task === 'upright' && x.split === 'test').length).toBeGreaterThan(0);
    const evaluated = (await readFile(join(out, 'eval-grpo', 'predictions.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(evaluated.some((p) => p.task === 'upright')).toBe(true);
    // Rotation declares four answers and no chance of its own: 1/4.
    const report = await readFile(join(out, 'report.md'), 'utf8');
    expect(report).toMatch(/\n\| upright \| \d+ \| 25\.0 \|/);
    expect(report).toMatch(/upright: (full|square) \d+× 1\/4/);
  });
});
