import { encodeImage } from '@spatial-ssrl/image';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from './backend.js';
import { modelPresets, type ModelConfig } from './config.js';
import { ModelError, QueueFullError } from './errors.js';
import { createGenerationScheduler, requestKey, type GenerationJob, type GenerationSchedulerOptions } from './generation-scheduler.js';
import { PolicyModel } from './model.js';
import type { PolicyRequest, SamplingParams } from '@spatial-ssrl/spec';

const config: ModelConfig = { ...modelPresets.tiny, maxAnswerTokens: 16 };
let model: PolicyModel;
const pngs: Uint8Array[] = [];

const PROMPTS = [
  '<image>The image has been divided into 4 shuffled patches labeled 0, 1, 2, and 3. Restore them.',
  '<image>One of the four patches is flipped either horizontally or vertically.',
  "<image>Assume that there is a camera at position '1' and it's facing to me. According to the camera, where is the region marker '2'? A. Left B. Front C. Back D. Right. Answer.",
  '<image>Describe the picture.',
];

beforeAll(async () => {
  await loadBackend({ prefer: 'wasm', log: false });
  // Larger than usual initial logits, so untrained samples vary (and some stop early).
  model = PolicyModel.create(config, { seed: 11 });
  const w = model.readWeights();
  w.set('head.w', w.get('head.w')!.map((v) => v * 60));
  model.writeWeights(w);
  for (let k = 0; k < 4; k++) {
    const data = new Uint8Array(24 * 20 * 3).map((_, i) => (i * (k + 3) * 7 + k * 50) % 256);
    pngs.push(await encodeImage({ width: 24, height: 20, data }));
  }
});

const request = (k: number, id = `r${k}`): PolicyRequest => ({ id, prompt: PROMPTS[k % PROMPTS.length], images: [{ mime: 'image/png', data: pngs[k % pngs.length] }] });
const sampling = (over: Partial<SamplingParams> = {}): SamplingParams => ({ temperature: 1, topP: 1, maxTokens: 16, seed: 7, n: 1, ...over });

/** A scheduler whose batching window opens only when the test says so. */
function manual(options: GenerationSchedulerOptions = {}) {
  const timers: (() => void)[] = [];
  const scheduler = createGenerationScheduler(model, { ...options, setTimer: (run) => timers.push(run) });
  return {
    scheduler,
    async fire(): Promise<void> {
      // Preparation (image decoding) is asynchronous: wait until every submitted job is queued.
      while (scheduler.stats().preparing > 0) await new Promise((r) => setTimeout(r, 1));
      timers.splice(0).forEach((run) => run());
    },
  };
}

