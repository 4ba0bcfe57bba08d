import * as tf from '@tensorflow/tfjs-core';
import { averageLossTf, klPenaltyTf, policyLossTf } from '@spatial-ssrl/grpo/tfjs';
import { ModelError, type ModelConfig, type PolicyModel } from '@spatial-ssrl/model';
import { buildEncoderFeed, buildTokenFeed, type EncoderFeed, type TokenFeed } from '@spatial-ssrl/model/training';
import { cachedImage, type ImageCache } from '../sft/dataset.js';
import type { GrpoSettings } from './grpo-options.js';
import type { Rollout } from './rollout.js';

/** One response ready for the policy loss: its rollout, per-token advantages and reference log-probs. */
export interface UpdateRow {
  readonly rollout: Rollout;
  readonly advantages: readonly number[];
  readonly refLogProbs: readonly number[];
}

/** Loss settings of one update (β is the controller's current value). */
export type LossSettings = Pick<
  GrpoSettings,
  'lossType' | 'lossAvgMode' | 'clipRatioLow' | 'clipRatioHigh' | 'clipRatioDual' | 'klKind' | 'useKlLoss'
> & { readonly klCoef: number };

/** Diagnostics of one optimizer step (EasyR1 `actor/*` metrics), aggregated over the mini-batch. */
export interface UpdateMetrics {
  /** pgLoss + β·klLoss (klLoss counted only with `useKlLoss`). */
  readonly loss: number;
  readonly pgLoss: number;
  /** `average_loss(kl(lp, ref))`: KL of the current policy to the reference, nats per token. */
  readonly klLoss: number;
  /** Masked mean of old − lp. */
  readonly ppoKl: number;
  readonly pgClipfracHigher: number;
  readonly pgClipfracLower: number;
  /** `average_loss(−lp)`: the sampled tokens' negative log-likelihood (EasyR1 `entropy_loss`). */
  readonly entropyLoss: number;
  /** Largest |exp(lp − old) − 1| over the response tokens (0 up to rounding before the first update of a batch). */
  readonly ratioMaxDev: number;
  /** Response tokens in the mini-batch (or in the part of it computed). */
  readonly tokens: number;
}

/** Prompt images (prompts × images per prompt) run through one forward pass; bounds the activation memory. */
const DEFAULT_IMAGE_BUDGET = 96;

// Rows of one sub-batch: whole groups of equal size and image count, group after group. The
// encoder sees each prompt once; its memory is repeated for the group's responses.
interface SubBatch {
  readonly rows: readonly UpdateRow[];
  readonly perGroup: number;
  readonly encoder: EncoderFeed;
  readonly tokens: TokenFeed;
}

function subBatches(config: ModelConfig, rows: readonly UpdateRow[], cache: ImageCache, imageBudget: number, transposed: boolean): SubBatch[] {
  const groups = new Map<number, UpdateRow[]>();
  for (const r of rows) {
    const list = groups.get(r.rollout.group) ?? [];
    list.push(r);
    groups.set(r.rollout.group, list);
  }
  const byShape = new Map<string, UpdateRow[][]>();
  for (const g of groups.values()) {
    const key = `${g[0].rollout.example.record.images.length}/${g.length}`;
    const list = byShape.get(key) ?? [];
    list.push(g);
    byShape.set(key, list);
  }
  const out: SubBatch[] = [];
  const keys = [...byShape.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  for (const key of keys) {
    const list = byShape.get(key)!;
    const images = list[0][0].rollout.example.record.images.length;
    const maxGroups = Math.max(1, Math.floor(imageBudget / Math.max(1, images)));
    for (let i = 0; i < list.length; i += maxGroups) {
      const chunk = list.slice(i, i + maxGroups);
      const flat = chunk.flat();
      out.push({
        rows: flat,
        perGroup: chunk[0].length,
        encoder: buildEncoderFeed(
          config,
          chunk.map((g) => ({ images: g[0].rollout.example.record.images.map((p) => cachedImage(cache, p)), condition: g[0].rollout.example.condition })),
          { transposed },
        ),
        tokens: buildTokenFeed(
          config,
          flat.map((r) => r.rollout.tokens),
        ),
      });
    }
  }
  return out;
}

// Log-probabilities `[rows, length]` of the target tokens, 0 where the mask is 0 (call inside a tidy or a gradient).
function subBatchLogProbs(model: PolicyModel, b: SubBatch, training: boolean): tf.Tensor2D {
  return model.tokenLogProbs(b.encoder, b.tokens, { training, samplesPerInput: b.perGroup });
}

function padded(rows: readonly UpdateRow[], length: number, pick: (r: UpdateRow) => readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * length);
  rows.forEach((r, i) => {
    const v = pick(r);
    for (let t = 0; t < v.length; t++) out[i * length + t] = v[t];
  });
  return out;
}

