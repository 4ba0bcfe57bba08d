import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseServeArgs, startServe, type Serving } from './serve-command.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
// ssrl-eval as users run it: its built CLI, in a child process.
const EVAL = join(dirname(require.resolve('@spatial-ssrl/eval-app/package.json')), 'dist', 'cli.js');
const tiny = inject('tinyRun');
let server: Serving;
let out: string;

beforeAll(async () => {
  server = await startServe(parseServeArgs(['--port', '0', '--checkpoint', tiny.run, '--served-model-name', 'tiny-sft']), () => {});
  out = await mkdtemp(join(tmpdir(), 'ssrl-serve-eval-'));
});

afterAll(async () => {
  await server.close();
  await rm(out, { recursive: true, force: true });
});

interface Prediction {
  readonly id: string;
  readonly gold: string;
  readonly extracted: unknown;
  readonly score: number;
  readonly outputs: readonly string[];
}

async function evaluate(model: string, dir: string, sampling: string[]): Promise<{ predictions: Prediction[]; scores: { benchmarks: Record<string, unknown> } }> {
  await run(process.execPath, [EVAL, 'run', '--model', model, '--bench', 'ssrl-tasks', '--data', tiny.data, '--out', join(out, dir), ...sampling], { timeout: 300_000 });
  const lines = (await readFile(join(out, dir, 'predictions.jsonl'), 'utf8')).trim().split('\n');
  const predictions = lines.map((l) => JSON.parse(l) as Prediction & { error?: string });
  for (const p of predictions) expect(p.error, p.id).toBeUndefined();
  return { predictions, scores: JSON.parse(await readFile(join(out, dir, 'scores.json'), 'utf8')) };
}

const perItem = (ps: readonly Prediction[]) => ps.map(({ id, gold, extracted, score, outputs }) => ({ id, gold, extracted, score, outputs }));

describe('ssrl-eval against ssrl-serve', () => {
  for (const [name, sampling] of [
    ['greedy (the ssrl-eval default)', []],
    ['sampled at temperature 1 with n = 2 and a seed', ['--temperature', '1', '--top-p', '0.95', '--n', '2', '--seed', '5']],
  ] as const) {
    it(`gives the same per-item answers and scores as the checkpoint itself: ${name}`, async () => {
      const tag = name.split(' ')[0];
      const local = await evaluate(`checkpoint:${tiny.run}`, `checkpoint-${tag}`, [...sampling]);
      const remote = await evaluate(`openai:${server.url}/v1#tiny-sft`, `openai-${tag}`, [...sampling]);
      expect(local.predictions.length).toBeGreaterThan(10);
      expect(perItem(remote.predictions)).toEqual(perItem(local.predictions));
      expect(remote.scores.benchmarks).toEqual(local.scores.benchmarks);
    });
  }
});
