import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from './backend.js';
import { modelPresets, type ModelConfig } from './config.js';
import { CheckpointError } from './errors.js';
import { buildEncoderFeed, buildTokenFeed, type EncoderFeed, type TokenFeed } from './feed.js';
import { PolicyModel } from './model.js';
import { countParameters } from './params.js';
import { encodeText, EOS_ID } from './tokenizer.js';

const config: ModelConfig = { ...modelPresets.tiny, dropout: 0 };

function batch(rows: number, images: number): { enc: EncoderFeed; tok: TokenFeed } {
  const s = config.imageSize;
  const inputs = Array.from({ length: rows }, (_, r) => ({
    images: Array.from({ length: images - (r % 2) }, (_, k) => ({
      size: s,
      data: new Uint8Array(s * s * 3).map((_, i) => (i * 7 + r * 13 + k * 29) % 256),
    })),
    condition: r % 2 ? [3] : [5, 14, 16],
  }));
  const targets = Array.from({ length: rows }, (_, r) => [...encodeText(`<think></think>\\boxed{${'ABCD'[r % 4]}${r % 3 ? '-1' : ''}}`), EOS_ID]);
  return { enc: buildEncoderFeed(config, inputs, { transposed: true }), tok: buildTokenFeed(config, targets) };
}

async function logitsAndGrads(backend: string): Promise<{ logits: Float32Array; grads: Map<string, Float32Array> }> {
  await tf.setBackend(backend);
  const model = PolicyModel.create(config, { seed: 5 });
  const { enc, tok } = batch(4, 2);
  const logits = tf.tidy(() => model.logits(enc, tok)).dataSync() as Float32Array;
  const { grads } = tf.variableGrads(() => model.loss(enc, tok, { training: true }), model.variables);
  const names = new Map(model.variables.map((v, i) => [v.name, model.specs[i].name]));
  const out = new Map(Object.entries(grads).map(([k, g]) => [names.get(k)!, g.dataSync() as Float32Array]));
  tf.dispose(grads);
  model.dispose();
  return { logits, grads: out };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('PolicyModel', () => {
  beforeAll(async () => {
    await loadBackend({ prefer: 'wasm', log: false });
  });

  it('computes the same logits and gradients on the cpu and wasm backends', async () => {
    const cpu = await logitsAndGrads('cpu');
    const wasm = await logitsAndGrads('wasm');
    expect(maxDiff(cpu.logits, wasm.logits)).toBeLessThan(1e-5);
    for (const [name, g] of cpu.grads) {
      const scale = Math.max(1e-3, ...Array.from(g, Math.abs));
      expect(maxDiff(g, wasm.grads.get(name)!) / scale, name).toBeLessThan(1e-4);
    }
  });

  it('starts from the same weights for the same seed and from other weights for another', () => {
    const a = PolicyModel.create(config, { seed: 1 }).readWeights();
    const b = PolicyModel.create(config, { seed: 1 }).readWeights();
    const c = PolicyModel.create(config, { seed: 2 }).readWeights();
    expect(Buffer.from(a.get('enc.0.q.w')!.buffer).equals(Buffer.from(b.get('enc.0.q.w')!.buffer))).toBe(true);
    expect(maxDiff(a.get('enc.0.q.w')!, c.get('enc.0.q.w')!)).toBeGreaterThan(0.01);
  });

  it('counts its parameters and matches the presets', () => {
    const m = PolicyModel.create(config);
    expect(m.parameterCount).toBe(countParameters(config));
    expect(countParameters(modelPresets.small)).toBe(1_201_255);
    m.dispose();
  });

  it('masks padded images and conditioning slots (a padded row scores like the unpadded one)', () => {
    const m = PolicyModel.create(config, { seed: 3 });
    const s = config.imageSize;
    const img = { size: s, data: new Uint8Array(s * s * 3).fill(90) };
    const other = { size: s, data: new Uint8Array(s * s * 3).fill(200) };
    const targets = [[...encodeText('<think></think>\\boxed{A}'), EOS_ID]];
    const alone = tf.tidy(() => m.logits(buildEncoderFeed(config, [{ images: [img], condition: [3] }]), buildTokenFeed(config, targets)).dataSync());
    const padded = tf.tidy(() =>
      m.logits(
        buildEncoderFeed(config, [
          { images: [img], condition: [3] },
          { images: [other, other], condition: [5, 14] },
        ]),
        buildTokenFeed(config, [...targets, ...targets]),
      ).dataSync(),
    );
    expect(maxDiff(alone, padded.subarray(0, alone.length))).toBeLessThan(1e-5);
    m.dispose();
  });

  it('names the tensor when weights do not fit the config', () => {
    const m = PolicyModel.create(config);
    const w = m.readWeights();
    w.set('dec.0.up.w', new Float32Array(5));
    expect(() => PolicyModel.fromWeights(config, w)).toThrow(CheckpointError);
    expect(() => PolicyModel.fromWeights(config, w)).toThrow(/dec\.0\.up\.w has 5 values but the config expects shape 32×64/);
    w.delete('dec.0.up.w');
    expect(() => PolicyModel.fromWeights(config, w)).toThrow(/dec\.0\.up\.w is missing/);
    expect(() => PolicyModel.fromWeights({ ...config, width: 48 }, m.readWeights())).toThrow(/patch\.w has .* values but the config expects shape 320×48/);
    m.dispose();
  });

  it('clones into a frozen reference model and frees its variables on dispose', () => {
    const m = PolicyModel.create(config, { seed: 4 });
    const before = tf.memory().numTensors;
    const ref = m.clone();
    expect(ref.trainable).toBe(false);
    expect(ref.variables.every((v) => !v.trainable)).toBe(true);
    const { enc, tok } = batch(2, 1);
    const a = tf.tidy(() => m.logits(enc, tok).dataSync());
    const b = tf.tidy(() => ref.logits(enc, tok).dataSync());
    expect(Array.from(b)).toEqual(Array.from(a));
    ref.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => ref.variables).toThrow(/disposed/);
    m.dispose();
  });

  it('leaks no tensors across a training step', () => {
    const m = PolicyModel.create({ ...config, dropout: 0.2 }, { seed: 6 });
    const { enc, tok } = batch(3, 2);
    const step = (): void => {
      const { value, grads } = tf.variableGrads(() => m.loss(enc, tok, { training: true, dropoutKey: 9 }), m.variables);
      tf.dispose([value, ...Object.values(grads)]);
    };
    step();
    const before = tf.memory().numTensors;
    step();
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });
});
