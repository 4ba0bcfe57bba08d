import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import { createRgb, encodeImage } from '@spatial-ssrl/image';
import { beforeAll, describe, expect, it } from 'vitest';
import { chatCompletionRequest, chatRequestToJob, ChatRequestError, type ChatRequestLimits } from './openai-chat-request.js';
import { buildChatContent } from './openai-content.js';
import type { PolicyImage } from '@spatial-ssrl/spec';

const limits: ChatRequestLimits = { maxImages: 5, maxImagePixels: 4_000_000, maxN: 16, defaultMaxTokens: 32, randomSeed: () => 1234 };
let png: PolicyImage;
let jpeg: PolicyImage;

beforeAll(async () => {
  png = { mime: 'image/png', data: new Uint8Array(await encodeImage(createRgb(6, 4, [200, 10, 10]))) };
  jpeg = { mime: 'image/jpeg', data: new Uint8Array(await encodeImage(createRgb(8, 8, [10, 200, 10]), { format: 'jpeg' })) };
});

const dataUrl = (bytes: Uint8Array, mime = 'image/png') => `data:${mime};base64,${Buffer.from(bytes).toString('base64')}`;
const user = (content: unknown) => ({ model: 'm', messages: [{ role: 'user', content }] });

async function job(body: unknown, over: Partial<ChatRequestLimits> = {}) {
  return chatRequestToJob(chatCompletionRequest.parse(body), 'chatcmpl-1', { ...limits, ...over });
}

async function refusal(body: unknown, over: Partial<ChatRequestLimits> = {}): Promise<ChatRequestError> {
  const error = await job(body, over).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChatRequestError);
  return error as ChatRequestError;
}

/** A PNG that declares `width × height` pixels but carries only its first row: enough for a header check. */
function headerOnlyPng(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return new Uint8Array(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(1 + width * 3))), chunk('IEND', Buffer.alloc(0))]));
}