/**
 * Log-probabilities of each rollout's tokens under `model` (teacher forcing, temperature 1, no
 * gradient): the reference policy's values for the KL term. Rows keep the input order.
 */
export function sequenceLogProbs(
  model: PolicyModel,
  config: ModelConfig,
  rollouts: readonly Rollout[],
  cache: ImageCache,
  options: { imageBudget?: number } = {},
): number[][] {
  const rows: UpdateRow[] = rollouts.map((rollout) => ({ rollout, advantages: [], refLogProbs: [] }));
  const index = new Map(rows.map((r, i) => [r, i]));
  const out: number[][] = new Array(rows.length);
  for (const b of subBatches(config, rows, cache, options.imageBudget ?? DEFAULT_IMAGE_BUDGET, false)) {
    const lp = tf.tidy(() => subBatchLogProbs(model, b, false));
    const values = lp.dataSync() as Float32Array;
    lp.dispose();
    b.rows.forEach((r, i) => {
      const start = i * b.tokens.length;
      out[index.get(r)!] = Array.from(values.subarray(start, start + r.rollout.tokens.length));
    });
  }
  return out;
}

/** Size of a whole mini-batch, for computing the share of one part of it. */
export interface MiniBatchTotals {
  /** Response tokens of the whole mini-batch. */
  readonly tokens: number;
  /** Responses of the whole mini-batch. */
  readonly rows: number;
}

/** The tokens and rows of a mini-batch. */
export function miniBatchTotals(rows: readonly UpdateRow[]): MiniBatchTotals {
  return { tokens: rows.reduce((n, r) => n + r.rollout.tokens.length, 0), rows: rows.length };
}

/** Options of `policyGradients`. */
export interface PolicyGradientOptions {
  /** Prompt images per forward pass; default `DEFAULT_IMAGE_BUDGET`. */
  readonly imageBudget?: number;
  /**
   * The whole mini-batch when `rows` is only a part of it: losses, gradients and metrics are then
   * this part's share, and the shares of disjoint parts add up to the whole mini-batch's values
   * (except `ratioMaxDev`, whose maximum is taken). Default: `rows` is the whole mini-batch.
   */
  readonly totals?: MiniBatchTotals;
}

/**
 * Gradients of the GRPO actor loss on one mini-batch: `pgLoss + β·average_loss(kl(lp, ref))`
 * (the KL term only with `useKlLoss`), with lp recomputed by teacher forcing on the sampled
 * tokens (each prompt is encoded once and its memory shared by the responses of its group).
 * The mini-batch runs in sub-batches of whole groups of equal image count, whose losses are
 * weighted so that their sum equals the loss of the whole mini-batch under `lossAvgMode` (token:
 * by token count; seq and constant: by row count). Returns gradients by parameter name and the
 * metrics (`tokens` counts the tokens of `rows`).
 */
