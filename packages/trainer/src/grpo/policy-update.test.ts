import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend, modelPresets, PolicyModel, type ModelConfig } from '@spatial-ssrl/model';
import { buildEncoderFeed, buildTokenFeed, CounterRng } from '@spatial-ssrl/model/training';
import { cachedImage } from '../sft/dataset.js';
import { makePrompts } from './__fixtures__/prompts.js';
import { miniBatchTotals, policyGradients, sequenceLogProbs, type LossSettings, type UpdateRow } from './policy-update.js';
import { collectRollouts, type Rollout } from './rollout.js';
import { addGradients } from '../replica/job.js';
import { addMetrics, splitGroups } from './thread-split.js';

const config: ModelConfig = { ...modelPresets.tiny, maxAnswerTokens: 12 };
const { examples, cache } = makePrompts(config, 6);
let model: PolicyModel;
let rollouts: Rollout[];

const loss: LossSettings = {
  lossType: 'default',
  lossAvgMode: 'token',
  clipRatioLow: 0.2,
  clipRatioHigh: 0.3,
  clipRatioDual: 3,
  klKind: 'low_var_kl',
  useKlLoss: true,
  klCoef: 0.01,
};

const rolloutSettings = { groupSize: 3, temperature: 1, topP: 1, grader: 'exact' as const, formatWeight: 0.1, maxTokens: 12, seed: 9 };

beforeAll(async () => {
  await loadBackend({ prefer: 'wasm', log: false });
  model = PolicyModel.create(config, { seed: 3 });
  // Larger initial logits, so samples vary in length and content.
  const w = model.readWeights();
  w.set('head.w', w.get('head.w')!.map((v) => v * 60));
  model.writeWeights(w);
  rollouts = collectRollouts(model, config, examples, cache, rolloutSettings);
});

function rowsWith(advantage: (r: Rollout, i: number) => number, ref = rollouts.map((r) => r.logProbs)): UpdateRow[] {
  return rollouts.map((rollout, i) => ({ rollout, advantages: rollout.tokens.map(() => advantage(rollout, i)), refLogProbs: ref[i] }));
}

describe('collectRollouts', () => {
  it('orders responses by group and sample, scores them, and does not depend on batching', () => {
    expect(rollouts.map((r) => [r.group, r.sample])).toEqual(examples.flatMap((_, k) => [0, 1, 2].map((j) => [k, j])));
    for (const r of rollouts) {
      expect(r.logProbs).toHaveLength(r.tokens.length);
      expect(r.reward.overall).toBeCloseTo(0.9 * r.reward.accuracy + 0.1 * r.reward.format, 12);
    }
    expect(new Set(rollouts.map((r) => r.text)).size).toBeGreaterThan(10);
    const oneByOne = collectRollouts(model, config, examples, cache, { ...rolloutSettings, maxRows: 3 });
    expect(oneByOne.map((r) => r.tokens)).toEqual(rollouts.map((r) => r.tokens));
  });

  it('keeps temperature-1 log-probs that teacher forcing recomputes to 1e-5, whatever the sampling temperature', () => {
    for (const temperature of [1, 0.6]) {
      const rs = collectRollouts(model, config, examples, cache, { ...rolloutSettings, temperature, topP: 0.9 });
      const lp = sequenceLogProbs(model, config, rs, cache);
      let worst = 0;
      rs.forEach((r, i) => r.logProbs.forEach((v, t) => (worst = Math.max(worst, Math.abs(v - lp[i][t])))));
      expect(worst).toBeLessThan(1e-5);
    }
  });
});

describe('sequenceLogProbs', () => {
  it('equals tokenLogProbs on a feed holding each prompt once per response, padded conditioning included', () => {
    // Longer conditioning on the first prompt of each image count, so every sub-batch carries a memory bias.
    const mixed = rollouts.map((r) => (r.group < 2 ? { ...r, example: { ...r.example, condition: [...r.example.condition, 7] } } : r));
    const grouped = sequenceLogProbs(model, config, mixed, cache);
    let worst = 0;
    for (const images of [1, 2]) {
      const rows = mixed.filter((r) => r.example.record.images.length === images);
      const feed = buildEncoderFeed(
        config,
        rows.map((r) => ({ images: r.example.record.images.map((p) => cachedImage(cache, p)), condition: r.example.condition })),
      );
      expect(feed.memoryBias).toBeDefined();
      const lp = tf.tidy(() => model.tokenLogProbs(feed, buildTokenFeed(config, rows.map((r) => r.tokens))).arraySync());
      rows.forEach((r, i) => r.tokens.forEach((_, t) => (worst = Math.max(worst, Math.abs(lp[i][t] - grouped[mixed.indexOf(r)][t])))));
    }
    expect(worst).toBeLessThan(1e-5);
  });

  it('refuses a feed whose rows do not match the token rows', () => {
    const feed = buildEncoderFeed(config, [{ images: [cachedImage(cache, examples[0].record.images[0])], condition: examples[0].condition }]);
    const tokens = buildTokenFeed(config, [[5], [6], [7]]);
    expect(() => model.tokenLogProbs(feed, tokens, { samplesPerInput: 2 })).toThrow(/1 encoder rows × samplesPerInput 2 do not match 3 token rows/);
  });
});

