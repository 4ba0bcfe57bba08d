import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rewardShims } from '@spatial-ssrl/rewards';
import { describe, expect, it } from 'vitest';
import { CLI, connectOutcome, startServe } from './testing/serve-process.js';

function cli(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
}

describe('ssrl-serve', () => {
  it('prints help, and rejects bad flags naming them (exit 2)', () => {
    const help = cli(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--grader NAME');
    expect(help.stdout).toContain('ssrl-serve shims --out DIR');
    const badGrader = cli(['--grader', 'fuzzy']);
    expect(badGrader.status).toBe(2);
    expect(badGrader.stderr).toMatch(/^ssrl-serve serve: --grader: must be one of exact, sequence, pairwise, option-letter/);
    expect(cli(['serve', '--port', '70000']).stderr).toMatch(/--port: must be in \[0, 65535\]/);
    expect(cli(['--format-weight', 'heavy']).stderr).toMatch(/--format-weight: must be a number/);
    expect(cli(['--colour']).stderr).toMatch(/unknown option --colour/);
  });

  it('says which port is taken', async () => {
    const first = await startServe(['--port', '0']);
    try {
      const second = cli(['--port', String(first.port)]);
      expect(second.status).toBe(1);
      expect(second.stderr).toMatch(/EADDRINUSE.*another server holds the port; pick one with --port/);
    } finally {
      first.child.kill('SIGKILL');
    }
  });

  it('shims --out writes the four shims, identical to the package files', () => {
    const out = mkdtempSync(join(tmpdir(), 'ssrl-shims-out-'));
    const run = cli(['shims', '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['easyr1_reward.py', 'trl_reward.py', 'verl_reward.py', 'verl_reward_async.py']);
    for (const shim of rewardShims()) expect(readFileSync(join(out, shim.fileName), 'utf8')).toBe(shim.text);
    expect(cli(['shims']).stderr).toMatch(/--out: is required/);
  });

  it('the build puts the same shims in apps/serve/python/', () => {
    const dir = fileURLToPath(new URL('../python/', import.meta.url));
    for (const shim of rewardShims()) expect(readFileSync(join(dir, shim.fileName), 'utf8')).toBe(shim.text);
  });

  it('on SIGTERM refuses new connections, finishes the in-flight request and exits 0', async () => {
    const server = await startServe(['--port', '0']);
    const body = JSON.stringify({ query: ['<|im_start|>assistant\n<think>x</think>\\boxed{A}<|im_end|>'], labels: ['A'] });
    let resolveReply!: (value: { status: number; text: string }) => void;
    const reply = new Promise<{ status: number; text: string }>((resolve) => (resolveReply = resolve));
    const req = request(`${server.url}/get_reward`, { method: 'POST', headers: { 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolveReply({ status: res.statusCode!, text }));
    });
    let sent = '';
    req.flushHeaders();
    req.write(body.slice(0, 10), () => (sent = 'half'));
    while (sent !== 'half') await new Promise((r) => setTimeout(r, 5));
    // The server has the request once /health counts it in flight.
    await until(async () => (await health(server.url)).in_flight === 1);
    server.child.kill('SIGTERM');
    await until(() => Promise.resolve(server.stderr().includes('refusing new connections')));
    expect(server.stderr()).toContain('finishing 1 in-flight request(s)');
    expect(await connectOutcome(server.port)).toBe('ECONNREFUSED');
    req.end(body.slice(10));
    const done = await reply;
    expect(done.status).toBe(200);
    expect(JSON.parse(done.text)).toEqual({ rewards: [1], scores: [1], extra_logs: { format: [1], accuracy: [1] } });
    expect(await server.exited).toBe(0);
    expect(server.stderr()).toContain('ssrl-serve: stopped');
  });
});

async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition never held');
}

function health(url: string): Promise<{ in_flight: number }> {
  return fetch(`${url}/health`).then((r) => r.json() as Promise<{ in_flight: number }>);
}
