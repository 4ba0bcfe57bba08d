import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pythonEnv } from '@spatial-ssrl/dev-env';
import { rewardShims, scoreResponse, scoreResponseWith } from '@spatial-ssrl/rewards';
import { defaultRegistry } from '@spatial-ssrl/tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type ServeProcess } from './testing/serve-process.js';

interface GoldenCase {
  name: string;
  response: string;
  ground_truth: string;
  format_weight: number;
}

const rewardsDir = dirname(createRequire(import.meta.url).resolve('@spatial-ssrl/rewards/package.json'));
const golden = JSON.parse(readFileSync(join(rewardsDir, 'src/__fixtures__/img-score-golden.json'), 'utf8')) as { cases: GoldenCase[] };
const cases = golden.cases.map(({ response, ground_truth, format_weight }) => ({ response, ground_truth, format_weight }));
const shimDir = dirname(rewardShims()[0].path);
const driver = fileURLToPath(new URL('./__fixtures__/run_shims.py', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'ssrl-shims-'));

function requestFile(name: string, body: unknown): string {
  const file = join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify(body));
  return file;
}

let python = '';
let skipReason = '';
let server: ServeProcess | undefined;

beforeAll(async () => {
  const env = await pythonEnv({ log: (line) => process.stderr.write(`[python env] ${line}\n`) });
  if (env.ok) python = env.python;
  else {
    skipReason = `Python environment unavailable: ${env.reason}`;
    process.stderr.write(`skipping the shim tests: ${skipReason}\n`);
  }
}, 900_000);

afterAll(() => {
  server?.child.kill('SIGKILL');
});

