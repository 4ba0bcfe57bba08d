// Times the array API on one Spatial-SSRL-sized rollout batch (256 prompts × 5 responses,
// 1,024 response tokens). Run with `pnpm bench` (builds dist first).
import { averageLoss, grpoAdvantages, klPenalty, policyLoss } from '../dist/index.js';

const B = 1280;
const L = 1024;
let seed = 1;
const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;

const responseMask = Array.from({ length: B }, () => {
  const n = 1 + Math.floor(rand() * L);
  return Array.from({ length: L }, (_, t) => (t < n ? 1 : 0));
});
const tokenLevelRewards = responseMask.map((row) => {
  const out = new Array(L).fill(0);
  out[row.lastIndexOf(1)] = rand() < 0.5 ? 1 : 0.1;
  return out;
});
const index = Array.from({ length: B }, (_, i) => Math.floor(i / 5));
const logProbs = responseMask.map((row) => row.map(() => Math.log(0.05 + 0.95 * rand())));
const oldLogProbs = logProbs.map((row) => row.map((v) => v + 0.1 * (rand() - 0.5)));

function time(name, fn, runs = 5) {
  fn();
  const t0 = performance.now();
  for (let k = 0; k < runs; k++) fn();
  const ms = (performance.now() - t0) / runs;
  console.log(`${name.padEnd(36)} ${ms.toFixed(1).padStart(7)} ms  (${((ms * 1e6) / (B * L)).toFixed(0)} ns/token)`);
}

console.log(`batch ${B} × ${L} tokens`);
let advantages = [];
time('grpoAdvantages', () => {
  advantages = grpoAdvantages({ tokenLevelRewards, responseMask, index }).advantages;
});
time('policyLoss default × token', () => policyLoss({ oldLogProbs, logProbs, advantages, responseMask }));
time('policyLoss gspo_token × seq', () =>
  policyLoss({ oldLogProbs, logProbs, advantages, responseMask, lossType: 'gspo_token', lossAvgMode: 'seq' }),
);
time('klPenalty low_var_kl + averageLoss', () =>
  averageLoss(klPenalty({ logProbs, refLogProbs: oldLogProbs, kind: 'low_var_kl' }), responseMask),
);
