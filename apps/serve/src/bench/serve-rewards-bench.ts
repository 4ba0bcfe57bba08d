import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { debianPrograms, pythonEnv, workspaceRoot } from '@spatial-ssrl/dev-env';
import { createProgress, writeFileAtomic } from '@spatial-ssrl/spec/node';
import autocannon from 'autocannon';
import { cpuSeconds, freePort, rssKiB, waitUp } from './bench-process.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const appDir = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');
const outArg = process.argv.indexOf('--out');
const outFile = outArg > 0 ? process.argv[outArg + 1] : undefined;

const LEVELS = [1, 16, 64];
/** Seconds of each timed run, of the warm-up before a level's runs, and of each soak chunk. */
const RUN_SECONDS = quick ? 1 : 5;
const WARMUP_SECONDS = quick ? 1 : 3;
const REPEATS = 3;
const SOAK = quick ? 10_000 : 100_000;
/** CPU the servers run on and CPU the load generator (and this process) runs on, when pinning is possible. */
const SERVER_CPU = 0;
const LOAD_CPU = 1;

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
  /** Latency percentiles, ms. */
  p50: number;
  p99: number;
  errors: number;
}

/** One load run as a load generator reports it. */
interface LoadRun {
  readonly requests: number;
  readonly seconds: number;
  /** Latency percentiles, ms. */
  readonly p50: number;
  readonly p99: number;
  /** Connect, read and write errors, timeouts and answers with a status of 400 or more. */
  readonly errors: number;
}

/** Something that loads a server with the bodies at a number of connections for a time. */
interface LoadGenerator {
  /** Name and version, for the report. */
  readonly title: string;
  run(url: string, connections: number, seconds: number): Promise<LoadRun>;
}

/** The `taskset` prefix that pins a command to `cpu`, or none when pinning is off. */
let pinning: ((cpu: number) => string[]) | undefined;

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

/** Starts a server on the servers' CPU (`taskset` execs the command, so the child's pid is the server's). */
function spawnPinned(command: string, args: readonly string[]): ChildProcess {
  const prefix = pinning?.(SERVER_CPU) ?? [];
  const [program, ...rest] = [...prefix, command, ...args];
  return spawn(program, rest, { stdio: ['ignore', 'ignore', 'inherit'] });
}

async function startOurs(): Promise<Server> {
  const port = await freePort();
  const child = spawnPinned(process.execPath, [join(appDir, 'dist/cli.js'), '--port', String(port)]);
  const url = `http://127.0.0.1:${port}`;
  await waitUp(url, child, 'ssrl-serve');
  return { name: 'ssrl-serve (node:http)', url, child };
}

async function startFastApi(python: string, name: string): Promise<Server> {
  const port = await freePort();
  const golden = join(dirname(require.resolve('@spatial-ssrl/rewards/package.json')), 'scripts/img-score-golden.py');
  const script = join(appDir, 'src/bench/fastapi_reward_server.py');
  const child = spawnPinned(python, [script, golden, '127.0.0.1', String(port)]);
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

/**
 * Debian's `wrk` (one thread, C, epoll) with `wrk-cycle.lua` cycling the bodies: far less CPU per
 * request than the servers measured, so at 16 connections they, not the load generator, set the pace.
 */
function wrkGenerator(bodiesFile: string, version: string): LoadGenerator {
  const script = join(appDir, 'src/bench/wrk-cycle.lua');
  return {
    title: `wrk ${version} (1 thread, bodies cycled by src/bench/wrk-cycle.lua)`,
    async run(url, connections, seconds) {
      const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '30s', '-s', script, url, '--', bodiesFile];
      const [program, ...rest] = [...(pinning?.(LOAD_CPU) ?? []), 'wrk', ...args];
      const { stdout } = await run(program, rest, { maxBuffer: 1 << 20 });
      const line = stdout.split('\n').find((l) => l.startsWith('{"requests"'));
      if (!line) throw new Error(`wrk printed no summary line:\n${stdout}`);
      const r = JSON.parse(line) as Record<string, number>;
      return {
        requests: r.requests,
        seconds: r.duration_us / 1e6,
        p50: r.p50_us / 1000,
        p99: r.p99_us / 1000,
        errors: r.connect_errors + r.read_errors + r.write_errors + r.non2xx + r.timeouts,
      };
    },
  };
}

