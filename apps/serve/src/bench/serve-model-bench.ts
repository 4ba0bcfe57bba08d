import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeImage } from '@spatial-ssrl/image';
import { ensureBackend, modelPresets, PolicyModel, saveCheckpoint } from '@spatial-ssrl/model';
import { syntheticSource } from '@spatial-ssrl/scenes';
import { createRng, withFormatInstruction } from '@spatial-ssrl/spec';
import { writeFileAtomic } from '@spatial-ssrl/spec/node';
import { builtinTasks, isRejection } from '@spatial-ssrl/tasks';
import autocannon from 'autocannon';
import { cpuSeconds, freePort, rssKiB, waitUp } from './bench-process.js';

const require = createRequire(import.meta.url);
const appDir = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');
const outArg = process.argv.indexOf('--out');
const outFile = outArg > 0 ? process.argv[outArg + 1] : undefined;

const levelsArg = process.argv.indexOf('--levels');
const LEVELS = levelsArg > 0 ? process.argv[levelsArg + 1].split(',').map(Number) : [1, 8, 16, 32];
const soakArg = process.argv.indexOf('--soak-seconds');
const SECONDS = quick ? 6 : 20;
const WARMUP_SECONDS = quick ? 2 : 5;
const SOAK_SECONDS = soakArg > 0 ? Number(process.argv[soakArg + 1]) : quick ? 40 : 300;
const MAX_TOKENS = 32;

interface Server {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
}

interface Row {
  readonly server: string;
  readonly connections: number;
  readonly rps: number;
  readonly tokensPerSec: number;
  readonly p50: number;
  readonly p99: number;
  readonly requests: number;
  readonly errors: number;
  /** Mean output rows of the sampler batches run during the load. */
  readonly rowsPerBatch: number;
  /** Server CPU time over wall time (1 = one core). */
  readonly busy: number;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** A checkpoint of the `small` preset (the CPU configuration) with seeded initial weights: the serving cost does not depend on what the weights learned. */
async function smallCheckpoint(dir: string): Promise<void> {
  await ensureBackend({ log: false });
  const model = PolicyModel.create(modelPresets.small, { seed: 1 });
  await saveCheckpoint(dir, model.config, model.readWeights(), { metadata: { purpose: 'serving benchmark' } });
  model.dispose();
}

/** Chat bodies from real task samples: the five tasks on 320×240 synthetic scenes, each asked with its own seed. */
async function requestBodies(count: number): Promise<string[]> {
  const items = await syntheticSource({ count: 16, seed: 7, width: 320, height: 240 }).list();
  const bodies: string[] = [];
  for (let i = 0; bodies.length < count && i < count * 4; i++) {
    const task = builtinTasks[i % builtinTasks.length];
    const scene = await items[i % items.length].load();
    const result = task.generate({ rgb: scene.rgb, depth: scene.depth, source: { dataset: 'bench', id: String(i) } }, task.params.parse({}), createRng(i));
    if (isRejection(result)) continue;
    const urls = await Promise.all(result.images.map(async (img) => `data:image/png;base64,${(await encodeImage(img.image)).toString('base64')}`));
    const prompt = withFormatInstruction(result.prompt);
    const content: unknown[] = [];
    let last = 0;
    let next = 0;
    for (const m of prompt.matchAll(/<image(\d*)>/g)) {
      if (m.index > last) content.push({ type: 'text', text: prompt.slice(last, m.index) });
      content.push({ type: 'image_url', image_url: { url: urls[m[1] ? Number(m[1]) - 1 : next++] } });
      last = m.index + m[0].length;
    }
    content.push({ type: 'text', text: prompt.slice(last) });
    bodies.push(JSON.stringify({ model: 'bench', messages: [{ role: 'user', content }], temperature: 1, top_p: 1, max_tokens: MAX_TOKENS, seed: i }));
  }
  return bodies;
}

async function start(name: string, checkpoint: string, extra: string[]): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(appDir, 'dist/cli.js'), '--checkpoint', checkpoint, '--served-model-name', 'bench', '--port', String(port), '--max-queue', '4096', ...extra], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUp(url, child, name);
  return { name, url, child };
}

