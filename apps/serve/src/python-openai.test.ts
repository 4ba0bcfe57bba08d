import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { pythonEnv } from '@spatial-ssrl/dev-env';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseServeArgs, startServe, type Serving } from './serve-command.js';

const run = promisify(execFile);
const DRIVER = fileURLToPath(new URL('./__fixtures__/openai_client.py', import.meta.url));
const tiny = inject('tinyRun');
let server: Serving;
let python: { ok: true; python: string } | { ok: false; reason: string };
let image: string;

beforeAll(async () => {
  python = await pythonEnv({ log: (line) => console.log(line) });
  server = await startServe(parseServeArgs(['--port', '0', '--checkpoint', tiny.run, '--served-model-name', 'tiny']), () => {});
  image = join(tiny.data, 'images', 'flip', (await readdir(join(tiny.data, 'images', 'flip'))).sort()[0]);
}, 900_000);

afterAll(() => server.close());

describe('the official openai Python package', () => {
  it('chats, streams, asks for n = 3 and gets a typed error from the server on loopback', async (ctx) => {
    if (!python.ok) {
      console.log(`skipped: ${python.reason}`);
      ctx.skip(python.reason);
      return;
    }
    const { stdout } = await run(python.python, [DRIVER, `${server.url}/v1`, 'tiny', image], { timeout: 120_000 });
    const got = JSON.parse(stdout);
    const js = await new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused' }).chat.completions.create({
      model: 'tiny',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${(await import('node:fs')).readFileSync(image).toString('base64')}` } }, { type: 'text', text: 'Which patch is flipped?' }] }],
      temperature: 0,
      max_tokens: 12,
      seed: 3,
    });
    expect(got.chat).toEqual({ text: js.choices[0].message.content, finish: js.choices[0].finish_reason, usage: expect.objectContaining(js.usage), fingerprint: js.system_fingerprint });
    expect(got.stream).toEqual({ text: got.chat.text, finish: got.chat.finish });
    expect(got.n3.map((c: { index: number }) => c.index)).toEqual([0, 1, 2]);
    expect(got.error).toMatchObject({ status: 400, param: 'max_tokens' });
  });
});
