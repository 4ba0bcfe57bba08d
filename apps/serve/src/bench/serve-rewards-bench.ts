import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { pythonEnv, workspaceRoot } from '@spatial-ssrl/dev-env';
import { writeFileAtomic } from '@spatial-ssrl/spec/node';
import autocannon from 'autocannon';
import { cpuSeconds, freePort, rssKiB, waitUp } from './bench-process.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const appDir = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');
const outArg = process.argv.indexOf('--out');
const outFile = outArg > 0 ? process.argv[outArg + 1] : undefined;

const LEVELS = [1, 16, 64];
const AMOUNT = quick ? 2_000 : 10_000;
const REPEATS = 3;
const WARMUP = quick ? 500 : 3_000;
const SOAK = quick ? 10_000 : 100_000;

interface Server {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
}

interface Row {
  server: string;
  connections: number;
  rps: number;
  cpuUs: number;
  busy: number;
  p50: number;
  p99: number;
  errors: number;
}

const SYSTEM = '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n';
const TASKS = [
  ['Which of the two patches was flipped? Answer with its number.', '2'],
  ['Sort the marked regions from nearest to farthest.', '3-1-2'],
  ['Put the shuffled patches back in order.', '0-2-3-1'],
  ['Which option fills the missing patch? (A) (B) (C) (D)', 'C'],
  ['Where is object 2 relative to object 1?', 'Left-Front'],
] as const;

/** The OpenRLHF bodies both servers answer: one query each (what OpenRLHF sends), Qwen2.5-VL prompts, 1-2 images of 64-256 tokens. */
function requestBodies(count: number): string[] {
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) {
    const [question, answer] = TASKS[i % TASKS.length];
    const images = 1 + (i % 2);
    const vision = '<|vision_start|><|image_pad|><|vision_end|>'.repeat(images);
    const prompt = `${SYSTEM}<|im_start|>user\n${vision}${question} Think first, then give the answer in \\boxed{}.<|im_end|>\n<|im_start|>assistant\n`;
    const decoded = prompt.replaceAll('<|image_pad|>', '<|image_pad|>'.repeat(64 << i % 3));
    const reasoning = `Looking at the patches, the edges of region ${i % 7} line up with the background. `.repeat(1 + (i % 6));
    const replies = [
      `<think>\n${reasoning}\n</think>\n\nThe answer is \\boxed{${answer}}`,
      `<think>${reasoning}</think> \\boxed{${answer === '2' ? '1' : 'A'}}`,
      `The answer is \\boxed{${answer}}`,
      reasoning,
    ];
    const query = `${decoded}${replies[i % replies.length]}<|im_end|>${'<|endoftext|>'.repeat(i % 3)}`;
    bodies.push(JSON.stringify({ query: [query], prompts: [prompt], labels: [answer] }));
  }
  return bodies;
}

async function startOurs(): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(appDir, 'dist/cli.js'), '--port', String(port)], { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  await waitUp(url, child, 'ssrl-serve');
  return { name: 'ssrl-serve (node:http)', url, child };
}

