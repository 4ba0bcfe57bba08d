import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeImage } from '@spatial-ssrl/image';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from './backend.js';
import { saveCheckpoint } from './checkpoint.js';
import { modelPresets } from './config.js';
import { PolicyModel } from './model.js';
import type { PolicyRequest } from '@spatial-ssrl/spec';
import { createPolicy, loadPolicy } from './policy.js';

let root: string;
let png: Uint8Array;
let jpeg: Uint8Array;

beforeAll(async () => {
  await loadBackend({ prefer: 'wasm', log: false });
  root = await mkdtemp(path.join(tmpdir(), 'ssrl-policy-'));
  const data = new Uint8Array(40 * 30 * 3).map((_, i) => (i * 11) % 256);
  png = await encodeImage({ width: 40, height: 30, data });
  jpeg = await encodeImage({ width: 40, height: 30, data }, { format: 'jpeg' });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const req = (id: string, images: Uint8Array[], prompt = '<image>Which patch is flipped?'): PolicyRequest => ({
  id,
  prompt,
  images: images.map((data) => ({ mime: data[0] === 0xff ? 'image/jpeg' : 'image/png', data })),
  task: 'flip',
});

describe('createPolicy', () => {
  it('returns n outputs per request in request order, keyed by request id', async () => {
    const model = PolicyModel.create({ ...modelPresets.tiny, maxAnswerTokens: 8 }, { seed: 2 });
    const policy = createPolicy(model, { id: 'tiny-test', batchSize: 4 });
    expect(policy.id).toBe('tiny-test');
    const seen: string[] = [];
    const sampling = { temperature: 1, topP: 1, maxTokens: 100, seed: 5, n: 3 };
    const requests = [req('a', [png]), req('b', [jpeg, png]), req('c', [png])];
    const out = await policy.generate(requests, sampling, { onResult: (c) => seen.push(c.id) });
    expect(out.map((c) => c.id)).toEqual(['a', 'b', 'c']);
    expect([...seen].sort()).toEqual(['a', 'b', 'c']);
    for (const c of out) {
      expect(c.error).toBeUndefined();
      expect(c.outputs).toHaveLength(3);
      for (const o of c.outputs) expect(['stop', 'length']).toContain(o.finishReason);
    }
    const alone = await policy.generate([req('c', [png])], sampling);
    expect(alone[0].outputs).toEqual(out[2].outputs);
    model.dispose();
  });

  it('turns an undecodable image or too many images into an error completion, not a failed call', async () => {
    const model = PolicyModel.create(modelPresets.tiny, { seed: 2 });
    const policy = createPolicy(model);
    const out = await policy.generate(
      [req('bad', [new Uint8Array([1, 2, 3])]), req('many', Array(6).fill(png)), req('ok', [png])],
      { temperature: 0, topP: 1, maxTokens: 4, seed: 0, n: 1 },
    );
    expect(out[0]).toMatchObject({ id: 'bad', outputs: [] });
    expect(out[0].error).toMatch(/not an image|cannot decode|unsupported/);
    expect(out[1]).toMatchObject({ id: 'many', outputs: [], error: expect.stringMatching(/6 images, the model takes at most 5/) });
    expect(out[2].outputs).toHaveLength(1);
    model.dispose();
  });

  it('stops between batches when aborted', async () => {
    const model = PolicyModel.create(modelPresets.tiny, { seed: 2 });
    const policy = createPolicy(model, { batchSize: 1 });
    const controller = new AbortController();
    const run = policy.generate([req('a', [png]), req('b', [png])], { temperature: 0, topP: 1, maxTokens: 4, seed: 0, n: 1 }, {
      signal: controller.signal,
      onResult: () => controller.abort(new Error('stop')),
    });
    await expect(run).rejects.toThrow('stop');
    model.dispose();
  });
});

describe('loadPolicy', () => {
  it('serves a checkpoint directory with the same answers as the model it was saved from', async () => {
    const config = modelPresets.tiny;
    const model = PolicyModel.create(config, { seed: 8 });
    const dir = path.join(root, 'ckpt');
    await saveCheckpoint(dir, config, model.readWeights(), { step: 1 });
    const policy = await loadPolicy(dir);
    expect(policy.id).toBe(`checkpoint:${dir}`);
    const sampling = { temperature: 0.7, topP: 0.9, maxTokens: 8, seed: 1, n: 2 };
    const a = await createPolicy(model).generate([req('x', [png])], sampling);
    const b = await policy.generate([req('x', [png])], sampling);
    expect(b).toEqual(a);
    expect(JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8')).step).toBe(1);
    policy.model.dispose();
    model.dispose();
  });

  it('takes a run folder holding checkpoint/, and names what is missing otherwise', async () => {
    const config = modelPresets.tiny;
    const model = PolicyModel.create(config, { seed: 9 });
    const run = path.join(root, 'run');
    await saveCheckpoint(path.join(run, 'checkpoint'), config, model.readWeights(), { step: 3 });
    const policy = await loadPolicy(run);
    const sampling = { temperature: 0, topP: 1, maxTokens: 6, seed: 0, n: 1 };
    expect(await policy.generate([req('x', [png])], sampling)).toEqual(await createPolicy(model).generate([req('x', [png])], sampling));
    policy.model.dispose();
    model.dispose();
    await expect(loadPolicy(path.join(root, 'nothing-here'))).rejects.toMatchObject({ code: 'checkpoint-missing' });
  });
});
