import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, CLI, runCli } from '../__fixtures__/run-cli.js';

const STAGE_DIRS = ['data', 'sft', 'eval-sft', 'grpo', 'eval-grpo', 'control', 'eval-control'];

let root: string;
beforeAll(async () => {
  assertBuilt();
  root = await mkdtemp(join(tmpdir(), 'ssrl-pipeline-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const stageStatus = async (out: string, stage: string): Promise<string | undefined> =>
  JSON.parse(await readFile(join(out, stage, 'stage.json'), 'utf8').catch(() => '{}')).status;

// Spawns the CLI and sends SIGINT once stderr shows `pattern`.
function interruptAt(args: readonly string[], pattern: RegExp): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!sent && pattern.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('ssrl-train pipeline', () => {
  const out = () => join(root, 'run');
  const tiny = (...extra: string[]) => ['pipeline', '--preset', 'tiny', '--out', out(), '--workers', '1', ...extra];

  it('runs every stage of the tiny preset and writes the report', async () => {
    const r = await runCli(tiny());
    expect(r.stderr).not.toMatch(/Error|error:/);
    expect(r.code).toBe(0);
    for (let i = 1; i <= 8; i++) expect(r.stderr).toContain(`[${i}/8] `);
    for (const stage of STAGE_DIRS) expect(await stageStatus(out(), stage)).toBe('complete');
    for (const file of [
      'pipeline.json',
      'data/samples.jsonl',
      'sft/checkpoint/model.json',
      'sft/curve.svg',
      'grpo/checkpoint/model.json',
      'grpo/curve.svg',
      'control/checkpoint/model.json',
      'eval-sft/predictions.jsonl',
      'eval-grpo/scores.json',
      'eval-control/predictions.jsonl',
      'report.md',
      'figures/accuracy.svg',
      'figures/accuracy.png',
      'figures/sft-curve.svg',
      'figures/grpo-curve.svg',
    ]) {
      expect(existsSync(join(out(), file)), file).toBe(true);
    }
    const report = await readFile(join(out(), 'report.md'), 'utf8');
    expect(report).toContain('| task | n | chance | SFT | SFT+GRPO | SFT-continued | GRPO − SFT | GRPO − control |');
    expect(report).toMatch(/\n\| all tasks \| \d+ \| \d+\.\d \| \d+\.\d \[/);
    expect(report).toMatch(/- \*\*GRPO helped\*\* \(SFT\+GRPO above SFT-continued, interval above 0\): /);
    expect(report).toContain('Command: `ssrl-train pipeline --preset tiny --out ');
    // Every held-out record of the dataset was evaluated, and the three runs saw the same items.
    const testRecords = (await readFile(join(out(), 'data', 'samples.jsonl'), 'utf8')).split('\n').filter((l) => l.includes('"split":"test"')).length;
    const ids = async (stage: string) => (await readFile(join(out(), stage, 'predictions.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l).id);
    expect(await ids('eval-sft')).toHaveLength(testRecords);
    expect(await ids('eval-control')).toEqual(await ids('eval-grpo'));
    expect(r.stdout).toContain(`report: ${join(out(), 'report.md')}`);
    // Every stage ran its preset's step count, whatever the machine's speed.
    const result = async (stage: string) => JSON.parse(await readFile(join(out(), stage, 'stage.json'), 'utf8')).result;
    expect((await result('sft')).step).toBe(30);
    expect((await result('grpo')).step).toBe(3);
    expect(await result('control')).toMatchObject({ step: 10, stopped: 'steps' });
    expect((await result('control')).budgetSec).toBeUndefined();
    expect(report).toContain('- Control: SFT continued from the SFT checkpoint for 10 steps');
  });

  it('skips completed stages on --resume and redoes only the missing ones', async () => {
    await rm(join(out(), 'control'), { recursive: true });
    await rm(join(out(), 'eval-control', 'stage.json'));
    const before = await readFile(join(out(), 'eval-sft', 'predictions.jsonl'), 'utf8');
    const r = await runCli(tiny('--resume'));
    expect(r.code).toBe(0);
    for (const [i, title] of ['data', 'SFT', 'evaluate SFT', 'GRPO', 'evaluate SFT+GRPO'].entries()) {
      expect(r.stderr).toMatch(new RegExp(`\\[${i + 1}/8\\] ${title.replace('+', '\\+')}: complete \\([\\d:]+\\), skipped`));
    }
    expect(r.stderr).toMatch(/\[6\/8\] control: SFT continued → /);
    expect(r.stderr).toMatch(/\[7\/8\] evaluate SFT-continued → /);
    expect(await stageStatus(out(), 'control')).toBe('complete');
    expect(await readFile(join(out(), 'eval-sft', 'predictions.jsonl'), 'utf8')).toBe(before);
    expect(await readFile(join(out(), 'report.md'), 'utf8')).toContain('(from an earlier invocation)');
  });

  it('refuses a used folder without --resume, and other settings with it', async () => {
    const again = await runCli(tiny());
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already holds a pipeline run; add --resume to continue it');
    expect(again.stderr).toContain('[run-exists]');
    const other = await runCli(tiny('--resume', '--seed', '5'));
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/holds a run with other settings \(seed\).*\[plan-mismatch\]/);
  });

  it('stops on SIGINT with exit code 130 and resumes the interrupted stage', async () => {
    const dir = join(root, 'interrupted');
    const args = ['pipeline', '--preset', 'tiny', '--out', dir, '--workers', '1'];
    const stopped = await interruptAt(args, /\[1\/8\] data/);
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain('run the same command with --resume to continue');
    expect(await stageStatus(dir, 'data')).toBe('running');
    const resumed = await runCli([...args, '--resume']);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('[1/8] data (resuming)');
    for (const stage of STAGE_DIRS) expect(await stageStatus(dir, stage)).toBe('complete');
    // The resumed dataset is the one an uninterrupted run writes.
    expect(await readFile(join(dir, 'data', 'samples.jsonl'), 'utf8')).toBe(await readFile(join(out(), 'data', 'samples.jsonl'), 'utf8'));
  });

  it('reports bad arguments as usage errors', async () => {
    const none = await runCli(['pipeline', '--out', join(root, 'x')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--preset: is required');
    expect((await runCli(['pipeline', '--preset', 'huge', '--out', join(root, 'x')])).stderr).toContain('--preset: must be quick or full');
    const both = await runCli(['pipeline', '--preset', 'quick', '--source', 'synthetic', '--data', 'd', '--out', join(root, 'y')]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give --source or --data, not both');
    const help = await runCli(['pipeline', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: ssrl-train pipeline --preset quick|full');
  });
});
