import { cpus, totalmem } from 'node:os';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { loadBackend } from '../backend.js';
import { imageTokenCount, mlpWidth, modelPresets, patchDim, type ModelConfig } from '../config.js';
import { CONDITION_VOCAB_SIZE } from '../conditioning.js';
import { buildEncoderFeed, buildTokenFeed, type ModelInput } from '../feed.js';
import { PolicyModel } from '../model.js';
import { countParameters } from '../params.js';
import { sample } from '../sampling.js';
import { encodeText, EOS_ID, TEXT_VOCAB_SIZE } from '../tokenizer.js';

// Benchmark of the small preset: SFT step time and achieved GFLOP/s against a measured plain
// 2-D matMul peak, sampling throughput with and without the key/value cache, peak memory.
// Times are CPU time of this process (user + system) unless marked wall: the machines these
// run on are shared, and CPU time is what the single-threaded wasm backend actually spends.

interface Timing {
  readonly cpuMs: number;
  readonly wallMs: number;
}

function time(fn: () => void, repeats: number): Timing {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < repeats; i++) fn();
  const c = process.cpuUsage(c0);
  return { cpuMs: (c.user + c.system) / 1000 / repeats, wallMs: (performance.now() - t0) / repeats };
}

function best(fn: () => void, repeats: number, rounds: number): Timing {
  let out: Timing = { cpuMs: Infinity, wallMs: Infinity };
  for (let r = 0; r < rounds; r++) {
    const t = time(fn, repeats);
    if (t.cpuMs < out.cpuMs) out = t;
  }
  return out;
}

/** Multiply-accumulates of one forward pass, split into plain 2-D matMuls and batched attention products. */
function forwardMacs(c: ModelConfig, batch: number, images: number, cond: number, len: number): { dense: number; constant: number; attention: number } {
  const d = c.width;
  const m = mlpWidth(c);
  const t = imageTokenCount(c);
  const n = batch * images * t;
  const mem = images * t + cond;
  const rows = batch * len;
  let dense = c.encoderDepth * (4 * n * d * d + 2 * n * d * m);
  dense += c.decoderDepth * (6 * rows * d * d + 2 * batch * mem * d * d + 2 * rows * d * m);
  dense += rows * d * TEXT_VOCAB_SIZE;
  const constant = n * patchDim(c) * d + rows * TEXT_VOCAB_SIZE * d + batch * cond * CONDITION_VOCAB_SIZE * d;
  const attention = c.encoderDepth * 2 * batch * images * t * t * d + c.decoderDepth * 2 * batch * (len * len + len * mem) * d;
  return { dense, constant, attention };
}

/** FLOPs of one training step: forward, plus input and weight gradients (embeddings of constants get weight gradients only). */
function stepFlops(c: ModelConfig, batch: number, images: number, cond: number, len: number): number {
  const f = forwardMacs(c, batch, images, cond, len);
  return 2 * (3 * f.dense + 2 * f.constant + 3 * f.attention);
}

function inputs(c: ModelConfig, rows: number, images: number, cond: number): ModelInput[] {
  const s = c.imageSize;
  return Array.from({ length: rows }, (_, r) => ({
    images: Array.from({ length: images }, (_, k) => ({ size: s, data: new Uint8Array(s * s * 3).map((_, i) => (i * 7 + r * 13 + k * 5) % 256) })),
    condition: Array.from({ length: cond }, (_, i) => 1 + ((r + i) % (CONDITION_VOCAB_SIZE - 1))),
  }));
}

function matmulPeak(): { shape: string; gflops: number }[] {
  return [
    [512, 128, 512],
    [512, 512, 128],
    [1024, 512, 512],
  ].map(([m, k, n]) => {
    const a = tf.randomNormal([m, k]) as tf.Tensor2D;
    const b = tf.randomNormal([k, n]) as tf.Tensor2D;
    const t = best(
      () => {
        const out = tf.matMul(a, b);
        out.dataSync();
        out.dispose();
      },
      20,
      3,
    );
    tf.dispose([a, b]);
    return { shape: `${m}×${k}·${k}×${n}`, gflops: (2 * m * k * n) / t.cpuMs / 1e6 };
  });
}