export function policyGradients(
  model: PolicyModel,
  config: ModelConfig,
  rows: readonly UpdateRow[],
  cache: ImageCache,
  settings: LossSettings,
  options: PolicyGradientOptions = {},
): { grads: Map<string, Float32Array>; metrics: UpdateMetrics } {
  const names = new Map(model.variables.map((v, i) => [v.name, model.specs[i].name]));
  const own = miniBatchTotals(rows);
  const totals = options.totals ?? own;
  if (totals.tokens < own.tokens || totals.rows < own.rows) {
    throw new ModelError('bad-input', `mini-batch totals (${totals.rows} rows, ${totals.tokens} tokens) are smaller than the part given (${own.rows} rows, ${own.tokens} tokens)`);
  }
  const grads = new Map<string, Float32Array>();
  const m = { loss: 0, pgLoss: 0, klLoss: 0, ppoKl: 0, pgClipfracHigher: 0, pgClipfracLower: 0, entropyLoss: 0, ratioMaxDev: 0 };
  for (const b of subBatches(config, rows, cache, options.imageBudget ?? DEFAULT_IMAGE_BUDGET, true)) {
    const subTokens = b.rows.reduce((n, r) => n + r.rollout.tokens.length, 0);
    const tokenWeight = subTokens / totals.tokens;
    const weight = settings.lossAvgMode === 'token' ? tokenWeight : b.rows.length / totals.rows;
    const shape: [number, number] = [b.tokens.rows, b.tokens.length];
    let kept: tf.Tensor1D | undefined;
    const { value, grads: g } = tf.variableGrads(() => {
      const lp = subBatchLogProbs(model, b, true);
      const old = tf.tensor2d(padded(b.rows, shape[1], (r) => r.rollout.logProbs), shape);
      const ref = tf.tensor2d(padded(b.rows, shape[1], (r) => r.refLogProbs), shape);
      const advantages = tf.tensor2d(padded(b.rows, shape[1], (r) => r.advantages), shape);
      const mask = tf.tensor2d(b.tokens.mask, shape);
      // A fixed normaliser for `constant`, so every sub-batch divides by the same length.
      const normalizer = config.maxAnswerTokens;
      const pl = policyLossTf({
        oldLogProbs: old,
        logProbs: lp,
        advantages,
        responseMask: mask,
        clipRatioLow: settings.clipRatioLow,
        clipRatioHigh: settings.clipRatioHigh,
        clipRatioDual: settings.clipRatioDual,
        lossType: settings.lossType,
        lossAvgMode: settings.lossAvgMode,
        lossNormalizer: normalizer,
      });
      const klLoss = averageLossTf(klPenaltyTf({ logProbs: lp, refLogProbs: ref, kind: settings.klKind }), mask, settings.lossAvgMode, {
        normalizer,
      });
      const loss = settings.useKlLoss ? tf.add(pl.pgLoss, tf.mul(klLoss, settings.klCoef)) : pl.pgLoss;
      const dev = tf.max(tf.mul(tf.abs(tf.sub(tf.exp(tf.sub(lp, old)), 1)), mask));
      kept = tf.keep(
        tf.stack([
          loss,
          pl.pgLoss,
          klLoss,
          pl.metrics.ppoKl,
          pl.metrics.pgClipfracHigher ?? tf.scalar(0),
          pl.metrics.pgClipfracLower ?? tf.scalar(0),
          pl.metrics.entropyLoss,
          dev,
        ]) as tf.Tensor1D,
      );
      return tf.mul(loss, weight) as tf.Scalar;
    }, model.variables);
    const v = kept!.dataSync();
    kept!.dispose();
    value.dispose();
    m.loss += weight * v[0];
    m.pgLoss += weight * v[1];
    m.klLoss += weight * v[2];
    m.ppoKl += tokenWeight * v[3];
    m.pgClipfracHigher += tokenWeight * v[4];
    m.pgClipfracLower += tokenWeight * v[5];
    m.entropyLoss += weight * v[6];
    m.ratioMaxDev = Math.max(m.ratioMaxDev, v[7]);
    for (const [varName, t] of Object.entries(g)) {
      const name = names.get(varName)!;
      const values = t.dataSync() as Float32Array;
      const acc = grads.get(name);
      if (acc) for (let i = 0; i < acc.length; i++) acc[i] += values[i];
      else grads.set(name, Float32Array.from(values));
    }
    tf.dispose(g);
  }
  return { grads, metrics: { ...m, tokens: own.tokens } };
}
