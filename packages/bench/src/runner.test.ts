import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type BenchItem, defineBenchmark } from './benchmark.js';
import { PredictionCache } from './cache.js';
import { openAiPolicy } from './openai-policy.js';
import type { Policy, SamplingParams } from '@spatial-ssrl/spec';
import { type RunProgress, runBenchmark } from './runner.js';
import { percentMean } from './scorers/aggregate.js';
import { startOpenAiTestServer, type OpenAiTestServer } from './testing/openai-test-server.js';

// A toy benchmark: the right answer to "question i" is "answer:question i#<seed>".
const echoBench = defineBenchmark({
  name: 'echo',
  title: 'Echo',
  load: async () => [],
  judge: (item, text) => ({ extracted: text ?? '', score: text !== null && text.startsWith(item.gold) ? 1 : 0 }),
  score: (items, texts) => {
    const hits = items.map((x, i) => (texts[i] !== null && texts[i]!.startsWith(x.gold) ? 1 : 0));
    return { benchmark: 'echo', headline: percentMean(hits), rule: 'prefix', categories: {}, n: items.length, errors: texts.filter((t) => t === null).length, variants: {} };
  },
});
const items = (n: number): BenchItem[] =>
  Array.from({ length: n }, (_, i) => ({ id: `i${i}`, prompt: `question ${i}`, images: async () => [], gold: `answer:question ${i}`, category: i % 2 ? 'odd' : 'even', meta: {} }));
const sampling: SamplingParams = { temperature: 0, topP: 1, maxTokens: 8, seed: 3, n: 1 };

const servers: OpenAiTestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function start(opts: Parameters<typeof startOpenAiTestServer>[0] = {}): Promise<OpenAiTestServer> {
  const s = await startOpenAiTestServer(opts);
  servers.push(s);
  return s;
}
const cachePath = async () => join(await mkdtemp(join(tmpdir(), 'bench-run-')), 'cache.jsonl');