/** autocannon in this process: the fallback when `wrk` cannot be installed; it needs about a core of its own. */
function autocannonGenerator(bodies: readonly string[]): LoadGenerator {
  const requests = bodies.map((body) => ({ method: 'POST', path: '/get_reward', body, headers: { 'Content-Type': 'application/json' } }));
  return {
    title: `autocannon ${require('autocannon/package.json').version} (in this process)`,
    async run(url, connections, seconds) {
      const result = await autocannon({ url, connections, duration: seconds, timeout: 30, requests });
      return {
        requests: result.requests.total,
        seconds: (new Date(result.finish).getTime() - new Date(result.start).getTime()) / 1000,
        p50: result.latency.p50,
        p99: result.latency.p99,
        errors: result.errors + result.timeouts + result.non2xx,
      };
    },
  };
}

async function load(generator: LoadGenerator, server: Server, connections: number, seconds: number) {
  const cpuBefore = cpuSeconds(server.child.pid!);
  const result = await generator.run(server.url, connections, seconds);
  const cpu = cpuSeconds(server.child.pid!) - cpuBefore;
  return {
    requests: result.requests,
    rps: result.requests / result.seconds,
    cpuUs: (cpu / result.requests) * 1e6,
    busy: cpu / result.seconds,
    p50: result.p50,
    p99: result.p99,
    errors: result.errors,
  };
}

/** Runs `seconds`-long loads at `connections` until at least `count` requests were answered. */
async function loadFor(generator: LoadGenerator, server: Server, count: number, onRun?: (done: number) => void) {
  let requests = 0;
  let errors = 0;
  let seconds = 0;
  while (requests < count) {
    const r = await load(generator, server, 16, RUN_SECONDS);
    requests += r.requests;
    errors += r.errors;
    seconds += r.requests / r.rps;
    onRun?.(requests);
  }
  return { requests, errors, rps: requests / seconds };
}

async function soak(generator: LoadGenerator, server: Server) {
  const pid = server.child.pid!;
  const progress = createProgress({ label: `soak ${server.name}`, total: SOAK * 1.5, unit: 'requests', stream: process.stderr });
  // V8 grows its young generation over the first tens of thousands of requests; measure from there.
  await loadFor(generator, server, SOAK / 2, (done) => progress.update(Math.min(done, SOAK / 2)));
  const before = rssKiB(pid);
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, rssKiB(pid))), 250);
  const result = await loadFor(generator, server, SOAK, (done) => progress.update(SOAK / 2 + Math.min(done, SOAK)));
  clearInterval(timer);
  progress.finish();
  const after = rssKiB(pid);
  return { before, after, peak: Math.max(peak, after), ...result };
}

/** `taskset` pins when it runs and the machine has two CPUs or more; else the reason it does not. */
function taskset(): { ok: true } | { ok: false; reason: string } {
  if (cpus().length < 2) return { ok: false, reason: `the machine has ${cpus().length} CPU` };
  const probe = spawnSync('taskset', ['-c', String(LOAD_CPU), 'true']);
  if (probe.error || probe.status !== 0) return { ok: false, reason: `taskset failed: ${probe.error?.message ?? probe.stderr.toString().trim()}` };
  return { ok: true };
}

