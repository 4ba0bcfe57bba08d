import { createRgb, encodeImage } from '@spatial-ssrl/image';
import { afterEach, describe, expect, it } from 'vitest';
import { openAiPolicy } from './openai-policy.js';
import { type PolicyCompletion, type PolicyImage, type PolicyRequest, type SamplingParams, isFinalPolicyError } from '@spatial-ssrl/spec';
import { startOpenAiTestServer, type OpenAiTestServer } from './testing/openai-test-server.js';

const sampling: SamplingParams = { temperature: 0.7, topP: 0.9, maxTokens: 64, seed: 11, n: 1 };
const fast = { retryBaseMs: 1, retryMaxDelayMs: 20 };
const servers: OpenAiTestServer[] = [];
async function server(...args: Parameters<typeof startOpenAiTestServer>): Promise<OpenAiTestServer> {
  const s = await startOpenAiTestServer(...args);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const requests = (count: number): PolicyRequest[] => Array.from({ length: count }, (_, i) => ({ id: `q${i}`, prompt: `question ${i}`, images: [] }));

describe('openAiPolicy over HTTP', () => {
  it('sends explicit sampling settings and content parts split at the placeholders, images untouched', async () => {
    const srv = await server();
    const big: PolicyImage = { mime: 'image/png', data: new Uint8Array(await encodeImage(createRgb(1200, 900, [10, 20, 30]))) };
    const small: PolicyImage = { mime: 'image/jpeg', data: new Uint8Array(await encodeImage(createRgb(4, 4), { format: 'jpeg' })) };
    const policy = openAiPolicy({ baseUrl: srv.baseUrl, model: 'qwen', apiKey: 'k' });
    const [c] = await policy.generate([{ id: 'a', prompt: 'Look <image> and <image>, then answer.', images: [big, small] }], sampling);
    expect(c!.outputs).toEqual([{ text: 'answer:Look  and , then answer.#11', finishReason: 'stop' }]);
    const body = srv.stats.log[0]!.body;
    expect(body).toMatchObject({ model: 'qwen', temperature: 0.7, top_p: 0.9, max_tokens: 64, seed: 11, n: 1 });
    const content = (body['messages'] as { content: { type: string; text?: string; image_url?: { url: string } }[] }[])[0]!.content;
    expect(content.map((p) => p.type)).toEqual(['text', 'image_url', 'text', 'image_url', 'text']);
    expect(content[1]!.image_url!.url.startsWith('data:image/png;base64,')).toBe(true);
    expect(content[3]!.image_url!.url.startsWith('data:image/jpeg;base64,')).toBe(true);
    expect(srv.stats.log[0]!.imageBytes).toEqual([big.data.length, small.data.length]);
    expect(policy.id).toBe('openai:qwen');
  });

  it('maps numbered <imageK> placeholders (the crop task) to image K', async () => {
    const srv = await server();
    const imgs: PolicyImage[] = await Promise.all(
      [1, 2, 3].map(async (w) => ({ mime: 'image/png' as const, data: new Uint8Array(await encodeImage(createRgb(w * 10, 5))) })),
    );
    const policy = openAiPolicy({ baseUrl: srv.baseUrl, model: 'm' });
    await policy.generate([{ id: 'c', prompt: 'first <image1>? options <image3><image2>', images: imgs, task: 'crop' }], sampling);
    expect(srv.stats.log[0]!.imageBytes).toEqual([imgs[0]!.data.length, imgs[2]!.data.length, imgs[1]!.data.length]);
  });

  it('keeps at most `concurrency` requests in flight and completes every item', async () => {
    const srv = await server({ latencyMs: 50 });
    const policy = openAiPolicy({ baseUrl: srv.baseUrl, model: 'm', concurrency: 16 });
    const seen: string[] = [];
    const out = await policy.generate(requests(400), sampling, { onResult: (c) => seen.push(c.id) });
    expect(out).toHaveLength(400);
    expect(out.every((c, i) => c.id === `q${i}` && c.outputs[0]!.text === `answer:question ${i}#11`)).toBe(true);
    expect(new Set(seen).size).toBe(400);
    // The bound must hold; reaching it exactly depends on how busy the machine is.
    expect(srv.stats.maxInFlight).toBeLessThanOrEqual(16);
    expect(srv.stats.maxInFlight).toBeGreaterThanOrEqual(8);
    expect(srv.stats.requests).toBe(400);
  });

  it('retries 500s and malformed bodies: a third of first attempts fail, every answer still arrives', async () => {
    const srv = await server({
      fault: (r) => {
        if (r.attempt > 1) return undefined;
        const i = Number(r.prompt.split(' ')[1]);
        return i % 3 === 0 ? { kind: 'status', status: 500 } : i % 3 === 1 && i % 2 === 0 ? { kind: 'malformed' } : undefined;
      },
    });
    const policy = openAiPolicy({ baseUrl: srv.baseUrl, model: 'm', concurrency: 8, ...fast });
    const out = await policy.generate(requests(90), sampling);
    expect(out.every((c, i) => c.error === undefined && c.outputs[0]!.text === `answer:question ${i}#11`)).toBe(true);
    expect(srv.stats.requests).toBe(90 + 30 + 15);
  });

  it('gives a per-item transient error after the retries run out, dropping nothing', async () => {
    const srv = await server({ fault: (r) => (Number(r.prompt.split(' ')[1]) % 3 === 0 ? { kind: 'status', status: 503 } : undefined) });
    const policy = openAiPolicy({ baseUrl: srv.baseUrl, model: 'm', maxRetries: 2, ...fast });
    const out = await policy.generate(requests(30), sampling);
    expect(out).toHaveLength(30);
    const failed = out.filter((c) => c.error !== undefined);
    expect(failed.map((c) => c.id)).toEqual(Array.from({ length: 10 }, (_, k) => `q${k * 3}`));
    for (const c of failed) {
      expect(c.outputs).toEqual([]);
      expect(c.error).toMatch(/^transient: HTTP 503.*gave up after 3 attempts/);
      expect(isFinalPolicyError(c.error!)).toBe(false);
    }
    expect(srv.stats.byPrompt.get('question 0')).toBe(3);
  });

  it('spreads requests over several servers by least outstanding requests', async () => {
    const fastOne = await server({ latencyMs: 2 });
    const slowOne = await server({ latencyMs: 40 });
    const policy = openAiPolicy({ baseUrl: [fastOne.baseUrl, slowOne.baseUrl], model: 'm', concurrency: 4 });
    const out = await policy.generate(requests(120), sampling);
    expect(out.every((c, i) => c.outputs[0]!.text === `answer:question ${i}#11`)).toBe(true);
    expect(fastOne.stats.maxInFlight).toBeLessThanOrEqual(4);
    expect(slowOne.stats.maxInFlight).toBeLessThanOrEqual(4);
    // The faster server frees its slots sooner, so it takes most of the work.
    expect(fastOne.stats.answered).toBeGreaterThan(slowOne.stats.answered);
    expect(fastOne.stats.answered + slowOne.stats.answered).toBe(120);
  });

  it('moves requests off a server that dies mid-run and still answers every item', async () => {
    const alive = await server({ latencyMs: 5 });
    let dying: OpenAiTestServer | undefined;
    let closing: Promise<void> | undefined;
    dying = await startOpenAiTestServer({
      latencyMs: 5,
      respond: (req, k) => {
        if (dying && dying.stats.answered >= 10) closing ??= dying.close();
        return `answer:${req.prompt}#${req.seed + k}`;
      },
    });
    const policy = openAiPolicy({ baseUrl: [dying.baseUrl, alive.baseUrl], model: 'm', concurrency: 3, endpointCooldownMs: 20, ...fast });
    const out = await policy.generate(requests(150), sampling);
    await closing;
    expect(out.filter((c) => c.error !== undefined)).toEqual([]);
    expect(out.every((c, i) => c.outputs[0]!.text === `answer:question ${i}#11`)).toBe(true);
    expect(dying.stats.answered).toBeGreaterThanOrEqual(10);
    expect(alive.stats.answered).toBeGreaterThan(100);
  });

  it('does not retry a 400 and marks it final', async () => {
    const srv = await server({ fault: () => ({ kind: 'status', status: 400, body: '{"error":{"message":"context too long"}}' }) });
    const policy = openAiPolicy({ baseUrl: srv.baseUrl, model: 'm', ...fast });
    const [c] = await policy.generate(requests(1), sampling);
    expect(c!.error).toMatch(/^final: HTTP 400: .*context too long/);
    expect(srv.stats.requests).toBe(1);
  });

  it('honours Retry-After on 429', async () => {
    const srv = await server({ fault: (r) => (r.attempt === 1 ? { kind: 'rate-limit', retryAfterSeconds: 0.4 } : undefined) });
    const policy = openAiPolicy({ baseUrl: srv.baseUrl, model: 'm', retryBaseMs: 0, retryMaxDelayMs: 5000 });
    const t0 = performance.now();
    const [c] = await policy.generate(requests(1), sampling);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(390);
    expect(c!.outputs[0]!.text).toBe('answer:question 0#11');
  });

  it('times out a hanging request and retries it', async () => {
    const srv = await server({ fault: (r) => (r.attempt === 1 ? { kind: 'hang' } : undefined) });
    const policy = openAiPolicy({ baseUrl: srv.baseUrl, model: 'm', timeoutMs: 1000, ...fast });
    const [c] = await policy.generate(requests(1), sampling);
    expect(c!.outputs[0]!.text).toBe('answer:question 0#11');
    expect(srv.stats.requests).toBe(2);
  });

  it('reports a network error per item when nothing listens', async () => {
    const srv = await startOpenAiTestServer();
    await srv.close();
    const policy = openAiPolicy({ baseUrl: srv.baseUrl, model: 'm', maxRetries: 1, ...fast });
    const [c] = await policy.generate(requests(1), sampling);
    expect(c!.error).toMatch(/^transient: network error/);
  });

  describe('n samples', () => {
    const n4 = { ...sampling, n: 4 };
    it('asks once with n when the server supports it', async () => {
      const srv = await server();
      const [c] = await openAiPolicy({ baseUrl: srv.baseUrl, model: 'm' }).generate(requests(1), n4);
      expect(c!.outputs.map((o) => o.text)).toEqual([11, 12, 13, 14].map((s) => `answer:question 0#${s}`));
      expect(srv.stats.requests).toBe(1);
    });

    it('fans out into n requests with seeds seed…seed+n-1 when supportsN is false', async () => {
      const srv = await server();
      const [c] = await openAiPolicy({ baseUrl: srv.baseUrl, model: 'm', supportsN: false }).generate(requests(1), n4);
      expect(c!.outputs).toHaveLength(4);
      expect(srv.stats.log.map((r) => [r.n, r.seed]).sort()).toEqual([[1, 11], [1, 12], [1, 13], [1, 14]]);
    });

    it('falls back to fan-out when the server rejects n > 1, and remembers', async () => {
      const srv = await server({ nMode: 'reject' });
      const policy = openAiPolicy({ baseUrl: srv.baseUrl, model: 'm' });
      const first = await policy.generate(requests(1), n4);
      const second = await policy.generate(requests(2), n4);
      expect([...first, ...second].every((c: PolicyCompletion) => c.outputs.length === 4 && c.error === undefined)).toBe(true);
      expect(srv.stats.log.filter((r) => r.n > 1)).toHaveLength(1);
      expect(srv.stats.requests).toBe(1 + 4 + 8);
    });

    it('fills the remaining samples when the server ignores n', async () => {
      const srv = await server({ nMode: 'ignore' });
      const [c] = await openAiPolicy({ baseUrl: srv.baseUrl, model: 'm' }).generate(requests(1), n4);
      expect(c!.outputs.map((o) => o.text)).toEqual([11, 12, 13, 14].map((s) => `answer:question 0#${s}`));
    });
  });

  it('rejects with the abort reason when aborted, after delivering what finished', async () => {
    const srv = await server({ latencyMs: 30 });
    const ac = new AbortController();
    const done: string[] = [];
    const policy = openAiPolicy({ baseUrl: srv.baseUrl, model: 'm', concurrency: 4 });
    const run = policy.generate(requests(40), sampling, {
      signal: ac.signal,
      onResult: (c) => {
        done.push(c.id);
        if (done.length === 8) ac.abort(new Error('stop here'));
      },
    });
    await expect(run).rejects.toThrow('stop here');
    expect(done.length).toBeGreaterThanOrEqual(8);
    expect(done.length).toBeLessThan(40);
  });

  it('rejects bad options and bad prompts clearly', async () => {
    expect(() => openAiPolicy({ baseUrl: 'not a url', model: 'm' })).toThrow(/baseUrl/);
    const srv = await server();
    const [c] = await openAiPolicy({ baseUrl: srv.baseUrl, model: 'm' }).generate([{ id: 'x', prompt: '<image><image>', images: [] }], sampling);
    expect(c!.error).toMatch(/^final: bad request input: prompt refers to image 1/);
    expect(srv.stats.requests).toBe(0);
  });
});
