import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { connectOutcome, startServe } from './testing/serve-process.js';

const tiny = inject('tinyRun');

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 6000; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition never held');
}

describe('ssrl-serve --checkpoint', () => {
  it('on SIGTERM refuses new connections, answers the chat requests in flight (streamed or not) and exits 0', async () => {
    // A long batching window keeps both requests waiting for their batch when the signal comes.
    const server = await startServe(['--checkpoint', tiny.run, '--served-model-name', 'tiny', '--batch-window-ms', '1000', '--port', '0']);
    const flip = join(tiny.data, 'images', 'flip', (await readdir(join(tiny.data, 'images', 'flip'))).sort()[0]);
    const png = (await readFile(flip)).toString('base64');
    const body = (stream: boolean) =>
      JSON.stringify({
        model: 'tiny',
        stream,
        max_tokens: 8,
        seed: 1,
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } }, { type: 'text', text: 'Which patch?' }] }],
      });
    const post = (stream: boolean) => fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body(stream) }).then(async (r) => ({ status: r.status, text: await r.text() }));
    const plain = post(false);
    const streamed = post(true);
    await until(async () => ((await (await fetch(`${server.url}/health`)).json()) as { in_flight: number }).in_flight === 2);
    server.child.kill('SIGTERM');
    await until(async () => server.stderr().includes('refusing new connections'));
    expect(server.stderr()).toContain('finishing 2 in-flight request(s)');
    expect(await connectOutcome(server.port)).toBe('ECONNREFUSED');
    const [a, b] = await Promise.all([plain, streamed]);
    expect(a.status).toBe(200);
    expect(JSON.parse(a.text).choices).toHaveLength(1);
    expect(b.status).toBe(200);
    expect(b.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(await server.exited).toBe(0);
    expect(server.stderr()).toContain('ssrl-serve: stopped');
  });

  it('says what is wrong with a checkpoint it cannot load, and exits 1', async () => {
    await expect(startServe(['--checkpoint', join(tiny.root, 'nowhere'), '--port', '0'])).rejects.toThrow(/exited \(1\).*nowhere.*neither a checkpoint directory/s);
  });
});
