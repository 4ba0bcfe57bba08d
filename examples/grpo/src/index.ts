import { pathToFileURL } from 'node:url';
import {
  averageLoss,
  drGrpoAdvantages,
  grpoAdvantages,
  klPenalty,
  policyLoss,
  rlooAdvantages,
} from '@spatial-ssrl/grpo';

/** One sampled response of the toy group. */
export interface ToyResponse {
  /** What the response did, for the table. */
  label: string;
  /** Overall reward: 0.9 · accuracy + 0.1 · format. */
  reward: number;
  /** Response length in tokens. */
  length: number;
}

/** Five responses to one prompt, scored the way Spatial-SSRL scores them. */
export const TOY_GROUP: readonly ToyResponse[] = [
  { label: 'correct, well formatted', reward: 1.0, length: 7 },
  { label: 'wrong, well formatted', reward: 0.1, length: 4 },
  { label: 'correct, well formatted', reward: 1.0, length: 6 },
  { label: 'no <think> or \\boxed{}', reward: 0.0, length: 3 },
  { label: 'wrong, well formatted', reward: 0.1, length: 5 },
];

/** Numbers the example prints, returned for tests and reuse. */
export interface ExampleReport {
  grpo: number[];
  drGrpo: number[];
  rloo: number[];
  /** Loss at the rollout policy (one PPO epoch: ratio 1). */
  lossAtRollout: number;
  /** Loss after a simulated update that moved log-probs by 0.3 · A. */
  lossAfterUpdate: number;
  clipfracAfterUpdate: number;
  /** k3 KL to the reference policy, token-mean. */
  klToReference: number;
  /** The full printed text. */
  text: string;
}

function toyLogProbs(rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, t) => -0.3 - 0.1 * ((i * 7 + t * 3) % 5)),
  );
}

const fmt = (x: number) => (x >= 0 ? ' ' : '') + x.toFixed(4);

const WIDTHS = [28, 6, 7, 8, 11, 8];
function tableRow(cells: string[]): string {
  return cells.map((c, k) => (k === 0 ? c.padEnd(WIDTHS[k]) : c.padStart(WIDTHS[k]))).join(' ');
}

function lossLine(label: string, value: number, clipfrac?: number): string {
  const clip = clipfrac === undefined ? '' : `  clip fraction ${clipfrac.toFixed(2)}`;
  return `${label.padEnd(50)} ${fmt(value)}${clip}`;
}

/** Computes GRPO / Dr. GRPO / RLOO advantages and the clipped policy loss for the toy group. */
export function main(log: (line: string) => void = console.log): ExampleReport {
  const cols = Math.max(...TOY_GROUP.map((r) => r.length));
  const responseMask = TOY_GROUP.map((r) => Array.from({ length: cols }, (_, t) => (t < r.length ? 1 : 0)));
  // The trainer puts the scalar reward on each response's last token.
  const tokenLevelRewards = TOY_GROUP.map((r) =>
    Array.from({ length: cols }, (_, t) => (t === r.length - 1 ? r.reward : 0)),
  );
  const index = TOY_GROUP.map(() => 'prompt-0');
  const input = { tokenLevelRewards, responseMask, index };

  const perRow = (m: number[][]) => m.map((row) => row[0]);
  const grpo = grpoAdvantages(input).advantages;
  const drGrpo = perRow(drGrpoAdvantages(input).advantages);
  const rloo = perRow(rlooAdvantages(input).advantages);

  const lines = [tableRow(['# response', 'reward', 'tokens', 'GRPO A', 'Dr.GRPO A', 'RLOO A'])];
  TOY_GROUP.forEach((r, i) => {
    const cells = [`${i} ${r.label}`, r.reward.toFixed(1), String(r.length), fmt(grpo[i][0]), fmt(drGrpo[i]), fmt(rloo[i])];
    lines.push(tableRow(cells));
  });

  const oldLogProbs = toyLogProbs(TOY_GROUP.length, cols);
  const atRollout = policyLoss({ oldLogProbs, logProbs: oldLogProbs, advantages: grpo, responseMask });
  const updated = oldLogProbs.map((row, i) => row.map((lp) => lp + 0.3 * grpo[i][0]));
  const afterUpdate = policyLoss({ oldLogProbs, logProbs: updated, advantages: grpo, responseMask });
  const refLogProbs = oldLogProbs.map((row) => row.map((lp) => lp - 0.05));
  const kl = klPenalty({ logProbs: updated, refLogProbs, kind: 'low_var_kl' });
  const klToReference = averageLoss(kl, responseMask);

  lines.push('');
  lines.push(lossLine('policy loss at the rollout policy (ratio 1):', atRollout.pgLoss, atRollout.metrics.pgClipfracHigher));
  lines.push(
    lossLine('policy loss after moving log-probs by 0.3·A:', afterUpdate.pgLoss, afterUpdate.metrics.pgClipfracHigher),
  );
  lines.push(lossLine('k3 KL to the reference (token mean):', klToReference));
  lines.push(lossLine('actor loss with kl_coef 0.01:', afterUpdate.pgLoss + 0.01 * klToReference));

  const text = lines.join('\n');
  log(text);
  return {
    grpo: perRow(grpo),
    drGrpo,
    rloo,
    lossAtRollout: atRollout.pgLoss,
    lossAfterUpdate: afterUpdate.pgLoss,
    clipfracAfterUpdate: afterUpdate.metrics.pgClipfracHigher ?? 0,
    klToReference,
    text,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main();
}
