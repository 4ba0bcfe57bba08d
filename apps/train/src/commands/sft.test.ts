import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { conditionPrompt } from '@spatial-ssrl/model';
import { readDataset } from '@spatial-ssrl/trainer';
import { generateDataset } from '@spatial-ssrl/tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from '../__fixtures__/run-cli.js';
import { UsageError } from '@spatial-ssrl/spec/node';
import type { CommandIo } from '../command.js';
import { formatEvalTable, sftCommand } from './sft.js';

let root: string;
let data: string;

function memoryIo(): CommandIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream,
    err: { write: (s: string) => ((err += s), true), isTTY: false } as unknown as CommandIo['err'],
    cwd: root,
    env: { SSRL_BACKEND: 'wasm' },
    stdout: () => out,
    stderr: () => err,
  };
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'ssrl-train-sft-'));
  data = path.join(root, 'data');
  await generateDataset({ sources: ['synthetic:16:160x120'], count: 40, seed: 3, out: data, workers: 1, testFraction: 0.25 });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('ssrl-train sft', () => {
  it('maps every generated prompt to its task conditioning from the prompt text alone', async () => {
    const ds = await readDataset(data);
    const tasks = new Set<string>();
    for (const r of ds.records) {
      const c = conditionPrompt(r.prompt, { imageCount: r.images.length });
      expect(c.source, r.id).toBe('prompt');
      expect(c.tokens[0]).toBe(`task:${r.task}`);
      tasks.add(r.task);
    }
    expect([...tasks].sort()).toEqual(['crop', 'depth', 'flip', 'position', 'shuffle']);
  });

  it('trains on a generated dataset and writes checkpoint, metrics, curve and a held-out table', async () => {
    const io = memoryIo();
    const code = await sftCommand.run(['--data', 'data', '--out', 'run', '--preset', 'tiny', '--steps', '12', '--batch', '8', '--eval-every', '6', '--eval-samples', '4'], io);
    expect(code).toBe(0);
    const stdout = io.stdout();
    expect(stdout).toMatch(/^task\s+n\s+accuracy\s+format\s+per position$/m);
    for (const task of ['crop', 'depth', 'flip', 'position', 'shuffle', 'all']) expect(stdout).toMatch(new RegExp(`^${task}\\s+\\d+\\s+\\d+\\.\\d%`, 'm'));
    expect(stdout).toContain(`checkpoint: ${path.join(root, 'run', 'checkpoint')}`);
    expect(io.stderr()).toMatch(/tfjs backend: wasm/);
    expect(io.stderr()).toMatch(/eval @6: /);
    const manifest = JSON.parse(await readFile(path.join(root, 'run', 'checkpoint', 'model.json'), 'utf8'));
    expect(manifest.step).toBe(12);
    const metrics = (await readFile(path.join(root, 'run', 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(metrics.filter((m) => m.type === 'eval').map((m) => m.step)).toEqual([6, 12]);
    expect(await readFile(path.join(root, 'run', 'curve.svg'), 'utf8')).toContain('</svg>');
    const again = memoryIo();
    expect(await sftCommand.run(['--data', 'data', '--out', 'run', '--preset', 'tiny', '--steps', '12', '--batch', '8', '--resume', '--quiet'], again)).toBe(0);
    expect(again.stdout()).toMatch(/steps: 12 of 12/);
  });

  it('prints help and rejects bad arguments with usage errors', async () => {
    const io = memoryIo();
    expect(await sftCommand.run(['--help'], io)).toBe(0);
    expect(io.stdout()).toBe(sftCommand.help);
    await expect(sftCommand.run(['--out', 'x'], memoryIo())).rejects.toThrow(UsageError);
    await expect(sftCommand.run(['--data', 'd', '--out', 'x', '--steps', 'ten'], memoryIo())).rejects.toThrow(/--steps: must be a whole number/);
    await expect(sftCommand.run(['--data', 'd', '--out', 'x', '--steps', '5', '--minutes', '2'], memoryIo())).rejects.toThrow(/--minutes or --steps, not both/);
    await expect(sftCommand.run(['--data', 'd', '--out', 'x', '--preset', 'huge'], memoryIo())).rejects.toThrow(/--preset/);
    await expect(sftCommand.run(['--data', 'd', '--out', 'x', '--bogus'], memoryIo())).rejects.toThrow(/unknown option --bogus/);
    await expect(sftCommand.run(['--data', 'd', '--out', 'x', '--threads', 'two'], memoryIo())).rejects.toThrow(/--threads: must be a whole number/);
    expect(sftCommand.help).toMatch(/--threads N +1 or 2 \(default 2\)/);
  });

  it('computes with a replica thread by default and refuses a thread count other than 1 or 2', async () => {
    assertBuilt();
    const common = ['sft', '--data', 'data', '--preset', 'tiny', '--steps', '3', '--batch', '8', '--eval-samples', '2', '--backend', 'wasm'];
    const [two, bad] = await Promise.all([
      runCli([...common, '--out', 'run-threads'], { cwd: root }),
      runCli([...common, '--out', 'run-bad-threads', '--threads', '3', '--quiet'], { cwd: root }),
    ]);
    expect(two.code).toBe(0);
    expect(two.stderr).toMatch(/threads: 2 \(a model replica in a worker thread computes half of each batch\)/);
    expect(JSON.parse(await readFile(path.join(root, 'run-threads', 'run.json'), 'utf8')).threads).toBe(2);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('ssrl-train sft: sft options: threads: must be 1 or 2, got 3 [bad-config]\n');
    const one = await runCli([...common, '--out', 'run-threads', '--threads', '1', '--resume', '--quiet'], { cwd: root });
    expect(one.code).toBe(1);
    expect(one.stderr).toMatch(/differs: threads 2 then, 1 now\); resume with the same ones \[bad-config\]/);
  });

  it('trains on per-task templates and task weights, and resumes only with the same ones', async () => {
    const templates = '{"position":"<think>{meta.direction}</think>\\\\boxed{{answer}}"}';
    const args = ['--data', 'data', '--out', 'run-mix', '--preset', 'tiny', '--steps', '4', '--batch', '8', '--eval-samples', '2', '--quiet', '--threads', '1'];
    const io = memoryIo();
    expect(await sftCommand.run([...args, '--task-templates', templates, '--task-weights', '{"depth":0.5,"flip":2}'], io)).toBe(0);
    expect(io.stdout()).toMatch(/steps: 4 of 4/);
    await expect(sftCommand.run([...args, '--task-templates', templates, '--task-weights', '{"depth":1,"flip":2}', '--resume'], memoryIo())).rejects.toThrow(
      /differs: taskWeights\); resume with the same ones/,
    );
    await expect(sftCommand.run([...args, '--task-weights', '{"depth":0.5,"flip":2}', '--resume'], memoryIo())).rejects.toThrow(/differs: taskTemplates\)/);
    const again = memoryIo();
    expect(await sftCommand.run([...args, '--task-templates', templates, '--task-weights', '{"depth":0.5,"flip":2}', '--resume'], again)).toBe(0);
    expect(again.stdout()).toMatch(/steps: 4 of 4/);
  });

  it('rejects malformed templates and weights before training', async () => {
    const base = ['--data', 'data', '--out', 'run-bad', '--preset', 'tiny', '--steps', '1', '--quiet'];
    await expect(sftCommand.run([...base, '--template', '<think></think>'], memoryIo())).rejects.toThrow(/--template: must contain \{answer\}/);
    await expect(sftCommand.run([...base, '--task-templates', '{position:'], memoryIo())).rejects.toThrow(/--task-templates: is not valid JSON/);
    await expect(sftCommand.run([...base, '--task-templates', '{"position":"{meta.direction}"}'], memoryIo())).rejects.toThrow(/--task-templates: must contain \{answer\}/);
    await expect(sftCommand.run([...base, '--task-weights', '[1,2]'], memoryIo())).rejects.toThrow(/--task-weights: must be a JSON object of task → weight/);
    await expect(sftCommand.run([...base, '--task-weights', '{"flip":-1}'], memoryIo())).rejects.toThrow(/--task-weights/);
    await expect(sftCommand.run([...base, '--task-weights', '{"colour":1}'], memoryIo())).rejects.toThrow(/has no task "colour" to weight/);
    await expect(sftCommand.run([...base, '--task-templates', '{"flip":"<think>{meta.nothing}</think>{answer}"}'], memoryIo())).rejects.toThrow(
      /flip-\d+: the target template asks for \{meta\.nothing\} but the record's meta has no field "nothing"/,
    );
  });

  it('trains with edge features and mirrored rows, and resumes only with the same mirror rates', async () => {
    const args = ['--data', 'data', '--out', 'run-mirror', '--preset', 'tiny', '--steps', '4', '--batch', '8', '--eval-samples', '2', '--quiet', '--threads', '1', '--features', 'rgb,gradients,edges'];
    const mirror = '{"flip":0.5,"shuffle":0.5,"crop":0.5,"depth":0.5}';
    expect(await sftCommand.run([...args, '--mirror', mirror], memoryIo())).toBe(0);
    const run = JSON.parse(await readFile(path.join(root, 'run-mirror', 'run.json'), 'utf8'));
    expect(run.config.features).toEqual({ rgb: true, gradients: true, edges: true });
    expect(run.options.mirror).toEqual({ flip: 0.5, shuffle: 0.5, crop: 0.5, depth: 0.5 });
    await expect(sftCommand.run([...args, '--mirror', '{"flip":0.5}', '--resume'], memoryIo())).rejects.toThrow(/differs: mirror\)/);
    const again = memoryIo();
    expect(await sftCommand.run([...args, '--mirror', mirror, '--resume'], again)).toBe(0);
    expect(again.stdout()).toMatch(/steps: 4 of 4/);
  });

  it('rejects unknown features and bad mirror rates before training', async () => {
    const base = ['--data', 'data', '--out', 'run-bad-mirror', '--preset', 'tiny', '--steps', '1', '--quiet'];
    await expect(sftCommand.run([...base, '--features', 'rgb,depth'], memoryIo())).rejects.toThrow(/--features: must list rgb, gradients or edges/);
    await expect(sftCommand.run([...base, '--mirror', '{"flip":2}'], memoryIo())).rejects.toThrow(/--mirror/);
    await expect(sftCommand.run([...base, '--mirror', '[0.5]'], memoryIo())).rejects.toThrow(/--mirror: must be a JSON object of task → chance/);
    await expect(sftCommand.run([...base, '--mirror', '{"position":0.5}'], memoryIo())).rejects.toThrow(/task "position" declares no mirrorAnswer/);
  });

  it('reports a directory without samples.jsonl clearly', async () => {
    await expect(sftCommand.run(['--data', '.', '--out', 'run2', '--steps', '1', '--quiet'], memoryIo())).rejects.toThrow(/samples\.jsonl does not exist; is this a dataset directory/);
  });
});

describe('formatEvalTable', () => {
  it('aligns tasks, accuracies, format rates and per-position scores', () => {
    const table = formatEvalTable({
      tasks: { flip: { n: 10, accuracy: 0.8, format: 1, positions: [0.9, 0.85], positionMean: 0.875 }, crop: { n: 10, accuracy: 0.5, format: 1 } },
      overall: { n: 20, accuracy: 0.65, format: 1 },
    });
    const lines = table.trimEnd().split('\n');
    expect(lines[1]).toMatch(/^flip\s+10\s+80\.0%\s+100\.0%\s+90\.0% 85\.0%$/);
    expect(new Set(lines.map((l) => l.indexOf('%')).filter((i) => i > 0)).size).toBe(1);
    expect(table).toMatch(/^all\s+20\s+65\.0%/m);
  });
});
