import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseServeArgs, startServe, type Serving } from '../serve-command.js';

const tiny = inject('tinyRun');
const servers: Serving[] = [];
let batching: Serving;
let oneAtATime: Serving;
let flipImage: string;
let cropImages: string[];

async function serve(args: string[]): Promise<Serving> {
  const s = await startServe(parseServeArgs(['--port', '0', ...args]), () => {});
  servers.push(s);
  return s;
}

const client = (server: Serving, apiKey = 'unused') => new OpenAI({ baseURL: `${server.url}/v1`, apiKey, maxRetries: 0 });
const dataUrl = async (path: string) => `data:image/png;base64,${(await readFile(path)).toString('base64')}`;

const FLIP = 'The image has been divided into 4 labeled 0, 1, 2, and 3. One of the four patches is flipped either horizontally or vertically.';
const CROP = 'Which image is the missing part in the first image';

function flipMessage(): OpenAI.ChatCompletionMessageParam[] {
  return [{ role: 'user', content: [{ type: 'image_url', image_url: { url: flipImage } }, { type: 'text', text: FLIP }] }];
}

beforeAll(async () => {
  batching = await serve(['--checkpoint', tiny.run, '--served-model-name', 'tiny']);
  oneAtATime = await serve(['--checkpoint', tiny.run, '--served-model-name', 'tiny', '--max-batch-rows', '1']);
  const flips = (await readdir(join(tiny.data, 'images', 'flip'))).sort();
  flipImage = await dataUrl(join(tiny.data, 'images', 'flip', flips[0]));
  const crops = (await readdir(join(tiny.data, 'images', 'crop'))).sort().slice(0, 5);
  cropImages = await Promise.all(crops.map((f) => dataUrl(join(tiny.data, 'images', 'crop', f))));
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('the official openai npm client', () => {
  it('lists the served model', async () => {
    const models = await client(batching).models.list();
    expect(models.data.map((m) => m.id)).toEqual(['tiny']);
    expect((await client(batching).models.retrieve('tiny')).owned_by).toBe('spatial-ssrl');
  });

  it('chats: a well-formed completion with usage, fingerprint and a finish reason', async () => {
    const reply = await client(batching).chat.completions.create({ model: 'tiny', messages: flipMessage(), temperature: 0, max_tokens: 12, seed: 1 });
    expect(reply.object).toBe('chat.completion');
    expect(reply.id).toMatch(/^chatcmpl-/);
    expect(reply.system_fingerprint).toMatch(/^fp_[0-9a-f]{12}$/);
    expect(reply.choices).toHaveLength(1);
    const [choice] = reply.choices;
    expect(choice.message.role).toBe('assistant');
    expect(typeof choice.message.content).toBe('string');
    expect(['stop', 'length']).toContain(choice.finish_reason);
    // tiny: 4 image tokens and 1 conditioning token (the flip prompt).
    expect(reply.usage).toMatchObject({ prompt_tokens: 5 });
    expect(reply.usage!.completion_tokens).toBeGreaterThan(0);
    expect(reply.usage!.completion_tokens).toBeLessThanOrEqual(12);
    expect(reply.usage!.total_tokens).toBe(reply.usage!.prompt_tokens + reply.usage!.completion_tokens);
  });

  it('streams server-sent events that add up to the same answer, with a usage chunk', async () => {
    const request = { model: 'tiny', messages: flipMessage(), temperature: 1, top_p: 0.9, max_completion_tokens: 16, seed: 42 } as const;
    const whole = await client(batching).chat.completions.create(request);
    const stream = await client(batching).chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    let roles = 0;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk');
      for (const c of chunk.choices) {
        if (c.delta.role) roles++;
        text += c.delta.content ?? '';
        finish = c.finish_reason ?? finish;
      }
      if (chunk.usage) usage = chunk.usage;
    }
    expect(roles).toBe(1);
    expect(text).toBe(whole.choices[0].message.content);
    expect(finish).toBe(whole.choices[0].finish_reason);
    expect(usage).toEqual(whole.usage);
  });

  it('gives n = 3 choices, indexed, different from each other and reproducible by seed', async () => {
    const request = { model: 'tiny', messages: flipMessage(), n: 3, temperature: 1.2, max_tokens: 16, seed: 7 };
    const a = await client(batching).chat.completions.create(request);
    expect(a.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(new Set(a.choices.map((c) => c.message.content)).size).toBeGreaterThan(1);
    const b = await client(batching).chat.completions.create(request);
    expect(b.choices.map((c) => c.message.content)).toEqual(a.choices.map((c) => c.message.content));
    const other = await client(batching).chat.completions.create({ ...request, seed: 8 });
    expect(other.choices.map((c) => c.message.content)).not.toEqual(a.choices.map((c) => c.message.content));
  });

  it('answers errors in OpenAI\'s shape, which the client raises as its typed errors', async () => {
    const bad = client(batching).chat.completions.create({ model: 'tiny', messages: flipMessage(), max_tokens: -1 });
    await expect(bad).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(bad).rejects.toMatchObject({ status: 400, param: 'max_tokens', type: 'invalid_request_error' });
    const unknown = client(batching).chat.completions.create({ model: 'gpt-4o', messages: flipMessage() });
    await expect(unknown).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(unknown).rejects.toMatchObject({ code: 'model_not_found', message: expect.stringMatching(/serves `tiny`/) });
  });

  it('ends a choice at a stop sequence', async () => {
    const free = await client(batching).chat.completions.create({ model: 'tiny', messages: flipMessage(), temperature: 0, max_tokens: 16 });
    const text = free.choices[0].message.content!;
    expect(text.length).toBeGreaterThan(4);
    const stop = text.slice(3, 5);
    const cut = await client(batching).chat.completions.create({ model: 'tiny', messages: flipMessage(), temperature: 0, max_tokens: 16, stop: [stop] });
    expect(cut.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: text.slice(0, text.indexOf(stop)) } });
  });
});