describe('createGenerationScheduler', () => {
  it('gathers concurrent jobs into one batch, and each job gets the text it gets alone', async () => {
    const jobs: GenerationJob[] = [
      { request: request(0), sampling: sampling({ seed: 1, n: 3 }) },
      { request: request(1), sampling: sampling({ seed: 2, temperature: 0 }) },
      { request: request(2), sampling: sampling({ seed: 3, topP: 0.8, maxTokens: 5 }) },
      { request: request(3), sampling: sampling({ seed: 4, temperature: 1.5, n: 2 }) },
    ];
    const { scheduler, fire } = manual();
    const together = jobs.map((job) => scheduler.submit(job));
    await fire();
    const batched = await Promise.all(together);
    expect(scheduler.stats()).toMatchObject({ batches: 1, rows: 7, completed: 4, queued: 0 });
    for (const [k, job] of jobs.entries()) {
      const alone = createGenerationScheduler(model, { windowMs: 0 });
      expect(await alone.submit(job)).toEqual(batched[k]);
    }
    expect(batched[0].samples).toHaveLength(3);
    expect(new Set(batched[0].samples.map((s) => s.text)).size).toBeGreaterThan(1);
    expect(batched[2].samples[0].tokens).toBeLessThanOrEqual(5);
    expect(batched[1].promptTokens).toBe(4 + 1);
  });

  it('keys streams by seed and content: the request id does not matter, the seed does', async () => {
    const s = createGenerationScheduler(model, { windowMs: 0 });
    const a = await s.submit({ request: request(3, 'one'), sampling: sampling({ n: 4 }) });
    const b = await s.submit({ request: request(3, 'two'), sampling: sampling({ n: 4 }) });
    const c = await s.submit({ request: request(3, 'one'), sampling: sampling({ n: 4, seed: 8 }) });
    expect(b.samples).toEqual(a.samples);
    expect(c.samples).not.toEqual(a.samples);
  });

  it('gives the Policy contract the same answers as submit', async () => {
    const s = createGenerationScheduler(model, { windowMs: 0, maxBatchRows: 3 });
    const requests = [0, 1, 2, 3, 4].map((k) => request(k));
    const seen: string[] = [];
    const out = await s.policy.generate(requests, sampling({ n: 2 }), { onResult: (c) => seen.push(c.id) });
    expect(out.map((c) => c.id)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect([...seen].sort()).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    const direct = await s.submit({ request: requests[2], sampling: sampling({ n: 2 }) });
    expect(out[2].outputs).toEqual(direct.samples.map(({ text, finishReason }) => ({ text, finishReason })));
    // Five jobs of two rows each, at most three rows a batch: one job per batch.
    expect(s.stats().batches).toBe(6);
  });

  it('serves one job at a time with maxBatchRows 1', async () => {
    const { scheduler, fire } = manual({ maxBatchRows: 1 });
    const all = [0, 1, 2].map((k) => scheduler.submit({ request: request(k), sampling: sampling() }));
    await fire();
    await Promise.all(all);
    expect(scheduler.stats().batches).toBe(3);
  });

  it('batches only jobs with the same number of images together', async () => {
    const two: PolicyRequest = { id: 'two', prompt: '<image><image>Which is brighter?', images: [{ mime: 'image/png', data: pngs[0] }, { mime: 'image/png', data: pngs[1] }] };
    const { scheduler, fire } = manual();
    const all = [scheduler.submit({ request: request(0), sampling: sampling() }), scheduler.submit({ request: two, sampling: sampling() }), scheduler.submit({ request: request(1), sampling: sampling() })];
    await fire();
    const [, pair] = await Promise.all(all);
    expect(scheduler.stats().batches).toBe(2);
    expect(pair.promptTokens).toBe(2 * 4 + 1);
  });

  it('ends a sample at a stop text, and streams exactly the final text', async () => {
    const s = createGenerationScheduler(model, { windowMs: 0 });
    const free = await s.submit({ request: request(0), sampling: sampling({ temperature: 0 }) });
    const text = free.samples[0].text;
    expect(text.length).toBeGreaterThan(3);
    const stop = text.slice(2, 4);
    const pieces: string[] = [];
    const stopped = await s.submit({ request: request(0), sampling: sampling({ temperature: 0 }), stop: ['never-generated', stop], onText: (i, d) => pieces.push(`${i}:${d}`) });
    expect(stopped.samples[0]).toMatchObject({ text: text.slice(0, text.indexOf(stop)), finishReason: 'stop' });
    expect(pieces.map((p) => p.slice(2)).join('')).toBe(stopped.samples[0].text);
    const streamed: string[] = [];
    const whole = await s.submit({ request: request(0), sampling: sampling({ temperature: 0, n: 2 }), onText: (i, d) => (streamed[i] = (streamed[i] ?? '') + d) });
    expect(streamed).toEqual(whole.samples.map((x) => x.text));
  });

  it('refuses bad sampling settings and unusable images with a bad-input ModelError', async () => {
    const s = createGenerationScheduler(model, { windowMs: 0, maxImagePixels: 100 });
    await expect(s.submit({ request: request(0), sampling: sampling({ topP: 0 }) })).rejects.toThrow(/topP must be in \(0, 1\]/);
    await expect(s.submit({ request: request(0), sampling: sampling({ n: 0 }) })).rejects.toThrow(/n must be a positive integer/);
    const tooBig = s.submit({ request: request(0), sampling: sampling() });
    await expect(tooBig).rejects.toBeInstanceOf(ModelError);
    await expect(tooBig).rejects.toMatchObject({ code: 'bad-input', message: expect.stringMatching(/more than 100 pixels/) });
    const junk: PolicyRequest = { id: 'junk', prompt: '<image>x', images: [{ mime: 'image/png', data: new Uint8Array([1, 2, 3]) }] };
    await expect(s.submit({ request: junk, sampling: sampling() })).rejects.toMatchObject({ code: 'bad-input' });
  });

  it('answers a full queue with QueueFullError and a retry estimate', async () => {
    const { scheduler, fire } = manual({ maxQueueRows: 4 });
    const first = scheduler.submit({ request: request(0), sampling: sampling({ n: 3 }) });
    const full = scheduler.submit({ request: request(1), sampling: sampling({ n: 2 }) });
    await expect(full).rejects.toBeInstanceOf(QueueFullError);
    await expect(full).rejects.toMatchObject({ code: 'queue-full', retryAfterMs: expect.any(Number) });
    const fits = scheduler.submit({ request: request(1), sampling: sampling({ n: 1 }) });
    await fire();
    await Promise.all([first, fits]);
  });

  it('drops an aborted job from the queue and ends its rows in a running batch', async () => {
    const { scheduler, fire } = manual();
    const queued = new AbortController();
    const running = new AbortController();
    const a = scheduler.submit({ request: request(0), sampling: sampling(), signal: queued.signal });
    const b = scheduler.submit({ request: request(1), sampling: sampling({ temperature: 0 }), signal: running.signal, onText: () => running.abort(new Error('client left')) });
    const c = scheduler.submit({ request: request(2), sampling: sampling() });
    while (scheduler.stats().preparing > 0) await new Promise((r) => setTimeout(r, 1));
    queued.abort(new Error('gone'));
    await expect(a).rejects.toThrow('gone');
    await fire();
    await expect(b).rejects.toThrow('client left');
    expect((await c).samples).toHaveLength(1);
    expect(scheduler.stats()).toMatchObject({ batches: 1, rows: 2 });
  });

  it('listens to a signal once per call, however many prompts share it, and stops listening when they are done', async () => {
    const s = createGenerationScheduler(model, { windowMs: 0, maxBatchRows: 4 });
    const controller = new AbortController();
    let listening = 0;
    let added = 0;
    const add = controller.signal.addEventListener.bind(controller.signal);
    const remove = controller.signal.removeEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<typeof add>) => {
      added++;
      listening++;
      return add(...args);
    }) as typeof add;
    controller.signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      listening--;
      return remove(...args);
    }) as typeof remove;
    const out = await s.policy.generate([...Array(12).keys()].map((k) => request(k)), sampling({ maxTokens: 4 }), { signal: controller.signal });
    expect(out).toHaveLength(12);
    expect(added).toBe(1);
    expect(listening).toBe(0);
    // Aborting ends every queued prompt of the call.
    const { scheduler, fire } = manual();
    const gone = new AbortController();
    const pending = scheduler.policy.generate([0, 1, 2].map((k) => request(k)), sampling(), { signal: gone.signal });
    while (scheduler.stats().preparing > 0 || scheduler.stats().queued < 3) await new Promise((r) => setTimeout(r, 1));
    gone.abort(new Error('stopped'));
    await expect(pending).rejects.toThrow('stopped');
    await fire();
    expect(scheduler.stats().batches).toBe(0);
  });

  it('close() refuses new jobs and resolves once the accepted ones are answered', async () => {
    const { scheduler, fire } = manual();
    const accepted = scheduler.submit({ request: request(0), sampling: sampling() });
    while (scheduler.stats().preparing > 0) await new Promise((r) => setTimeout(r, 1));
    let closed = false;
    const closing = scheduler.close().then(() => (closed = true));
    await expect(scheduler.submit({ request: request(1), sampling: sampling() })).rejects.toMatchObject({ code: 'shut-down' });
    expect(closed).toBe(false);
    await fire();
    await accepted;
    await closing;
    expect(closed).toBe(true);
  });
});

describe('requestKey', () => {
  it('reads numbered and plain placeholders alike and depends on text and image bytes', () => {
    const images = [{ data: new Uint8Array([1, 2]) }, { data: new Uint8Array([3]) }];
    const key = requestKey('Which <image1> fits <image2>?', images);
    expect(requestKey('Which <image> fits <image>?', images)).toBe(key);
    expect(requestKey('Which <image> fits <image>!', images)).not.toBe(key);
    expect(requestKey('Which <image> fits <image>?', [images[1], images[0]])).not.toBe(key);
    expect(requestKey('Which <image2> fits <image1>?', [images[1], images[0]])).toBe(key);
  });
});
