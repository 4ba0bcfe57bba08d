import { fileURLToPath } from 'node:url';
import { createRgb, encodeImage, encodeNpy } from '@spatial-ssrl/image';
import { renderScene, sceneSeed } from '@spatial-ssrl/scenes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServeArgs, startServe, type Serving } from '../serve-command.js';

const PLUGIN = fileURLToPath(new URL('../__fixtures__/halves-plugin.mjs', import.meta.url));
let server: Serving;

beforeAll(async () => {
  server = await startServe(parseServeArgs(['--port', '0', '--plugin', PLUGIN]), () => {});
});
afterAll(() => server.close());

async function post(path: string, body: unknown): Promise<{ status: number; json: any }> {
  const init: RequestInit = body instanceof FormData ? { method: 'POST', body } : { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } };
  const res = await fetch(`${server.url}${path}`, init);
  return { status: res.status, json: await res.json() };
}

const dataUrl = (bytes: Uint8Array, mime: string) => `data:${mime};base64,${Buffer.from(bytes).toString('base64')}`;

describe('GET /v1/tasks', () => {
  it('lists the built-in tasks and the plugin tasks with needs, JSON Schema params and answer spaces', async () => {
    const list = (await (await fetch(`${server.url}/v1/tasks`)).json()) as any;
    expect(list.data.map((t: { id: string }) => t.id)).toEqual(['shuffle', 'flip', 'crop', 'depth', 'position', 'halves']);
    const byId = Object.fromEntries(list.data.map((t: { id: string }) => [t.id, t]));
    expect(byId.depth.needs).toBe('rgbd');
    expect(byId.flip.needs).toBe('rgb');
    expect(byId.flip.params_schema.type).toBe('object');
    expect(byId.flip.variants[0].answer_space).toHaveLength(8);
    expect(byId.crop.variants.find((v: { variant: string }) => v.variant === 'separate').images).toBe(5);
    expect(byId.halves).toMatchObject({
      description: 'Which half of the image is brighter, top or bottom.',
      params_schema: { type: 'object', properties: { margin: { type: 'number', minimum: 0, maximum: 50, default: 2 } }, additionalProperties: false },
      default_params: { margin: 2 },
      variants: [{ variant: 'halves', images: 1, answer_space: ['top', 'bottom'], chance: 0.5 }],
    });
  });
});

describe('POST /v1/tasks/{id}/sample', () => {
  it('makes every task\'s sample from a synthetic seed: prompt, images as data URLs, answer in its space, meta; same request, same sample', async () => {
    for (const id of ['shuffle', 'flip', 'crop', 'depth', 'position']) {
      const reply = await post(`/v1/tasks/${id}/sample`, { synthetic: { seed: 4, width: 320, height: 240 }, seed: 9 });
      expect(reply.status, JSON.stringify(reply.json)).toBe(200);
      const s = reply.json;
      if (s.object === 'task.rejection') {
        expect(s.reason).toEqual(expect.any(String));
        continue;
      }
      expect(s).toMatchObject({ object: 'task.sample', task: id, seed: 9, source: { dataset: 'synthetic:seed=4', width: 320, height: 240 } });
      expect(s.answer_space).toContain(s.answer);
      expect(s.images.length).toBe((s.prompt.match(/<image\d*>/g) ?? []).length);
      for (const img of s.images) expect(img.url).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
      expect(s.rl_prompt.startsWith(s.prompt)).toBe(true);
      expect(s.rl_prompt).toMatch(/MUST BE put in \\boxed\{\}\.$/);
      const again = await post(`/v1/tasks/${id}/sample`, { synthetic: { seed: 4, width: 320, height: 240 }, seed: 9 });
      expect(again.json).toEqual(s);
    }
  });

  it('takes an uploaded RGB image and depth map (multipart, .npy) and a JSON upload alike', async () => {
    const scene = renderScene({ seed: sceneSeed(3, 0), width: 160, height: 120 });
    const png = new Uint8Array(await encodeImage(scene.rgb));
    const depth = encodeNpy({ shape: [120, 160], dtype: 'float32', data: scene.depth.data });
    const form = new FormData();
    form.append('image', new Blob([png], { type: 'image/png' }), 'scene.png');
    form.append('depth', new Blob([depth]), 'scene_depth.npy');
    form.append('seed', '2');
    const multipart = await post('/v1/tasks/depth/sample', form);
    expect(multipart.status, JSON.stringify(multipart.json)).toBe(200);
    expect(multipart.json.source).toMatchObject({ dataset: 'upload', width: 160, height: 120 });
    const json = await post('/v1/tasks/depth/sample', { image: dataUrl(png, 'image/png'), depth: dataUrl(depth, 'application/octet-stream'), seed: 2 });
    expect(json.json).toEqual(multipart.json);
    expect(['task.sample', 'task.rejection']).toContain(json.json.object);
  });

  it('returns the task\'s own rejection with its code and reason', async () => {
    const flat = new Uint8Array(await encodeImage(createRgb(64, 48, [120, 120, 120])));
    const even = await post('/v1/tasks/halves/sample', { image: dataUrl(flat, 'image/png'), params: { margin: 5 } });
    expect(even.status).toBe(200);
    expect(even.json).toMatchObject({ object: 'task.rejection', task: 'halves', code: 'too-even', reason: expect.stringMatching(/differ by 0\.0 < margin 5/) });
    const flatDepth = encodeNpy({ shape: [48, 64], dtype: 'float32', data: new Float32Array(64 * 48).fill(2) });
    const depth = await post('/v1/tasks/depth/sample', { image: dataUrl(flat, 'image/png'), depth: dataUrl(flatDepth, 'application/octet-stream') });
    expect(depth.json).toMatchObject({ object: 'task.rejection', task: 'depth', code: expect.any(String), reason: expect.any(String) });
  });

  it('runs a plugin task on an upload', async () => {
    const img = createRgb(40, 40, [10, 10, 10]);
    img.data.fill(250, 0, 40 * 20 * 3);
    const reply = await post('/v1/tasks/halves/sample', { image: dataUrl(new Uint8Array(await encodeImage(img)), 'image/png') });
    expect(reply.json).toMatchObject({ object: 'task.sample', answer: 'top', answer_space: ['top', 'bottom'], params: { margin: 2 } });
  });

  it('refuses a depth map of another size than the image, and an oversize upload', async () => {
    const png = new Uint8Array(await encodeImage(createRgb(64, 48)));
    const depth = encodeNpy({ shape: [10, 10], dtype: 'float32', data: new Float32Array(100).fill(1) });
    const mismatch = await post('/v1/tasks/depth/sample', { image: dataUrl(png, 'image/png'), depth: dataUrl(depth, 'application/octet-stream') });
    expect(mismatch.status).toBe(400);
    expect(mismatch.json.error.message).toMatch(/depth is 10×10 but the image is 64×48/);
    const small = await startServe(parseServeArgs(['--port', '0', '--max-image-pixels', '1000']), () => {});
    try {
      const res = await fetch(`${small.url}/v1/tasks/flip/sample`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ image: dataUrl(png, 'image/png') }) });
      expect(res.status).toBe(413);
    } finally {
      await small.close();
    }
  });
});