describe('Python shims against the live server', () => {
  it('give the numbers of scoreResponse on every golden img_score case (EasyR1, verl sync/batch/async, TRL)', async (ctx) => {
    if (!python) return ctx.skip(skipReason);
    server = await startServe(['--port', '0']);
    const run = spawnSync(python, [driver, requestFile('all', { shims: shimDir, mode: 'all', cases })], {
      encoding: 'utf8',
      env: { ...process.env, SSRL_REWARD_URL: server.url, SSRL_REWARD_BATCH: '100' },
      maxBuffer: 64 << 20,
      timeout: 600_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    const expected = cases.map((c) => scoreResponse(c.response, c.ground_truth, { formatWeight: c.format_weight }));
    const verl = expected.map((s) => ({ score: s.overall, format: s.format, accuracy: s.accuracy }));
    expect(result.easyr1).toEqual(expected);
    expect(result.easyr1_meta).toEqual(['batch', 'spatial_ssrl', true]);
    expect(result.verl).toEqual(verl);
    expect(result.verl_batch).toEqual(verl);
    expect(result.verl_async).toEqual(verl);
    expect(result.trl).toEqual(expected.map((s) => s.overall));
    expect(Object.keys(result.trl_metrics).sort()).toEqual(['spatial_ssrl/accuracy', 'spatial_ssrl/format']);
    server.child.kill('SIGKILL');
  }, 600_000);

  it('pass the partial-credit switch and each row\'s task to the server, and stay exact match without it', async (ctx) => {
    if (!python) return ctx.skip(skipReason);
    const registry = defaultRegistry();
    const partialCases = [
      { response: '<think>a</think>\\boxed{0-2-1-3}', ground_truth: '0-2-3-1', task: 'shuffle' },
      { response: '<think>b</think>\\boxed{2-0}', ground_truth: '2-1', task: 'flip' },
      { response: '<think>c</think>\\boxed{0-4-7-1-8-2-6-3-5}', ground_truth: '4-0-7-1-8-2-6-3-5', task: 'jigsaw' },
      { response: '\\boxed{3-2-1}', ground_truth: '3-1-2', task: 'depth' },
      { response: '<think>e</think>\\boxed{B}', ground_truth: 'A', task: 'crop' },
      { response: '<think>f</think>\\boxed{0-0-0-0}', ground_truth: '0-2-3-1', task: 'shuffle' },
    ].map((c) => ({ ...c, format_weight: 0.1 }));
    server = await startServe(['--port', '0']);
    const run = spawnSync(python, [driver, requestFile('partial', { shims: shimDir, mode: 'partial', cases: partialCases })], {
      encoding: 'utf8',
      env: { ...process.env, SSRL_REWARD_URL: server.url },
      timeout: 300_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    const partial = partialCases.map((c) => scoreResponseWith(c.response, c.ground_truth, { partialCredit: registry.get(c.task).partialCredit }));
    const exact = partialCases.map((c) => scoreResponse(c.response, c.ground_truth));
    expect(partial.map((s) => s.accuracy)).toEqual([0.5, 0.5, (0.2 * 7) / 9, 1 / 3, 0, 0]);
    const verl = (scores: typeof partial) => scores.map((s) => ({ score: s.overall, format: s.format, accuracy: s.accuracy }));
    expect(result.easyr1).toEqual(partial);
    expect(result.easyr1_default).toEqual(exact);
    expect(result.easyr1_task_kwarg).toEqual(partial.slice(0, 1));
    expect(result.verl).toEqual(verl(partial));
    expect(result.verl_default).toEqual(verl(exact));
    expect(result.verl_batch).toEqual(verl(partial));
    expect(result.verl_async).toEqual(verl(partial));
    expect(result.trl).toEqual(partial.map((s) => s.overall));
    expect(result.trl_default).toEqual(exact.map((s) => s.overall));
    server.child.kill('SIGKILL');
  }, 600_000);

  it('retry while the server is killed and restarted mid-run, then succeed', async (ctx) => {
    if (!python) return ctx.skip(skipReason);
    const few = cases.slice(0, 40);
    server = await startServe(['--port', '0']);
    const port = server.port;
    const child = spawn(python, [driver, requestFile('twice', { shims: shimDir, mode: 'easyr1-twice', cases: few })], {
      env: { ...process.env, SSRL_REWARD_URL: server.url, SSRL_REWARD_RETRIES: '40', SSRL_REWARD_BACKOFF: '0.2' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const lines: string[] = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      lines.push(...chunk.split('\n').filter(Boolean));
    });
    const retried = new Promise<void>((resolve) =>
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        err += chunk;
        if (/retry \d+ of 40/.test(err)) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await waitFor(() => lines.length >= 1, () => err);
    server.child.kill('SIGKILL');
    await server.exited;
    child.stdin.write('go\n');
    await retried;
    server = await startServe(['--port', String(port)]);
    expect(await exited, err).toBe(0);
    const expected = few.map((c) => scoreResponse(c.response, c.ground_truth));
    const [first, second] = out.trim().split('\n').map((line) => JSON.parse(line));
    expect(first.first).toEqual(expected);
    expect(second.second).toEqual(expected);
    expect(err).toMatch(/ConnectionRefusedError|Connection refused/);
    server.child.kill('SIGKILL');
  });

  it('raise a clear error, and return no score, when the server is down', async (ctx) => {
    if (!python) return ctx.skip(skipReason);
    server = await startServe(['--port', '0']);
    const url = server.url;
    server.child.kill('SIGKILL');
    await server.exited;
    const run = spawnSync(python, [driver, requestFile('down', { shims: shimDir, mode: 'easyr1-once', cases: cases.slice(0, 3) })], {
      encoding: 'utf8',
      env: { ...process.env, SSRL_REWARD_URL: url, SSRL_REWARD_RETRIES: '2', SSRL_REWARD_BACKOFF: '0.05' },
      timeout: 120_000,
    });
    expect(run.status).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('RewardServerError: could not reach the reward server at');
    expect(run.stderr).toContain('after 3 attempts');
    expect(run.stderr.match(/retry \d of 2/g)).toEqual(['retry 1 of 2', 'retry 2 of 2']);
  });
});

async function waitFor(done: () => boolean, context: () => string): Promise<void> {
  for (let i = 0; i < 6000 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!done()) throw new Error(`timed out waiting; stderr: ${context()}`);
}