async function schedulerLoad(server: Server): Promise<{ batches: number; rows: number }> {
  const health = (await (await fetch(`${server.url}/health`)).json()) as { model: { load: { batches: number; rows: number } } };
  return health.model.load;
}

async function load(server: Server, bodies: readonly string[], connections: number, seconds: number) {
  let tokens = 0;
  let bad = 0;
  const requests = bodies.map((body) => ({
    method: 'POST',
    path: '/v1/chat/completions',
    body,
    headers: { 'Content-Type': 'application/json' },
    onResponse: (status: number, text: string) => {
      if (status !== 200) return;
      try {
        tokens += (JSON.parse(text) as { usage: { completion_tokens: number } }).usage.completion_tokens;
      } catch {
        bad++;
      }
    },
  }));
  const before = await schedulerLoad(server);
  const cpuBefore = cpuSeconds(server.child.pid!);
  const result = await autocannon({ url: server.url, connections, duration: seconds, timeout: 120, requests });
  const elapsed = (new Date(result.finish).getTime() - new Date(result.start).getTime()) / 1000;
  const after = await schedulerLoad(server);
  return {
    rowsPerBatch: (after.rows - before.rows) / Math.max(1, after.batches - before.batches),
    busy: (cpuSeconds(server.child.pid!) - cpuBefore) / elapsed,
    rps: result.requests.total / elapsed,
    tokensPerSec: tokens / elapsed,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx + bad,
  };
}