describe('runBenchmark', () => {
  it('scores every item and reports progress', async () => {
    const srv = await start();
    const progress: RunProgress[] = [];
    const res = await runBenchmark({
      policy: openAiPolicy({ baseUrl: srv.baseUrl, model: 'm' }),
      benchmark: echoBench,
      items: items(20),
      sampling,
      onProgress: (p) => progress.push(p),
    });
    expect(res.score.headline).toBe(100);
    expect(res.predictions.map((p) => p.id)).toEqual(items(20).map((x) => x.id));
    expect(res.predictions[0]).toMatchObject({ category: 'even', score: 1, cached: false, extracted: 'answer:question 0#3' });
    expect(progress.at(-1)).toMatchObject({ done: 20, total: 20, scoreSum: 20, errors: 0 });
  });

  it('resumes an aborted run: only the missing items are asked again', async () => {
    const srv = await start({ latencyMs: 15 });
    const path = await cachePath();
    const all = items(60);
    const policy = openAiPolicy({ baseUrl: srv.baseUrl, model: 'm', concurrency: 4 });
    const ac = new AbortController();
    let cache = await PredictionCache.open(path);
    await expect(
      runBenchmark({
        policy,
        benchmark: echoBench,
        items: all,
        sampling,
        cache,
        signal: ac.signal,
        batchSize: 4,
        onProgress: (p) => {
          if (p.done === 30) ac.abort(new Error('interrupted'));
        },
      }),
    ).rejects.toThrow('interrupted');
    cache.close();
    const firstRun = new Map(srv.stats.byPrompt);
    cache = await PredictionCache.open(path);
    const finished = cache.size;
    expect(finished).toBeGreaterThanOrEqual(30);
    expect(finished).toBeLessThan(60);
    srv.stats.byPrompt.clear();
    const before = srv.stats.requests;
    const res = await runBenchmark({ policy, benchmark: echoBench, items: all, sampling, cache, batchSize: 4 });
    cache.close();
    expect(srv.stats.requests - before).toBe(60 - finished);
    expect(res.predictions.filter((p) => p.cached)).toHaveLength(finished);
    expect(res.score.headline).toBe(100);
    // Nothing answered in the first run was asked again.
    for (const prompt of srv.stats.byPrompt.keys()) {
      const id = `i${prompt.split(' ')[1]}`;
      expect(res.predictions.find((p) => p.id === id)!.cached).toBe(false);
    }
    expect(firstRun.size).toBeGreaterThanOrEqual(finished);
  });

  it('retries transient failures on a re-run but keeps final errors cached', async () => {
    let failing = true;
    const srv = await start({
      fault: (r) => (r.prompt === 'question 1' && failing ? { kind: 'status', status: 503 } : r.prompt === 'question 2' ? { kind: 'status', status: 400 } : undefined),
    });
    const path = await cachePath();
    const policy = openAiPolicy({ baseUrl: srv.baseUrl, model: 'm', maxRetries: 0 });
    let cache = await PredictionCache.open(path);
    const first = await runBenchmark({ policy, benchmark: echoBench, items: items(4), sampling, cache });
    cache.close();
    expect(first.predictions.map((p) => p.error?.slice(0, 10))).toEqual([undefined, 'transient:', 'final: HTT', undefined]);
    expect(first.score.headline).toBe(50);
    expect(first.score.errors).toBe(2);
    failing = false;
    const before = srv.stats.requests;
    cache = await PredictionCache.open(path);
    const second = await runBenchmark({ policy, benchmark: echoBench, items: items(4), sampling, cache });
    cache.close();
    expect(srv.stats.requests - before).toBe(1);
    expect(second.score.headline).toBe(75);
  });

  it('turns an image that cannot be loaded into a per-item error (not cached) without calling the policy for it', async () => {
    const srv = await start();
    const list = items(3);
    const broken: BenchItem = { ...list[1]!, images: async () => Promise.reject(new Error('image not found: x.jpg')) };
    const cache = await PredictionCache.open(await cachePath());
    const res = await runBenchmark({ policy: openAiPolicy({ baseUrl: srv.baseUrl, model: 'm' }), benchmark: echoBench, items: [list[0]!, broken, list[2]!], sampling, cache });
    expect(res.predictions[1]!.error).toMatch(/^transient: cannot load images: image not found/);
    expect(srv.stats.requests).toBe(2);
    expect(cache.size).toBe(2);
    cache.close();
  });

  it('averages the headline over samples when n > 1', async () => {
    const srv = await start({ respond: (req, k) => (k === 0 ? `answer:${req.prompt}#` : 'nope') });
    const res = await runBenchmark({ policy: openAiPolicy({ baseUrl: srv.baseUrl, model: 'm' }), benchmark: echoBench, items: items(4), sampling: { ...sampling, n: 4 } });
    expect(res.score.headline).toBe(100);
    expect(res.score.variants['meanOverSamples']!.headline).toBe(25);
  });

  it('fills in a failure when a policy forgets an item', async () => {
    const lazy: Policy = { specificationVersion: 'v1', id: 'lazy', generate: async (reqs) => reqs.slice(1).map((r) => ({ id: r.id, outputs: [{ text: `answer:${r.prompt}`, finishReason: 'stop' }] })) };
    const res = await runBenchmark({ policy: lazy, benchmark: echoBench, items: items(2), sampling, batchSize: 2 });
    expect(res.predictions[0]!.error).toMatch(/^transient: policy returned no completion/);
    expect(res.predictions[1]!.score).toBe(1);
  });

  it('refuses a policy written for another specification version before asking it anything', async () => {
    let asked = 0;
    const future = { specificationVersion: 'v2', id: 'future', generate: async () => (asked++, []) } as unknown as Policy;
    await expect(runBenchmark({ policy: future, benchmark: echoBench, items: items(2), sampling })).rejects.toMatchObject({
      name: 'PolicyContractError',
      code: 'policy-version',
    });
    expect(asked).toBe(0);
  });
});