async function startFastApi(python: string, name: string): Promise<Server> {
  const port = await freePort();
  const golden = join(dirname(require.resolve('@spatial-ssrl/rewards/package.json')), 'scripts/img-score-golden.py');
  const script = join(appDir, 'src/bench/fastapi_reward_server.py');
  const child = spawn(python, [script, golden, '127.0.0.1', String(port)], { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  await waitUp(url, child, name);
  return { name, url, child };
}

/** A virtual environment of the benchmark's own with FastAPI and uvicorn[standard] (uvloop, httptools). */
async function standardUvicorn(log: (line: string) => void): Promise<string | string[]> {
  const cache = process.env.SSRL_PYTHON_CACHE ?? join(workspaceRoot, 'node_modules', '.cache', 'ssrl-python');
  const dir = join(cache, 'bench-fastapi-uvicorn-standard');
  const python = join(dir, 'bin', 'python');
  if (existsSync(join(dir, '.complete'))) return python;
  try {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(cache, { recursive: true });
    log(`creating ${dir} (fastapi, uvicorn[standard])`);
    await run('python3', ['-m', 'venv', dir], { timeout: 120_000 });
    await run(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--retries', '0', '--timeout', '20', '-q', 'fastapi', 'uvicorn[standard]'], {
      timeout: 900_000,
      maxBuffer: 64 << 20,
    });
    await run(python, ['-c', 'import fastapi, uvicorn, uvloop, httptools']);
    writeFileSync(join(dir, '.complete'), new Date().toISOString());
    return python;
  } catch (error) {
    return [`could not install fastapi and uvicorn[standard]: ${String((error as { stderr?: string }).stderr ?? error).trim().split('\n').pop()}`];
  }
}

async function pythonVersions(python: string): Promise<string> {
  const { stdout } = await run(python, [
    '-c',
    'import sys, fastapi, uvicorn, pydantic, importlib.util as u; ' +
      'print("python %s, fastapi %s, uvicorn %s (http %s, loop %s), pydantic %s" % (sys.version.split()[0], fastapi.__version__, uvicorn.__version__, ' +
      '"httptools" if u.find_spec("httptools") else "h11", "uvloop" if u.find_spec("uvloop") else "asyncio", pydantic.__version__))',
  ]);
  return stdout.trim();
}

async function sameAnswers(servers: readonly Server[], bodies: readonly string[]): Promise<string> {
  for (const body of bodies) {
    const replies = await Promise.all(
      servers.map((s) => fetch(`${s.url}/get_reward`, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } }).then((r) => r.json())),
    );
    const texts = replies.map((r) => JSON.stringify(r));
    if (texts.some((t) => t !== texts[0])) throw new Error(`the servers disagree on ${body.slice(-200)}: ${texts.join(' vs ')}`);
  }
  return `identical replies from ${servers.length} servers on ${bodies.length} distinct requests`;
}

async function load(server: Server, bodies: readonly string[], connections: number, amount: number) {
  const requests = bodies.map((body) => ({ method: 'POST', path: '/get_reward', body, headers: { 'Content-Type': 'application/json' } }));
  const cpuBefore = cpuSeconds(server.child.pid!);
  const result = await autocannon({ url: server.url, connections, amount, timeout: 30, requests });
  const cpu = cpuSeconds(server.child.pid!) - cpuBefore;
  const seconds = (new Date(result.finish).getTime() - new Date(result.start).getTime()) / 1000;
  return {
    rps: result.requests.total / seconds,
    cpuUs: (cpu / result.requests.total) * 1e6,
    busy: cpu / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

async function soak(server: Server, bodies: readonly string[]) {
  const pid = server.child.pid!;
  // V8 grows its young generation over the first tens of thousands of requests; measure from there.
  await load(server, bodies, 16, SOAK / 2);
  const before = rssKiB(pid);
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, rssKiB(pid))), 250);
  const result = await load(server, bodies, 16, SOAK);
  clearInterval(timer);
  const after = rssKiB(pid);
  return { before, after, peak: Math.max(peak, after), errors: result.errors, rps: result.rps };
}

