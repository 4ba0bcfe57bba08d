import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { openAiPolicy } from '../openai-policy.js';
import type { PolicyRequest, SamplingParams } from '@spatial-ssrl/spec';
import { startOpenAiTestServer } from '../testing/openai-test-server.js';

// Eval-client throughput against a local OpenAI-compatible server with fixed latency:
// 1,000 items, 50 ms per answer, 16 requests in flight → ideal ⌈1000 / 16⌉ · 50 ms = 3.15 s.
// The server runs in a worker thread so its work does not share the client's event loop.
const ITEMS = Number(process.env['ITEMS'] ?? 1000);
const LATENCY_MS = Number(process.env['LATENCY_MS'] ?? 50);
const CONCURRENCY = Number(process.env['CONCURRENCY'] ?? 16);
const RUNS = Number(process.env['RUNS'] ?? 3);

type ToServer = 'reset' | 'stats' | 'close';
type FromServer = { baseUrl: string } | { maxInFlight: number; requests: number };

async function serve(): Promise<void> {
  const server = await startOpenAiTestServer({ latencyMs: (workerData as { latencyMs: number }).latencyMs });
  parentPort!.on('message', async (m: ToServer) => {
    if (m === 'reset') {
      server.stats.maxInFlight = 0;
      server.stats.requests = 0;
      parentPort!.postMessage({ maxInFlight: 0, requests: 0 });
    } else if (m === 'stats') parentPort!.postMessage({ maxInFlight: server.stats.maxInFlight, requests: server.stats.requests });
    else {
      await server.close();
      parentPort!.close();
    }
  });
  parentPort!.postMessage({ baseUrl: server.baseUrl });
}

async function main(): Promise<void> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { latencyMs: LATENCY_MS } });
  const ask = (m: ToServer) => new Promise<FromServer>((resolve) => (worker.once('message', resolve), worker.postMessage(m)));
  const { baseUrl } = (await new Promise<FromServer>((resolve) => worker.once('message', resolve))) as { baseUrl: string };

  const sampling: SamplingParams = { temperature: 0, topP: 1, maxTokens: 16, seed: 0, n: 1 };
  const requests: PolicyRequest[] = Array.from({ length: ITEMS }, (_, i) => ({ id: `q${i}`, prompt: `question ${i}`, images: [] }));
  const ideal = (Math.ceil(ITEMS / CONCURRENCY) * LATENCY_MS) / 1000;
  const over = (s: number) => `${((s / ideal - 1) * 100).toFixed(1)} % over ideal`;
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    await ask('reset');
    const policy = openAiPolicy({ baseUrl, model: 'bench', concurrency: CONCURRENCY });
    const t0 = performance.now();
    const out = await policy.generate(requests, sampling);
    const secs = (performance.now() - t0) / 1000;
    times.push(secs);
    const stats = (await ask('stats')) as { maxInFlight: number; requests: number };
    const failed = out.filter((c) => c.error !== undefined).length;
    console.log(
      `run ${r + 1}: ${secs.toFixed(3)} s for ${ITEMS} items (${(ITEMS / secs).toFixed(1)} items/s), ` +
        `server saw ${stats.requests} requests, max ${stats.maxInFlight} in flight, ${failed} failed, ${over(secs)}`,
    );
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  console.log(`ideal ${ideal.toFixed(3)} s; best ${sorted[0]!.toFixed(3)} s (${over(sorted[0]!)}); median ${median.toFixed(3)} s (${over(median)}); target ≤ 15 %`);
  worker.postMessage('close');
  await new Promise((resolve) => worker.once('exit', resolve));
}

if (isMainThread) await main();
else await serve();
