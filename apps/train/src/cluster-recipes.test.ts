import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { assertBuilt, CLI, REPO_ROOT, runCli, snapshotDir } from './__fixtures__/run-cli.js';

const run = promisify(execFile);
const RECIPES = join(REPO_ROOT, 'examples', 'cluster');
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('cluster recipes', () => {
  it('the Slurm array (3 shard processes at once) then its export equal the export of one unsharded run, byte for byte', async () => {
    assertBuilt();
    const root = await mkdtemp(join(tmpdir(), 'ssrl-cluster-'));
    dirs.push(root);
    const env = {
      ...process.env,
      SSRL_TRAIN: `${process.execPath} ${CLI}`,
      RUN_DIR: root,
      COUNT: '45',
      SEED: '5',
      SOURCES: 'synthetic:9:160x120',
      SHARDS: '3',
      SLURM_CPUS_PER_TASK: '1',
      TARGET: 'easyr1',
      FAMILY: 'qwen2.5-vl',
    };
    await Promise.all(
      [1, 2, 3].map((k) => run('bash', [join(RECIPES, 'slurm', 'generate.sbatch')], { env: { ...env, SLURM_ARRAY_TASK_ID: String(k) }, timeout: 600_000 })),
    );
    await run('bash', [join(RECIPES, 'slurm', 'export.sbatch')], { env, timeout: 600_000 });

    const whole = join(root, 'whole');
    const gen = await runCli(['generate', '--source', 'synthetic:9:160x120', '--count', '45', '--seed', '5', '--workers', '1', '--quiet', '--out', whole]);
    expect(gen.code, gen.stderr).toBe(0);
    const exp = await runCli(['export', '--data', whole, '--to', 'easyr1', '--model-family', 'qwen2.5-vl', '--quiet', '--out', join(root, 'export-whole')]);
    expect(exp.code, exp.stderr).toBe(0);
    const sharded = await snapshotDir(join(root, 'export-easyr1'));
    expect(sharded.size).toBeGreaterThan(3);
    expect(sharded).toEqual(await snapshotDir(join(root, 'export-whole')));
  }, 600_000);

  it('the launch scripts and Slurm scripts are valid bash', async () => {
    for (const f of ['slurm/generate.sbatch', 'slurm/export.sbatch', 'launch/easyr1.sh', 'launch/verl.sh']) {
      await expect(run('bash', ['-n', join(RECIPES, f)])).resolves.toBeDefined();
    }
  });
});