/** wrk's version line, e.g. `4.1.0-3+b2`, or its first line. */
function wrkVersion(): string {
  const out = spawnSync('wrk', ['-v'], { encoding: 'utf8' });
  const text = `${out.stdout ?? ''}${out.stderr ?? ''}`;
  return /^wrk\s+(\S+)/m.exec(text)?.[1] ?? text.split('\n')[0].trim();
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

  const bodies = requestBodies(200);
  const work = mkdtempSync(join(tmpdir(), 'ssrl-serve-bench-'));
  const bodiesFile = join(work, 'bodies.jsonl');
  writeFileSync(bodiesFile, `${bodies.join('\n')}\n`);

  const pin = taskset();
  if (pin.ok) {
    pinning = (cpuIndex) => ['taskset', '-c', String(cpuIndex)];
    // This process waits while wrk runs, and runs autocannon in the fallback: it belongs with the load.
    spawnSync('taskset', ['-a', '-pc', String(LOAD_CPU), String(process.pid)], { stdio: 'ignore' });
  }
  const wrk = await debianPrograms([{ program: 'wrk', pkg: 'wrk' }], { log });
  const generator = wrk.ok ? wrkGenerator(bodiesFile, wrkVersion()) : autocannonGenerator(bodies);
  say(`- node ${process.version}; load generator: ${generator.title}, loopback only`);
  if (!wrk.ok) say(`- wrk not used (${wrk.reason}): autocannon runs in this Node process and takes CPU the servers would otherwise get`);
  say(
    pin.ok
      ? `- pinned with taskset: each server on CPU ${SERVER_CPU}, the load generator and this process on CPU ${LOAD_CPU} (other jobs on the machine are not pinned away)`
      : `- not pinned (${pin.reason}): servers and load generator share the CPUs`,
  );
  const sizes = bodies.map((b) => b.length).sort((a, b) => a - b);
  say(`- requests: ${bodies.length} distinct OpenRLHF bodies (one query each, Qwen2.5-VL prompt, 64-256 image tokens per image), ${sizes[0]}-${sizes[sizes.length - 1]} bytes, cycled`);
  say(
    `- each level: ${WARMUP_SECONDS} s of warm-up, then ${REPEATS} timed runs of ${RUN_SECONDS} s, the median run by requests/s shown (errors summed over the runs); ` +
      `RSS: ${SOAK} requests at 16 connections after ${SOAK / 2} more of warm-up`,
  );

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
    const perLevel = WARMUP_SECONDS + REPEATS * RUN_SECONDS;
    const progress = createProgress({ label: 'levels', total: servers.length * LEVELS.length * perLevel, unit: 'load-seconds', stream: process.stderr });
    let done = 0;
    for (const server of servers) {
      for (const connections of LEVELS) {
        await load(generator, server, connections, WARMUP_SECONDS);
        progress.update((done += WARMUP_SECONDS));
        const runs = [];
        for (let i = 0; i < REPEATS; i++) {
          runs.push(await load(generator, server, connections, RUN_SECONDS));
          progress.update((done += RUN_SECONDS), `${server.name} c=${connections}`);
        }
        runs.sort((a, b) => a.rps - b.rps);
        const r = { ...runs[Math.floor(REPEATS / 2)], errors: runs.reduce((sum, x) => sum + x.errors, 0) };
        rows.push({ server: server.name, connections, ...r });
        log(`${server.name} c=${connections}: ${r.rps.toFixed(0)} req/s, p50 ${ms(r.p50)} ms, p99 ${ms(r.p99)} ms, ${r.cpuUs.toFixed(0)} µs CPU/request, busy ${(r.busy * 100).toFixed(0)} %, errors ${r.errors}`);
      }
    }
    progress.finish();
    say('| server | connections | requests/s | p50 ms | p99 ms | server CPU µs/request | server CPU busy | errors |');
    say('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) {
      say(`| ${r.server} | ${r.connections} | ${r.rps.toFixed(0)} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.cpuUs.toFixed(0)} | ${(r.busy * 100).toFixed(0)} % | ${r.errors} |`);
    }
    say();
    const at16 = (name: string) => rows.find((r) => r.server === name && r.connections === 16)!;
    const ours = at16(servers[0].name);
    for (const other of servers.slice(1)) {
      const them = at16(other.name);
      say(
        `- at 16 connections ssrl-serve answers ${(ours.rps / them.rps).toFixed(2)}× the requests/s of ${other.name}, ` +
          `and needs ${(them.cpuUs / ours.cpuUs).toFixed(2)}× less CPU per request (requests per CPU-second: ${(1e6 / ours.cpuUs).toFixed(0)} vs ${(1e6 / them.cpuUs).toFixed(0)})`,
      );
    }
    say('- "server CPU busy" is the server process\'s CPU time over the run\'s wall time (100 % = one core); a server well under 100 % at 16 or 64 connections was waiting: for the load generator, or for a CPU other jobs held.');
    say(`- load average at the end of the levels: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    say();

    say('Target: ≥ 5× the requests/s of FastAPI + uvicorn[standard] at 16 connections, 0 errors, RSS within ±10 % over the soak.');
    say();
    say(`| server | RSS before | RSS after ${SOAK} requests | change | peak | requests | requests/s | errors |`);
    say('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const server of servers.slice(0, 2)) {
      const s = await soak(generator, server);
      const change = ((s.after - s.before) / s.before) * 100;
      say(
        `| ${server.name} | ${(s.before / 1024).toFixed(1)} MiB | ${(s.after / 1024).toFixed(1)} MiB | ${change >= 0 ? '+' : ''}${change.toFixed(1)} % | ` +
          `${(s.peak / 1024).toFixed(1)} MiB | ${s.requests} | ${s.rps.toFixed(0)} | ${s.errors} |`,
      );
    }
    say();
    say(`- load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    for (const s of servers) s.child.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
  }
  if (outFile) {
    await writeFileAtomic(outFile, `${lines.join('\n')}\n`);
    log(`wrote ${outFile}`);
  }
}

/** Milliseconds with two decimals under 10 ms, one under 100, none above. */
function ms(value: number): string {
  return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0);
}

await main();
