import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from './backend.js';
import { loadCheckpoint, loadPolicyModel, saveCheckpoint } from './checkpoint.js';
import { modelPresets, type ModelConfig } from './config.js';
import { CheckpointError } from './errors.js';
import { buildEncoderFeed, buildTokenFeed } from './feed.js';
import { PolicyModel } from './model.js';
import { encodeText, EOS_ID } from './tokenizer.js';

const config: ModelConfig = modelPresets.tiny;
let root: string;
let model: PolicyModel;
let dir: string;

beforeAll(async () => {
  await loadBackend({ prefer: 'wasm', log: false });
  root = await mkdtemp(path.join(tmpdir(), 'ssrl-ckpt-'));
  model = PolicyModel.create(config, { seed: 21 });
  dir = path.join(root, 'ckpt');
  await saveCheckpoint(dir, config, model.readWeights(), { step: 7, metadata: { note: 'test' } });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function copyCheckpoint(name: string): Promise<string> {
  const to = path.join(root, name);
  await saveCheckpoint(to, config, model.readWeights(), { step: 7 });
  return to;
}

describe('checkpoints', () => {
  it('save → load gives a model with identical logits', async () => {
    const loaded = await loadPolicyModel(dir);
    const s = config.imageSize;
    const feed = buildEncoderFeed(config, [{ images: [{ size: s, data: new Uint8Array(s * s * 3).fill(77) }], condition: [2] }]);
    const tokens = buildTokenFeed(config, [[...encodeText('<think></think>\\boxed{B}'), EOS_ID]]);
    const a = tf.tidy(() => model.logits(feed, tokens).dataSync());
    const b = tf.tidy(() => loaded.logits(feed, tokens).dataSync());
    expect(Array.from(b)).toEqual(Array.from(a));
    const ckpt = await loadCheckpoint(dir);
    expect(ckpt.step).toBe(7);
    expect(ckpt.metadata).toEqual({ note: 'test' });
    expect(ckpt.config).toEqual(config);
    loaded.dispose();
  });

  it('replaces an existing checkpoint in one step and keeps training state', async () => {
    const to = await copyCheckpoint('replace');
    const moments = new Float32Array(model.parameterCount * 2).fill(0.5);
    await saveCheckpoint(to, config, model.readWeights(), { step: 9, training: { state: { cursor: 3 }, moments } });
    const ckpt = await loadCheckpoint(to, { training: true });
    expect(ckpt.step).toBe(9);
    expect(ckpt.training?.state.cursor).toBe(3);
    expect(ckpt.training?.moments).toEqual(moments);
  });

  it('reports a missing directory, manifest or weights file', async () => {
    await expect(loadCheckpoint(path.join(root, 'nope'))).rejects.toMatchObject({ code: 'checkpoint-missing' });
    const to = await copyCheckpoint('no-weights');
    await rm(path.join(to, 'weights.bin'));
    await expect(loadCheckpoint(to)).rejects.toThrow(/weights\.bin: weights file is missing/);
    const empty = path.join(root, 'empty');
    await writeFile(path.join(root, 'file'), '');
    await expect(loadCheckpoint(path.join(root, 'file'))).rejects.toThrow(/is not a directory/);
    await rm(empty, { recursive: true, force: true });
  });

  it('reports a corrupt manifest, a truncated or damaged weights file', async () => {
    const a = await copyCheckpoint('bad-json');
    await writeFile(path.join(a, 'model.json'), '{"format": ');
    await expect(loadCheckpoint(a)).rejects.toThrow(/model\.json: is not valid JSON/);
    const b = await copyCheckpoint('truncated');
    await truncate(path.join(b, 'weights.bin'), 100);
    await expect(loadCheckpoint(b)).rejects.toThrow(/has 100 bytes, the manifest says/);
    const c = await copyCheckpoint('damaged');
    const bytes = await readFile(path.join(c, 'weights.bin'));
    bytes[10] ^= 0xff;
    await writeFile(path.join(c, 'weights.bin'), bytes);
    await expect(loadCheckpoint(c)).rejects.toMatchObject({ code: 'checkpoint-corrupt', message: expect.stringMatching(/SHA-256/) });
    const d = await copyCheckpoint('other-format');
    await writeFile(path.join(d, 'model.json'), JSON.stringify({ format: 'keras' }));
    await expect(loadCheckpoint(d)).rejects.toThrow(/is not a spatial-ssrl-policy manifest: format/);
  });

  it('names the tensor when the config does not match the weights', async () => {
    const to = await copyCheckpoint('mismatch');
    const manifest = JSON.parse(await readFile(path.join(to, 'model.json'), 'utf8'));
    manifest.config.mlpRatio = 3;
    await writeFile(path.join(to, 'model.json'), JSON.stringify(manifest));
    const err = await loadCheckpoint(to).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect(err).toMatchObject({ code: 'weights-mismatch' });
    expect((err as Error).message).toMatch(/tensor enc\.0\.up\.w has shape 32×64 but the config expects 32×96/);
  });

  it('refuses to save weights that do not fit the config', async () => {
    const w = model.readWeights();
    w.set('head.b', new Float32Array(3));
    await expect(saveCheckpoint(path.join(root, 'bad-save'), config, w)).rejects.toThrow(/tensor head\.b has 3 values/);
  });
});
