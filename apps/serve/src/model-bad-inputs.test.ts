import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, createDeflate } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseServeArgs, startServe, type Serving } from './serve-command.js';

const tiny = inject('tinyRun');
let server: Serving;
let png: string;
let megapixels100: string;

/** A real 10,000 × 10,000 black PNG (100 MP), deflated row by row so the test never holds the raw 300 MB. */
async function hundredMegapixelPng(): Promise<Buffer> {
  const side = 10_000;
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const deflate = createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (b: Buffer) => parts.push(b));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  const row = Buffer.alloc(1 + side * 3);
  for (let y = 0; y < side; y++) if (!deflate.write(row)) await new Promise((r) => deflate.once('drain', r));
  deflate.end();
  await done;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', Buffer.concat(parts)), chunk('IEND', Buffer.alloc(0))]);
}

beforeAll(async () => {
  server = await startServe(parseServeArgs(['--port', '0', '--checkpoint', tiny.run, '--served-model-name', 'tiny']), () => {});
  const flips = (await readdir(join(tiny.data, 'images', 'flip'))).sort();
  png = `data:image/png;base64,${(await readFile(join(tiny.data, 'images', 'flip', flips[0]))).toString('base64')}`;
  megapixels100 = `data:image/png;base64,${(await hundredMegapixelPng()).toString('base64')}`;
});

afterAll(() => server.close());

async function send(path: string, body: string | Buffer, contentType = 'application/json'): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', body, headers: { 'Content-Type': contentType } });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const chat = (over: Record<string, unknown> = {}, images = [png]) =>
  JSON.stringify({
    model: 'tiny',
    messages: [{ role: 'user', content: [...images.map((url) => ({ type: 'image_url', image_url: { url } })), { type: 'text', text: 'Which patch is flipped?' }] }],
    max_tokens: 4,
    ...over,
  });

describe('bad input gets a 4xx with a message, and the server keeps serving', () => {
  const cases: [string, () => [string, string | Buffer, string?], number, RegExp, string | null][] = [
    ['malformed JSON', () => ['/v1/chat/completions', '{"model": "tiny", "messages": ['], 400, /body is not valid JSON/, 'body'],
    ['a body that is not UTF-8', () => ['/v1/chat/completions', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])], 400, /not valid UTF-8/, 'body'],
    ['a wrong content type', () => ['/v1/chat/completions', chat(), 'text/plain'], 415, /takes application\/json, got Content-Type text\/plain/, 'Content-Type'],
    ['a form where JSON belongs', () => ['/v1/chat/completions', 'model=tiny', 'application/x-www-form-urlencoded'], 415, /takes application\/json/, 'Content-Type'],
    ['a non-image data URL', () => ['/v1/chat/completions', chat({}, ['data:text/html;base64,PGgxPmhpPC9oMT4='])], 400, /data URL of type text\/html is not an image/, 'messages[0].content[0].image_url.url'],
    ['bytes that are no image behind an image data URL', () => ['/v1/chat/completions', chat({}, ['data:image/png;base64,SGVsbG8gd29ybGQ='])], 400, /not a readable image/, 'messages[0].content[0].image_url.url'],
    ['an http image URL', () => ['/v1/chat/completions', chat({}, ['http://127.0.0.1:1/cat.png'])], 400, /not fetched/, 'messages[0].content[0].image_url.url'],
    ['an image of 100 MP', () => ['/v1/chat/completions', chat({}, [megapixels100])], 413, /10000×10000 \(100000000 pixels\) exceeds the limit of 16777216 pixels/, 'messages[0].content[0].image_url.url'],
    ['60 images', () => ['/v1/chat/completions', chat({}, Array.from({ length: 60 }, () => png))], 413, /60 images exceed the limit of 5 per request/, 'messages'],
    ['n = 10,000', () => ['/v1/chat/completions', chat({ n: 10_000 })], 400, /10000 exceeds the largest n this server allows \(16\)/, 'n'],
    ['negative max_tokens', () => ['/v1/chat/completions', chat({ max_tokens: -5 })], 400, /^max_tokens: /, 'max_tokens'],
    ['a temperature out of range', () => ['/v1/chat/completions', chat({ temperature: 9 })], 400, /^temperature: /, 'temperature'],
    ['no messages', () => ['/v1/chat/completions', JSON.stringify({ model: 'tiny', messages: [] })], 400, /needs at least one message/, 'messages'],
    ['log-probs asked for', () => ['/v1/chat/completions', chat({ logprobs: true })], 400, /logprobs is not supported/, 'logprobs'],
    ['an unknown task id', () => ['/v1/tasks/teleport/sample', JSON.stringify({ synthetic: { seed: 1 } })], 404, /unknown task 'teleport'; tasks: shuffle, flip, crop, depth, position/, 'id'],
    ['params that fail the schema', () => ['/v1/tasks/shuffle/sample', JSON.stringify({ synthetic: { seed: 1 }, params: { minPatchSize: 'big' } })], 400, /^params\.minPatchSize: /, 'params.minPatchSize'],
    ['unknown params', () => ['/v1/tasks/flip/sample', JSON.stringify({ synthetic: { seed: 1 }, params: { colour: 'red' } })], 400, /Unrecognized key/, 'params'],
    ['neither a synthetic seed nor an image', () => ['/v1/tasks/flip/sample', JSON.stringify({ params: {} })], 400, /give either synthetic/, 'synthetic'],
    ['a depth task without depth', () => ['/v1/tasks/depth/sample', JSON.stringify({ image: png })], 400, /task depth needs depth/, 'depth'],
    ['a depth file that is not one', () => ['/v1/tasks/depth/sample', JSON.stringify({ image: png, depth: png })], 400, /not a \.npy .* or HDF5/, 'depth'],
    ['a task sample body that is not JSON', () => ['/v1/tasks/flip/sample', '{nope'], 400, /not valid JSON/, 'body'],
  ];

  for (const [what, request, status, message, param] of cases) {
    it(what, async () => {
      const [path, body, type] = request();
      const reply = await send(path, body, type);
      expect(reply.status, JSON.stringify(reply.json)).toBe(status);
      expect(reply.json.error.message).toMatch(message);
      expect(reply.json.error.param).toBe(param);
    });
  }

  it('still answers a good request afterwards', async () => {
    const reply = await send('/v1/chat/completions', chat());
    expect(reply.status).toBe(200);
    expect(reply.json.choices).toHaveLength(1);
  });
});

describe('over load', () => {
  it('answers 429 with Retry-After once the queue is full, never fails otherwise, and recovers', async () => {
    // A long batching window keeps the first requests queued while the rest arrive.
    const busy = await startServe(parseServeArgs(['--port', '0', '--checkpoint', tiny.run, '--served-model-name', 'tiny', '--max-queue', '4', '--batch-window-ms', '1000']), () => {});
    try {
      const replies = await Promise.all(
        Array.from({ length: 24 }, () => fetch(`${busy.url}/v1/chat/completions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: chat() })),
      );
      const statuses = replies.map((r) => r.status);
      expect(statuses.every((s) => s === 200 || s === 429), statuses.join(',')).toBe(true);
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(4);
      const limited = replies.filter((r) => r.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(((await limited[0].json()) as { error: unknown }).error).toMatchObject({ type: 'rate_limit_exceeded', code: 'queue_full' });
      const after = await fetch(`${busy.url}/v1/chat/completions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: chat() });
      expect(after.status).toBe(200);
    } finally {
      await busy.close();
    }
  });
});
