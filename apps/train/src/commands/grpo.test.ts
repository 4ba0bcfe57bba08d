import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadBackend } from '@spatial-ssrl/model';
import { trainSft } from '@spatial-ssrl/trainer';
import { generateDataset } from '@spatial-ssrl/tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from '../__fixtures__/run-cli.js';
import { UsageError } from '@spatial-ssrl/spec/node';
import type { CommandIo } from '../command.js';
import { grpoCommand, grpoOptionsFromArgs } from './grpo.js';

let root: string;

function memoryIo(): CommandIo & { stdout: () => string } {
  let out = '';
  return {
    out: { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream,
    err: { write: () => true, isTTY: false } as unknown as CommandIo['err'],
    cwd: root,
    env: { SSRL_BACKEND: 'wasm' },
    stdout: () => out,
  };
}

const metricsOf = async (run: string): Promise<{ type: string; step: number; reward?: { n: number } }[]> =>
  (await readFile(path.join(root, run, 'metrics.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

beforeAll(async () => {
  assertBuilt();
  root = await mkdtemp(path.join(tmpdir(), 'ssrl-train-grpo-'));
  await generateDataset({ sources: ['synthetic:12:160x120'], count: 30, seed: 3, out: path.join(root, 'data'), workers: 1, testFraction: 0.25 });
  await loadBackend({ prefer: 'wasm', log: false });
  await trainSft({ data: path.join(root, 'data'), out: path.join(root, 'sft'), preset: 'tiny', batchSize: 8, steps: 10, evalEvery: 0, seed: 1 });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('ssrl-train grpo', () => {
  const common = ['grpo', '--init', 'sft', '--data', 'data', '--out', 'run', '--prompts', '4', '--group', '3', '--eval-samples', '2', '--backend', 'wasm'];

  it('runs GRPO steps from an SFT run, writes its files, and resumes', async () => {
    const first = await runCli([...common, '--steps', '2', '--eval-every', '0', '--rollout-log-every', '1'], { cwd: root });
    expect(first.stderr).toMatch(/tfjs backend: wasm/);
    expect(first.stderr).toMatch(/threads: 2 \(a policy replica in a worker thread computes half of each step\)/);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/held-out before GRPO \(step 0\):\ntask\s+n\s+accuracy/);
    expect(first.stdout).toMatch(/held-out after GRPO \(step 2\):/);
    expect(first.stdout).toMatch(/steps: 2 of 2 \(steps\)/);
    let metrics = await metricsOf('run');
    expect(metrics.filter((m) => m.type === 'train').map((m) => m.step)).toEqual([1, 2]);
    expect(metrics.filter((m) => m.type === 'train').every((m) => m.reward!.n === 12)).toBe(true);
    expect(metrics.filter((m) => m.type === 'eval').map((m) => m.step)).toEqual([0, 2]);
    const rollouts = (await readFile(path.join(root, 'run', 'rollouts.jsonl'), 'utf8')).trim().split('\n');
    expect(rollouts).toHaveLength(2);
    expect(await readFile(path.join(root, 'run', 'curve.svg'), 'utf8')).toContain('reward (per step)');
    expect(JSON.parse(await readFile(path.join(root, 'run', 'config.json'), 'utf8')).options.promptsPerStep).toBe(4);

    const resumed = await runCli([...common, '--steps', '3', '--eval-every', '0', '--rollout-log-every', '1', '--resume', '--quiet'], { cwd: root });
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/steps: 3 of 3 \(steps\)/);
    metrics = await metricsOf('run');
    expect(metrics.filter((m) => m.type === 'train').map((m) => m.step)).toEqual([1, 2, 3]);
    const manifest = JSON.parse(await readFile(path.join(root, 'run', 'checkpoint', 'model.json'), 'utf8'));
    expect(manifest.step).toBe(3);
    expect(manifest.metadata.kind).toBe('grpo');
  });

  it('fails at start with a clear message for a group of one and a missing dataset', async () => {
    const [single, missing, threads] = await Promise.all([
      runCli(['grpo', '--init', 'sft', '--data', 'data', '--out', 'bad', '--steps', '1', '--group', '1', '--quiet'], { cwd: root }),
      runCli(['grpo', '--init', 'sft', '--data', 'nowhere', '--out', 'bad', '--steps', '1', '--quiet'], { cwd: root }),
      runCli(['grpo', '--init', 'sft', '--data', 'data', '--out', 'bad', '--steps', '1', '--threads', '3', '--quiet'], { cwd: root }),
    ]);
    expect(threads.code).toBe(1);
    expect(threads.stderr).toMatch(/ssrl-train grpo: grpo options: threads: must be 1 or 2, got 3 .*\[bad-config\]/);
    expect(single.code).toBe(1);
    expect(single.stderr).toMatch(/ssrl-train grpo: grpo options: groupSize: must be at least 2, got 1: .*\[bad-config\]/);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nowhere.*samples\.jsonl does not exist; is this a dataset directory.*\[not-a-dataset\]/);
  });

  it('documents the paper defaults and rejects malformed arguments', async () => {
    const io = memoryIo();
    expect(await grpoCommand.run(['--help'], io)).toBe(0);
    expect(io.stdout()).toBe(grpoCommand.help);
    expect(grpoCommand.help).toMatch(/--lr LR .*\(default 1e-4\)\s+\[paper: 1e-6\]/);
    expect(grpoCommand.help).toMatch(/--prompts N .*\[paper: 256\]/);
    expect(grpoCommand.help).toMatch(/--threads N +1 or 2 \(default 2\)/);
    await expect(grpoCommand.run(['--data', 'd', '--out', 'x'], memoryIo())).rejects.toThrow(/--init: is required/);
    await expect(grpoCommand.run(['--init', 'i', '--data', 'd', '--out', 'x', '--group', 'five'], memoryIo())).rejects.toThrow(UsageError);
    await expect(grpoCommand.run(['--init', 'i', '--data', 'd', '--out', 'x', '--steps', '2', '--minutes', '1'], memoryIo())).rejects.toThrow(/not both/);
    await expect(grpoCommand.run(['--init', 'i', '--data', 'd', '--out', 'x', '--estimator', 'ppo'], memoryIo())).rejects.toThrow(/--estimator/);
  });

  it('maps flags to trainer options', () => {
    const o = grpoOptionsFromArgs(
      { init: 'a', data: 'b', out: 'c', 'kl-in-reward': true, 'kl-adaptive': true, 'online-filtering': true, 'partial-credit': true, resume: false, quiet: false, group: 8, 'clip-dual': 2.5, threads: 1, 'prompts-per-task': 50 },
      path.join(tmpdir(), 'w'),
    );
    expect(o).toMatchObject({ init: path.join(tmpdir(), 'w', 'a'), data: path.join(tmpdir(), 'w', 'b'), out: path.join(tmpdir(), 'w', 'c'), minutes: 10, useKlLoss: false, klController: 'adaptive', onlineFiltering: true, partialCredit: true, groupSize: 8, clipRatioDual: 2.5, threads: 1, promptsPerTask: 50 });
  });

  it('leaves partial credit off unless --partial-credit is given', () => {
    const args = { init: 'a', data: 'b', out: 'c', 'kl-in-reward': false, 'kl-adaptive': false, 'online-filtering': false, resume: false, quiet: false };
    expect(grpoOptionsFromArgs({ ...args, 'partial-credit': false }, tmpdir()).partialCredit).toBe(false);
    expect(grpoCommand.help).toMatch(/--partial-credit +score answers with parts/);
  });
});