describe('dynamic batching', () => {
  it('gives every request the text it gets one at a time, whatever shares its batch', async () => {
    const requests = Array.from({ length: 12 }, (_, i) => ({
      model: 'tiny',
      messages:
        i % 3 === 2
          ? ([{ role: 'user', content: [{ type: 'text', text: `${CROP} ` }, ...cropImages.map((url) => ({ type: 'image_url' as const, image_url: { url } }))] }] as OpenAI.ChatCompletionMessageParam[])
          : flipMessage(),
      temperature: i % 4 === 0 ? 0 : 1,
      top_p: i % 2 ? 0.9 : 1,
      max_tokens: 4 + i,
      n: 1 + (i % 3),
      seed: 100 + i,
    }));
    const batches = async () => ((await (await fetch(`${batching.url}/health`)).json()) as { model: { load: { batches: number } } }).model.load.batches;
    const before = await batches();
    const together = await Promise.all(requests.map((r) => client(batching).chat.completions.create(r)));
    const after = await batches();
    // Twelve requests of two image counts cannot take fewer than two batches; sharing means fewer than twelve.
    expect(after - before).toBeLessThan(12);
    for (const [i, r] of requests.entries()) {
      const alone = await client(oneAtATime).chat.completions.create(r);
      expect(together[i].choices.map((c) => [c.message.content, c.finish_reason])).toEqual(alone.choices.map((c) => [c.message.content, c.finish_reason]));
      expect(together[i].usage).toEqual(alone.usage);
    }
  });
});

describe('an API key', () => {
  it('is required on the model routes when set, and the right one is accepted', async () => {
    const locked = await serve(['--checkpoint', tiny.run, '--served-model-name', 'tiny', '--api-key', 'sekrit']);
    const wrong = client(locked, 'nope').chat.completions.create({ model: 'tiny', messages: flipMessage() });
    await expect(wrong).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(wrong).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect((await fetch(`${locked.url}/v1/models`)).status).toBe(401);
    const ok = await client(locked, 'sekrit').chat.completions.create({ model: 'tiny', messages: flipMessage(), max_tokens: 3 });
    expect(ok.choices).toHaveLength(1);
    expect((await fetch(`${locked.url}/health`)).status).toBe(200);
  });
});

describe('without --checkpoint', () => {
  it('serves tasks and rewards, and the model routes answer 503 saying how to start with a checkpoint', async () => {
    const bare = await serve([]);
    const chat = client(bare).chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'hi' }] });
    await expect(chat).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    await expect(chat).rejects.toMatchObject({ status: 503, message: expect.stringMatching(/--checkpoint/) });
    const models = await fetch(`${bare.url}/v1/models`);
    expect(models.status).toBe(503);
    expect(models.headers.get('retry-after')).toBe('60');
    expect((await fetch(`${bare.url}/v1/tasks`)).status).toBe(200);
  });
});