describe('chatRequestToJob', () => {
  it('is the inverse of buildChatContent: same prompt, same image bytes', async () => {
    for (const prompt of ['Look <image> and <image>, then answer.', '<image>Which quadrant?', 'No images here.']) {
      const images = [png, jpeg].slice(0, (prompt.match(/<image>/g) ?? []).length);
      const j = await job(user(await buildChatContent(prompt, images)));
      expect(j.request.prompt).toBe(prompt);
      expect(j.request.images).toEqual(images);
    }
    const crop = 'Which image is the missing part in the first image <image1>? Select one of <image2><image3>.';
    const j = await job(user(await buildChatContent(crop, [png, jpeg, png])));
    expect(j.request.prompt).toBe('Which image is the missing part in the first image <image>? Select one of <image><image>.');
    expect(j.request.images.map((i) => i.mime)).toEqual(['image/png', 'image/jpeg', 'image/png']);
  });

  it('joins every message in order and applies OpenAI defaults', async () => {
    const j = await job({ model: 'm', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: [{ type: 'text', text: 'Hi' }] }] });
    expect(j.request.prompt).toBe('Be brief.\nHi');
    expect(j.sampling).toEqual({ temperature: 1, topP: 1, maxTokens: 32, seed: 1234, n: 1 });
    expect(j).toMatchObject({ stop: [], stream: false, includeUsage: false });
  });

  it('reads every sampling field; max_completion_tokens wins; seeds fold to 32 bits', async () => {
    const j = await job({ ...user('q'), n: 3, seed: -1, temperature: 0.5, top_p: 0, max_tokens: 4, max_completion_tokens: 9, stop: 'END', stream: true, stream_options: { include_usage: true } });
    expect(j.sampling).toEqual({ temperature: 0.5, topP: Number.MIN_VALUE, maxTokens: 9, seed: 0xffffffff, n: 3 });
    expect(j).toMatchObject({ stop: ['END'], stream: true, includeUsage: true });
    expect((await job({ ...user('q'), seed: 2 ** 40 + 5 })).sampling.seed).toBe(5);
  });

  it('re-encodes WebP images to PNG and leaves PNG and JPEG bytes untouched', async () => {
    // A 5×5 grey lossless WebP written by sharp 0.35.5.
    const webp = new Uint8Array(Buffer.from('UklGRh4AAABXRUJQVlA4TBEAAAAvBAABAAdQspKVrP+BiOh/AAA=', 'base64'));
    const j = await job(user([{ type: 'image_url', image_url: { url: dataUrl(webp, 'image/webp') } }]));
    expect(j.request.images[0].mime).toBe('image/png');
  });

  it('refuses what it cannot serve, naming the field', async () => {
    const cases: [unknown, Partial<ChatRequestLimits>, RegExp, string, 'invalid' | 'too-large'][] = [
      [user([{ type: 'image_url', image_url: { url: 'data:text/plain;base64,aGVsbG8=' } }]), {}, /data URL of type text\/plain is not an image/, 'messages[0].content[0].image_url.url', 'invalid'],
      [user([{ type: 'image_url', image_url: { url: 'data:image/png;base64,aGVsbG8=' } }]), {}, /not a readable image/, 'messages[0].content[0].image_url.url', 'invalid'],
      [user([{ type: 'image_url', image_url: { url: 'data:image/png;base64,!!!' } }]), {}, /not valid base64/, 'messages[0].content[0].image_url.url', 'invalid'],
      [user([{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }]), {}, /http\(s\) image URLs are not fetched/, 'messages[0].content[0].image_url.url', 'invalid'],
      [user([{ type: 'image_url', image_url: { url: 'file:///etc/passwd' } }]), {}, /file: image URLs are refused/, 'messages[0].content[0].image_url.url', 'invalid'],
      [user([{ type: 'input_audio', input_audio: {} }]), {}, /parts of type input_audio are not supported/, 'messages[0].content[0].type', 'invalid'],
      [user('see <image>'), {}, /must not hold image placeholders/, 'messages[0].content', 'invalid'],
      [{ ...user('q'), n: 17 }, {}, /17 exceeds the largest n/, 'n', 'invalid'],
      [user(Array.from({ length: 6 }, () => ({ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }))), {}, /6 images exceed the limit of 5/, 'messages', 'too-large'],
    ];
    for (const [body, over, message, param, reason] of cases) {
      const e = await refusal(body, over);
      expect(e.message, param).toMatch(message);
      expect(e).toMatchObject({ param, reason });
    }
  });

  it('refuses a 100-megapixel image from its header, before decoding it', async () => {
    const e = await refusal(user([{ type: 'image_url', image_url: { url: dataUrl(headerOnlyPng(10_000, 10_000)) } }]));
    expect(e).toMatchObject({ reason: 'too-large', param: 'messages[0].content[0].image_url.url' });
    expect(e.message).toMatch(/10000×10000 \(100000000 pixels\) exceeds the limit of 4000000 pixels/);
  });

  it('reads file: URLs only inside the allowed directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ssrl-media-'));
    await writeFile(join(dir, 'a.png'), png.data);
    const inside = await job(user([{ type: 'image_url', image_url: { url: pathToFileURL(join(dir, 'a.png')).href } }]), { localMediaDir: dir });
    expect(inside.request.images[0].data).toEqual(png.data);
    const outside = await refusal(user([{ type: 'image_url', image_url: { url: pathToFileURL(join(dir, '..', 'x.png')).href } }]), { localMediaDir: dir });
    expect(outside.message).toMatch(/cannot read|outside the directory/);
  });
});

describe('chatCompletionRequest', () => {
  it('refuses negative token budgets and features the server does not implement', () => {
    const issue = (body: unknown) => chatCompletionRequest.safeParse(body).error?.issues[0];
    expect(issue({ ...user('q'), max_tokens: -5 })?.path).toEqual(['max_tokens']);
    expect(issue({ ...user('q'), logprobs: true })?.message).toMatch(/logprobs is not supported/);
    expect(issue({ ...user('q'), tools: [{ type: 'function' }] })?.message).toMatch(/not supported/);
    expect(issue({ ...user('q'), temperature: 3 })?.path).toEqual(['temperature']);
    expect(issue({ model: 'm', messages: [] })?.message).toMatch(/at least one message/);
    expect(issue({ model: 'm', messages: [{ role: 'tool', content: 'x' }] })?.message).toMatch(/must be one of system/);
    expect(chatCompletionRequest.safeParse({ ...user('q'), logprobs: false, frequency_penalty: 0, extra_field: 1 }).success).toBe(true);
  });
});