describe('policyGradients', () => {
  it('reports ratio 1 and zero KL before an update, and its step raises the likelihood of positive-advantage responses', () => {
    const sign = (i: number): number => (i % 3 === 0 ? 1 : -1);
    const rows = rowsWith((_, i) => sign(i), sequenceLogProbs(model, config, rollouts, cache));
    const { grads, metrics } = policyGradients(model, config, rows, cache, loss);
    expect(metrics.ratioMaxDev).toBeLessThan(1e-5);
    expect(metrics.klLoss).toBe(0);
    expect(Math.abs(metrics.ppoKl)).toBeLessThan(1e-6);
    expect(metrics.pgClipfracHigher).toBe(0);
    expect(metrics.tokens).toBe(rollouts.reduce((n, r) => n + r.tokens.length, 0));
    const moved = model.clone({ trainable: true });
    const w = moved.readWeights();
    for (const [name, g] of grads) {
      const values = w.get(name)!;
      for (let i = 0; i < values.length; i++) values[i] -= 0.05 * g[i];
    }
    moved.writeWeights(w);
    const before = sequenceLogProbs(model, config, rollouts, cache);
    const after = sequenceLogProbs(moved, config, rollouts, cache);
    moved.dispose();
    const total = (lp: number[][], s: number): number => lp.reduce((acc, row, i) => (sign(i) === s ? acc + row.reduce((a, b) => a + b, 0) : acc), 0);
    expect(total(after, 1)).toBeGreaterThan(total(before, 1));
    expect(total(after, -1)).toBeLessThan(total(before, -1));
  });

  it('gives the same gradient whether the mini-batch runs whole or in sub-batches, for every aggregation', () => {
    const rng = new CounterRng(4);
    const advantages = rollouts.map(() => rng.normal());
    const ref = rollouts.map((r) => r.logProbs.map((v) => v - 0.3 * rng.next()));
    for (const lossAvgMode of ['token', 'seq', 'constant'] as const) {
      const rows = rowsWith((_, i) => advantages[i], ref);
      const whole = policyGradients(model, config, rows, cache, { ...loss, lossAvgMode });
      const split = policyGradients(model, config, rows, cache, { ...loss, lossAvgMode }, { imageBudget: 2 });
      let scale = 0;
      let diff = 0;
      for (const [name, g] of whole.grads) {
        const h = split.grads.get(name)!;
        for (let i = 0; i < g.length; i++) {
          scale = Math.max(scale, Math.abs(g[i]));
          diff = Math.max(diff, Math.abs(g[i] - h[i]));
        }
      }
      expect(scale, lossAvgMode).toBeGreaterThan(0);
      expect(diff / scale, lossAvgMode).toBeLessThan(1e-4);
      expect(split.metrics.loss).toBeCloseTo(whole.metrics.loss, 5);
      expect(split.metrics.klLoss).toBeGreaterThan(0);
      expect(split.metrics.klLoss).toBeCloseTo(whole.metrics.klLoss, 5);
    }
  });

  it('gives the whole mini-batch gradient and metrics as the sum of parts weighted by the whole batch totals', () => {
    const rng = new CounterRng(8);
    const advantages = rollouts.map(() => rng.normal());
    const ref = rollouts.map((r) => r.logProbs.map((v) => v - 0.3 * rng.next()));
    const rows = rowsWith((_, i) => advantages[i], ref);
    const [a, b] = splitGroups(examples.map((e, k) => ({ group: k, cost: e.record.images.length * 3 })));
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    for (const lossAvgMode of ['token', 'seq', 'constant'] as const) {
      const settings = { ...loss, lossAvgMode };
      const whole = policyGradients(model, config, rows, cache, settings);
      const totals = miniBatchTotals(rows);
      const part = (ids: number[]): ReturnType<typeof policyGradients> =>
        policyGradients(model, config, rows.filter((r) => ids.includes(r.rollout.group)), cache, settings, { totals });
      const pa = part(a);
      const pb = part(b);
      const merged = { grads: addGradients(pa.grads, pb.grads), metrics: addMetrics(pa.metrics, pb.metrics) };
      let scale = 0;
      let diff = 0;
      for (const [name, g] of whole.grads) {
        const h = merged.grads.get(name)!;
        for (let i = 0; i < g.length; i++) {
          scale = Math.max(scale, Math.abs(g[i]));
          diff = Math.max(diff, Math.abs(g[i] - h[i]));
        }
      }
      expect(scale, lossAvgMode).toBeGreaterThan(0);
      expect(diff / scale, lossAvgMode).toBeLessThan(1e-5);
      for (const key of ['loss', 'pgLoss', 'klLoss', 'ppoKl', 'entropyLoss', 'pgClipfracHigher', 'pgClipfracLower', 'ratioMaxDev'] as const) {
        expect(merged.metrics[key], `${lossAvgMode} ${key}`).toBeCloseTo(whole.metrics[key], 6);
      }
      expect(merged.metrics.tokens).toBe(whole.metrics.tokens);
    }
  });

  it('refuses totals smaller than the rows it is given', () => {
    const rows = rowsWith(() => 1);
    expect(() => policyGradients(model, config, rows, cache, loss, { totals: { tokens: 1, rows: 1 } })).toThrow(/mini-batch totals \(1 rows, 1 tokens\) are smaller than the part given/);
  });
});