function trainStep(model: PolicyModel, c: ModelConfig, batch: number, images: number, answer: string): Timing {
  const enc = buildEncoderFeed(c, inputs(c, batch, images, images > 1 ? 1 : 2), { transposed: true });
  const tok = buildTokenFeed(c, Array.from({ length: batch }, () => [...encodeText(`<think></think>\\boxed{${answer}}`), EOS_ID]));
  const step = (): void => {
    const { value, grads } = tf.variableGrads(() => model.loss(enc, tok, { training: true }), model.variables);
    value.dataSync();
    for (const g of Object.values(grads)) g.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
  step();
  const slow = tf.getBackend() === 'cpu';
  return best(step, slow ? 1 : 5, slow ? 1 : 3);
}

function sampling(model: PolicyModel, c: ModelConfig, cache: boolean): { tokensPerSec: number; wallTokensPerSec: number; tokens: number } {
  const feed = buildEncoderFeed(c, inputs(c, 8, 1, 2));
  const run = (): number => sample(model, feed, { temperature: 0, topP: 1, maxTokens: c.maxAnswerTokens, seed: 0, cache }).reduce((n, o) => n + o.tokens.length, 0);
  run();
  let tokens = 0;
  const repeats = tf.getBackend() === 'cpu' ? 1 : 5;
  const t = best(() => (tokens = run()), repeats, tf.getBackend() === 'cpu' ? 1 : 3);
  return { tokensPerSec: (tokens / t.cpuMs) * 1000, wallTokensPerSec: (tokens / t.wallMs) * 1000, tokens };
}

async function main(): Promise<void> {
  const require = createRequire(import.meta.url);
  const version = (p: string): string => (require(`${p}/package.json`) as { version: string }).version;
  const c = modelPresets.small;
  console.log('# @spatial-ssrl/model benchmark');
  console.log(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; node ${process.version}`);
  console.log(`tfjs-core ${tf.version_core}, tfjs-backend-wasm ${version('@tensorflow/tfjs-backend-wasm')}`);
  console.log(`model: small preset, ${countParameters(c).toLocaleString('en-US')} parameters, ${c.imageSize} px, ${imageTokenCount(c)} image tokens, width ${c.width}, ${c.encoderDepth}+${c.decoderDepth} blocks`);
  console.log('times: CPU time of this process (best of 3 rounds), wall clock in brackets\n');
  for (const backend of ['wasm', 'cpu'] as const) {
    await loadBackend({ env: { SSRL_BACKEND: backend }, log: false });
    const model = PolicyModel.create(c, { seed: 1 });
    const peaks = matmulPeak();
    const peak = Math.max(...peaks.map((p) => p.gflops));
    const typical = peaks[0].gflops;
    console.log(`## ${backend}`);
    console.log(`plain 2-D matMul: ${peaks.map((p) => `${p.shape} ${p.gflops.toFixed(1)} GFLOP/s`).join(', ')}`);
    const rows: string[][] = [['SFT step, batch 32', 'ms', 'GFLOP', 'GFLOP/s', '% of peak', `% of ${peaks[0].shape}`]];
    for (const [label, images, answer] of [
      ['1 image, 12-token answer', 1, '0-2-3-1'],
      ['5 images, 6-token answer', 5, 'B'],
    ] as const) {
      const t = trainStep(model, c, 32, images, answer);
      const len = encodeText(`<think></think>\\boxed{${answer}}`).length + 1;
      const gflop = stepFlops(c, 32, images, images > 1 ? 1 : 2, len) / 1e9;
      const rate = gflop / (t.cpuMs / 1000);
      rows.push([label, `${t.cpuMs.toFixed(0)} (${t.wallMs.toFixed(0)})`, gflop.toFixed(2), rate.toFixed(1), `${((100 * rate) / peak).toFixed(0)}%`, `${((100 * rate) / typical).toFixed(0)}%`]);
    }
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
    const cached = sampling(model, c, true);
    const plain = sampling(model, c, false);
    console.log(`greedy sampling, batch 8, up to ${c.maxAnswerTokens} tokens: with cache ${cached.tokensPerSec.toFixed(0)} tok/s (${cached.wallTokensPerSec.toFixed(0)} wall), without cache ${plain.tokensPerSec.toFixed(0)} tok/s (${plain.wallTokensPerSec.toFixed(0)} wall); ${cached.tokens} tokens per call`);
    console.log(`tensor memory ${(tf.memory().numBytes / 2 ** 20).toFixed(1)} MiB, peak RSS so far ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB\n`);
    model.dispose();
  }
}

await main();
