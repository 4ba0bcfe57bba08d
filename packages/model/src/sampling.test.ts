import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from './backend.js';
import { modelPresets, type ModelConfig } from './config.js';
import { ModelError } from './errors.js';
import { buildEncoderFeed, buildTokenFeed, type ModelInput } from './feed.js';
import { PolicyModel } from './model.js';
import { pickToken, sample } from './sampling.js';
import { EOS_ID } from './tokenizer.js';

const config: ModelConfig = { ...modelPresets.tiny, maxAnswerTokens: 12 };
let model: PolicyModel;

function inputs(rows: number): ModelInput[] {
  const s = config.imageSize;
  return Array.from({ length: rows }, (_, r) => ({
    images: [{ size: s, data: new Uint8Array(s * s * 3).map((_, i) => (i * 5 + r * 17) % 256) }],
    condition: [1 + (r % 5), 7],
  }));
}

beforeAll(async () => {
  await loadBackend({ prefer: 'wasm', log: false });
  // Larger than usual initial logits, so untrained samples vary (and some stop early).
  model = PolicyModel.create(config, { seed: 11 });
  const w = model.readWeights();
  w.set('head.w', w.get('head.w')!.map((v) => v * 100));
  model.writeWeights(w);
});

describe('sample', () => {
  it('reports log-probs that teacher-forced tokenLogProbs recomputes to 1e-5', () => {
    const feed = buildEncoderFeed(config, inputs(6));
    const out = sample(model, feed, { temperature: 1, topP: 1, maxTokens: 12, seed: 3 });
    const tokens = buildTokenFeed(config, out.map((o) => o.tokens));
    const lp = tf.tidy(() => model.tokenLogProbs(feed, tokens).arraySync());
    let worst = 0;
    out.forEach((o, r) => {
      expect(o.logProbs).toHaveLength(o.tokens.length);
      o.logProbs.forEach((v, t) => (worst = Math.max(worst, Math.abs(v - lp[r][t]))));
      for (let t = o.tokens.length; t < tokens.length; t++) expect(lp[r][t]).toBe(0);
    });
    expect(worst).toBeLessThan(1e-5);
  });

  it('is deterministic in the seed and independent of the batch around a row', () => {
    const opts = { temperature: 1, topP: 0.95, maxTokens: 12, seed: 42 };
    const all = sample(model, buildEncoderFeed(config, inputs(5)), { ...opts, rowKeys: [10, 11, 12, 13, 14] });
    const again = sample(model, buildEncoderFeed(config, inputs(5)), { ...opts, rowKeys: [10, 11, 12, 13, 14] });
    expect(again.map((o) => o.tokens)).toEqual(all.map((o) => o.tokens));
    const alone = sample(model, buildEncoderFeed(config, inputs(5).slice(3, 4)), { ...opts, rowKeys: [13] });
    expect(alone[0].tokens).toEqual(all[3].tokens);
    const other = sample(model, buildEncoderFeed(config, inputs(5)), { ...opts, seed: 43, rowKeys: [10, 11, 12, 13, 14] });
    expect(other.map((o) => o.tokens)).not.toEqual(all.map((o) => o.tokens));
  });

  it('decodes greedily at temperature 0, with or without the key/value cache', () => {
    const feed = buildEncoderFeed(config, inputs(4));
    const a = sample(model, feed, { temperature: 0, topP: 1, maxTokens: 12, seed: 1 });
    const b = sample(model, feed, { temperature: 0, topP: 1, maxTokens: 12, seed: 2, cache: false });
    expect(b.map((o) => o.tokens)).toEqual(a.map((o) => o.tokens));
    const logits = tf.tidy(() => model.logits(feed, buildTokenFeed(config, a.map((o) => o.tokens))).arraySync());
    const len = Math.max(...a.map((o) => o.tokens.length));
    a.forEach((o, r) =>
      o.tokens.forEach((tok, t) => {
        const row = logits[r * len + t];
        expect(tok).toBe(row.indexOf(Math.max(...row)));
      }),
    );
  });

  it('draws n samples per input from one encoding and stops at EOS or maxTokens', () => {
    const out = sample(model, buildEncoderFeed(config, inputs(2)), { temperature: 1, topP: 1, maxTokens: 5, seed: 9, samplesPerInput: 3 });
    expect(out).toHaveLength(6);
    for (const o of out) {
      expect(o.tokens.length).toBeLessThanOrEqual(5);
      expect(o.finishReason).toBe(o.tokens[o.tokens.length - 1] === EOS_ID ? 'stop' : 'length');
      if (o.finishReason === 'length') expect(o.tokens).toHaveLength(5);
    }
  });

  it('takes settings per row, and rows padded to one conditioning length give bit-identical log-probs in any batch', () => {
    const mixed: ModelInput[] = inputs(4).map((input, r) => ({ ...input, condition: input.condition.slice(0, 1 + (r % 2)) }));
    const rows = [
      { temperature: 1, topP: 1, maxTokens: 12, seed: 5 },
      { temperature: 0, topP: 1, maxTokens: 3, seed: 0 },
      { temperature: 0.7, topP: 0.9, maxTokens: 12, seed: 6 },
      { temperature: 1.3, topP: 1, maxTokens: 8, seed: 7 },
    ];
    const fixed = { conditionLength: config.maxPromptTokens };
    const shared = { temperature: 1, topP: 1, maxTokens: 12, seed: 0 };
    const all = sample(model, buildEncoderFeed(config, mixed, fixed), { ...shared, rows, rowKeys: [10, 11, 12, 13] });
    expect(all[1].tokens.length).toBeLessThanOrEqual(3);
    mixed.forEach((input, r) => {
      const alone = sample(model, buildEncoderFeed(config, [input], fixed), { ...shared, rows: [rows[r]], rowKeys: [10 + r] });
      expect(alone[0].tokens).toEqual(all[r].tokens);
      expect(alone[0].logProbs).toEqual(all[r].logProbs);
    });
  });

  it('ends a row at its first stop text and keeps the text before it', () => {
    const feed = buildEncoderFeed(config, inputs(1));
    const [free] = sample(model, feed, { temperature: 0, topP: 1, maxTokens: 12, seed: 0 });
    expect(free.text.length).toBeGreaterThan(2);
    const stop = free.text.slice(1, 3);
    const [cut] = sample(model, feed, { temperature: 0, topP: 1, maxTokens: 12, seed: 0, rows: [{ temperature: 0, topP: 1, maxTokens: 12, seed: 0, stop: ['zzz', stop] }] });
    expect(cut).toMatchObject({ text: free.text.slice(0, free.text.indexOf(stop)), finishReason: 'stop' });
    expect(cut.tokens).toEqual(free.tokens.slice(0, cut.tokens.length));
  });

  it('rejects bad sampling settings', () => {
    const feed = buildEncoderFeed(config, inputs(1));
    expect(() => sample(model, feed, { temperature: -1, topP: 1, maxTokens: 4, seed: 0 })).toThrow(ModelError);
    expect(() => sample(model, feed, { temperature: 1, topP: 0, maxTokens: 4, seed: 0 })).toThrow(/topP/);
    expect(() => sample(model, feed, { temperature: 1, topP: 1, maxTokens: 0, seed: 0 })).toThrow(/maxTokens/);
    expect(() => sample(model, feed, { temperature: 1, topP: 1, maxTokens: 4, seed: 0, rowKeys: [1, 2] })).toThrow(/rowKeys/);
  });

  it('leaks no tensors', () => {
    const feed = buildEncoderFeed(config, inputs(3));
    sample(model, feed, { temperature: 1, topP: 1, maxTokens: 6, seed: 1 });
    const before = tf.memory().numTensors;
    sample(model, feed, { temperature: 1, topP: 0.9, maxTokens: 6, seed: 2, samplesPerInput: 2 });
    sample(model, feed, { temperature: 1, topP: 1, maxTokens: 6, seed: 2, cache: false });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('pickToken', () => {
  const logp = [Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)];

  it('samples in proportion at temperature 1 and takes the arg max at 0', () => {
    expect(pickToken(logp, 0, 1, 0.99)).toBe(0);
    expect(pickToken(logp, 1, 1, 0.49)).toBe(0);
    expect(pickToken(logp, 1, 1, 0.51)).toBe(1);
    expect(pickToken(logp, 1, 1, 0.97)).toBe(3);
  });

  it('keeps only the nucleus under top-p', () => {
    // top-p 0.8 keeps tokens 0 and 1 (0.5 + 0.3), renormalised to 0.625 / 0.375.
    expect(pickToken(logp, 1, 0.8, 0.6)).toBe(0);
    expect(pickToken(logp, 1, 0.8, 0.7)).toBe(1);
    expect(pickToken(logp, 1, 0.8, 0.999)).toBe(1);
  });

  it('sharpens with a low temperature', () => {
    // At T = 0.25 token 0 holds (0.5^4)/(Σ p^4) ≈ 0.86 of the mass.
    expect(pickToken(logp, 0.25, 1, 0.85)).toBe(0);
  });
});