async function main(): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const cpu = cpus();
  const lines: string[] = [];
  const say = (line = '') => {
    lines.push(line);
    console.log(line);
  };
  say(`# ssrl-serve reward throughput vs FastAPI + uvicorn (${quick ? 'quick' : 'full'} run)`);
  say();
  say(`- machine: ${cpu[0]?.model ?? 'unknown cpu'} × ${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at start`);
  say(`- node ${process.version}, autocannon ${require('autocannon/package.json').version} (load generator, in this process), loopback only`);

  const bodies = requestBodies(200);
  const sizes = bodies.map((b) => b.length).sort((a, b) => a - b);
  say(`- requests: ${bodies.length} distinct OpenRLHF bodies (one query each, Qwen2.5-VL prompt, 64-256 image tokens per image), ${sizes[0]}-${sizes[sizes.length - 1]} bytes, cycled`);
  say(`- each level: ${WARMUP} warm-up requests, then ${REPEATS} timed runs of ${AMOUNT}, the median run by requests/s shown; RSS: ${SOAK} requests at 16 connections after ${SOAK / 2} more of warm-up`);

  const servers: Server[] = [];
  const skipped: string[] = [];
  try {
    servers.push(await startOurs());
    const standard = await standardUvicorn(log);
    if (typeof standard === 'string') {
      say(`- FastAPI (own env): ${await pythonVersions(standard)}`);
      servers.push(await startFastApi(standard, 'FastAPI + uvicorn[standard]'));
    } else skipped.push(standard[0]);
    const shared = await pythonEnv({ log });
    if (shared.ok) {
      say(`- FastAPI (shared test env): ${await pythonVersions(shared.python)}`);
      servers.push(await startFastApi(shared.python, 'FastAPI + uvicorn (pure Python)'));
    } else skipped.push(`shared Python env: ${shared.reason}`);
    for (const reason of skipped) say(`- skipped: ${reason}`);
    say(`- check: ${await sameAnswers(servers, bodies)}`);
    say();

    const rows: Row[] = [];
    for (const server of servers) {
      for (const connections of LEVELS) {
        await load(server, bodies, connections, WARMUP);
        const runs = [];
        for (let i = 0; i < REPEATS; i++) runs.push(await load(server, bodies, connections, AMOUNT));
        runs.sort((a, b) => a.rps - b.rps);
        const r = { ...runs[Math.floor(REPEATS / 2)], errors: runs.reduce((sum, x) => sum + x.errors, 0) };
        rows.push({ server: server.name, connections, ...r });
        log(`${server.name} c=${connections}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.cpuUs.toFixed(0)} µs CPU/request, errors ${r.errors}`);
      }
    }
    say('| server | connections | requests/s | p50 ms | p99 ms | server CPU µs/request | server CPU busy | errors |');
    say('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) {
      say(`| ${r.server} | ${r.connections} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.cpuUs.toFixed(0)} | ${(r.busy * 100).toFixed(0)} % | ${r.errors} |`);
    }
    say();
    const at16 = (name: string) => rows.find((r) => r.server === name && r.connections === 16)!;
    const ours = at16(servers[0].name);
    for (const other of servers.slice(1)) {
      const them = at16(other.name);
      say(
        `- at 16 connections ssrl-serve answers ${(ours.rps / them.rps).toFixed(1)}× the requests/s of ${other.name}, ` +
          `and needs ${(them.cpuUs / ours.cpuUs).toFixed(1)}× less CPU per request (requests per CPU-second: ${(1e6 / ours.cpuUs).toFixed(0)} vs ${(1e6 / them.cpuUs).toFixed(0)})`,
      );
    }
    say('- "server CPU busy" is the server process\'s CPU time over the run\'s wall time (100 % = one core); a server well under 100 % was waiting for the load generator, which shares the machine\'s cores.');
    say();

    say('Target: ≥ 5× the requests/s of FastAPI + uvicorn[standard] at 16 connections, 0 errors, RSS within ±10 % over the soak.');
    say();
    say(`| server | RSS before | RSS after ${SOAK} requests | change | peak | requests/s | errors |`);
    say('|---|---:|---:|---:|---:|---:|---:|');
    for (const server of servers.slice(0, 2)) {
      const s = await soak(server, bodies);
      const change = ((s.after - s.before) / s.before) * 100;
      say(`| ${server.name} | ${(s.before / 1024).toFixed(1)} MiB | ${(s.after / 1024).toFixed(1)} MiB | ${change >= 0 ? '+' : ''}${change.toFixed(1)} % | ${(s.peak / 1024).toFixed(1)} MiB | ${s.rps.toFixed(0)} | ${s.errors} |`);
    }
  } finally {
    for (const s of servers) s.child.kill('SIGTERM');
  }
  if (outFile) {
    await writeFileAtomic(outFile, `${lines.join('\n')}\n`);
    log(`wrote ${outFile}`);
  }
}

await main();
