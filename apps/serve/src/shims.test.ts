import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pythonEnv } from '@spatial-ssrl/dev-env';
import { rewardShims, scoreResponse } from '@spatial-ssrl/rewards';
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