/** Asks both servers the same seeded questions one by one and checks they answer alike. */
async function sameAnswers(servers: readonly Server[], bodies: readonly string[]): Promise<string> {
  for (const body of bodies) {
    const texts = await Promise.all(
      servers.map(async (s) => {
        const res = await fetch(`${s.url}/v1/chat/completions`, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
        const json = (await res.json()) as { choices: { message: { content: string } }[] };
        return JSON.stringify(json.choices.map((c) => c.message.content));
      }),
    );
    if (texts.some((t) => t !== texts[0])) throw new Error(`the servers disagree: ${texts.join(' vs ')}`);
  }
  return `identical answers from both servers on ${bodies.length} seeded requests`;
}

async function main(): Promise<void> {
  const lines: string[] = [];
  const say = (line = '') => {
    lines.push(line);
    console.log(line);
  };
  const cpu = cpus();
  const dir = await mkdtemp(join(tmpdir(), 'ssrl-serve-bench-'));
  const servers: Server[] = [];
  try {
    const checkpoint = join(dir, 'checkpoint');
    await smallCheckpoint(checkpoint);
    const bodies = await requestBodies(60);
    const tasks = bodies.map((b) => JSON.parse(b).messages[0].content.filter((p: { type: string }) => p.type === 'image_url').length);
    say(`# ssrl-serve model serving: dynamic batching vs one request at a time (${quick ? 'quick' : 'full'} run)`);
    say();
    say(`- machine: ${cpu[0]?.model ?? 'unknown cpu'} × ${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at start`);
    say(`- node ${process.version}, @tensorflow/tfjs ${createRequire(require.resolve('@spatial-ssrl/model/package.json'))('@tensorflow/tfjs/package.json').version} (wasm backend), autocannon ${require('autocannon/package.json').version} (load generator, in this process), loopback only`);
    say(`- model: the \`small\` preset (${JSON.stringify({ imageSize: modelPresets.small.imageSize, width: modelPresets.small.width, maxAnswerTokens: modelPresets.small.maxAnswerTokens })}), seeded weights`);
    say(`- requests: ${bodies.length} distinct chat requests from the five tasks on 320×240 synthetic scenes (${tasks.filter((n) => n === 1).length} with 1 image, ${tasks.filter((n) => n > 1).length} with 5), PNG data URLs, temperature 1, max_tokens ${MAX_TOKENS}, one seed each, cycled`);
    say(`- servers: \`--max-batch-rows 64 --batch-window-ms 5\` (batching) and \`--max-batch-rows 1\` (one request at a time), each in its own process`);
    say(`- each level: ${WARMUP_SECONDS} s warm-up, then ${SECONDS} s of load; RSS: ${SOAK_SECONDS} s at 16 connections on the batching server, sampled every 5 s`);
    servers.push(await start('batching', checkpoint, ['--max-batch-rows', '64', '--batch-window-ms', '5']));
    servers.push(await start('one at a time', checkpoint, ['--max-batch-rows', '1']));
    say(`- check: ${await sameAnswers(servers, bodies.slice(0, 10))}`);
    say();

    const rows: Row[] = [];
    for (const connections of LEVELS) {
      for (const server of servers) {
        await load(server, bodies, connections, WARMUP_SECONDS);
        const r = await load(server, bodies, connections, SECONDS);
        rows.push({ server: server.name, connections, ...r });
        log(`${server.name} c=${connections}: ${r.rps.toFixed(1)} req/s, ${r.tokensPerSec.toFixed(0)} tok/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.rowsPerBatch.toFixed(1)} rows/batch, busy ${(r.busy * 100).toFixed(0)} %, errors ${r.errors}`);
      }
    }
    say('| server | connections | requests/s | generated tokens/s | p50 ms | p99 ms | rows per batch | server CPU busy | requests | errors |');
    say('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) {
      say(`| ${r.server} | ${r.connections} | ${r.rps.toFixed(1)} | ${r.tokensPerSec.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.rowsPerBatch.toFixed(1)} | ${(r.busy * 100).toFixed(0)} % | ${r.requests} | ${r.errors} |`);
    }
    say();
    for (const c of LEVELS) {
      const a = rows.find((r) => r.server === 'batching' && r.connections === c)!;
      const b = rows.find((r) => r.server === 'one at a time' && r.connections === c)!;
      say(`- ${c} connection${c === 1 ? '' : 's'}: batching gives ${(a.tokensPerSec / b.tokensPerSec).toFixed(2)}× the generated tokens/s of one-at-a-time serving`);
    }
    say();
    say('Target: at 16 connections, batching ≥ 4× the generated tokens/s of one request at a time, 0 errors; RSS within ±10 % over the soak.');
    say();

    const pid = servers[0].child.pid!;
    const samples: number[] = [];
    const timer = setInterval(() => samples.push(rssKiB(pid)), 5000);
    const soak = await load(servers[0], bodies, 16, SOAK_SECONDS);
    clearInterval(timer);
    const settled = samples.slice(Math.floor(samples.length / 5));
    const first = settled[0];
    const last = settled[settled.length - 1];
    const change = ((last - first) / first) * 100;
    const max = Math.max(...settled);
    say(`| soak | seconds | requests | generated tokens/s | RSS after the first fifth | RSS at the end | change | peak | errors |`);
    say('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    say(
      `| batching, 16 connections | ${SOAK_SECONDS} | ${soak.requests} | ${soak.tokensPerSec.toFixed(0)} | ${(first / 1024).toFixed(1)} MiB | ${(last / 1024).toFixed(1)} MiB | ${change >= 0 ? '+' : ''}${change.toFixed(1)} % | ${(max / 1024).toFixed(1)} MiB | ${soak.errors} |`,
    );
    say(`- RSS samples (MiB, every 5 s): ${samples.map((s) => (s / 1024).toFixed(0)).join(' ')}`);
  } finally {
    for (const s of servers) s.child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
  if (outFile) {
    await writeFileAtomic(outFile, `${lines.join('\n')}\n`);
    log(`wrote ${outFile}`);
  }
}

await main();
