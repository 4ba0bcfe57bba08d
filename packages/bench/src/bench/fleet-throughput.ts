import { cpus } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { openAiPolicy } from '../openai-policy.js';
import type { PolicyRequest, SamplingParams } from '@spatial-ssrl/spec';
import { startOpenAiTestServer } from '../testing/openai-test-server.js';

// Eval-client throughput over a fleet of local OpenAI-compatible servers, each in its own worker
// thread: a fast one (LATENCY_MS, 200), a slow one (twice that) and a fast one that dies after 300
// answers.
// With least-outstanding-requests scheduling and C requests in flight per server, the ideal is
// the time at which the servers' summed capacity (C / latency each) has answered every item.
const ITEMS = Number(process.env['ITEMS'] ?? 3000);
const CONCURRENCY = Number(process.env['CONCURRENCY'] ?? 16);
const LATENCY_MS = Number(process.env['LATENCY_MS'] ?? 200);
const SERVERS = [
  { name: 'fast', latencyMs: LATENCY_MS },
  { name: 'slow', latencyMs: 2 * LATENCY_MS },
  { name: 'dies', latencyMs: LATENCY_MS, dieAfter: 300 },
] as const;

type Spec = { latencyMs: number; dieAfter?: number };

async function serve(): Promise<void> {
  const spec = workerData as Spec;
  let closing = false;
  let server: Awaited<ReturnType<typeof startOpenAiTestServer>> | undefined;
  server = await startOpenAiTestServer({
    latencyMs: spec.latencyMs,
    respond: (req) => {
      if (spec.dieAfter !== undefined && !closing && server && server.stats.answered >= spec.dieAfter) {
        closing = true;
        void server.close();
      }
      return `answer:${req.prompt}`;
    },
  });
  parentPort!.on('message', async (m: string) => {
    if (m === 'stats') parentPort!.postMessage({ answered: server!.stats.answered });
    else {
      if (!closing) await server!.close();
      parentPort!.close();
    }
  });
  parentPort!.postMessage({ baseUrl: server.baseUrl });
}

function ideal(): number {
  // Fluid approximation: the dying server answers `dieAfter` items at its rate, the others run throughout.
  const rate = (s: Spec) => (CONCURRENCY * 1000) / s.latencyMs;
  const all = SERVERS.reduce((a, s) => a + rate(s), 0);
  const dying = SERVERS.find((s) => 'dieAfter' in s)!;
  const tDeath = dying.dieAfter / rate(dying);
  const doneAtDeath = all * tDeath;
  const survivors = all - rate(dying);
  return tDeath + Math.max(0, ITEMS - doneAtDeath) / survivors;
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${process.platform}`);
  const workers = SERVERS.map((s) => new Worker(new URL(import.meta.url), { workerData: s }));
  const first = (w: Worker) => new Promise<{ baseUrl: string }>((resolve) => w.once('message', resolve));
  const urls = (await Promise.all(workers.map(first))).map((m) => m.baseUrl);
  const sampling: SamplingParams = { temperature: 0, topP: 1, maxTokens: 16, seed: 0, n: 1 };
  const requests: PolicyRequest[] = Array.from({ length: ITEMS }, (_, i) => ({ id: `q${i}`, prompt: `question ${i}`, images: [] }));
  const policy = openAiPolicy({ baseUrl: urls, model: 'bench', concurrency: CONCURRENCY, retryBaseMs: 10, retryMaxDelayMs: 200 });
  const t0 = performance.now();
  const out = await policy.generate(requests, sampling);
  const secs = (performance.now() - t0) / 1000;
  const answered = await Promise.all(
    workers.map((w) => new Promise<number>((resolve) => (w.once('message', (m: { answered: number }) => resolve(m.answered)), w.postMessage('stats')))),
  );
  const failed = out.filter((c) => c.error !== undefined).length;
  const best = ideal();
  console.log(
    `${ITEMS} items over ${SERVERS.map((s, i) => `${s.name} (${s.latencyMs} ms${'dieAfter' in s ? `, dies after ${s.dieAfter}` : ''}): ${answered[i]}`).join(', ')}; ` +
      `${CONCURRENCY} in flight per server`,
  );
  console.log(`${secs.toFixed(3)} s (${(ITEMS / secs).toFixed(1)} items/s), ${failed} failed; ideal ${best.toFixed(3)} s, ${((secs / best - 1) * 100).toFixed(1)} % over`);
  for (const w of workers) w.postMessage('close');
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('exit', resolve))));
}

if (isMainThread) await main();
else await serve();
