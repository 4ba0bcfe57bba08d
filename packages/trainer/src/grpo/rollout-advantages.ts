import {
  applyKlPenaltyToRewards,
  drGrpoAdvantages,
  filterGroups,
  grpoAdvantages,
  klPenalty,
  maskedMean,
  reinforcePlusPlusAdvantages,
  rlooAdvantages,
} from '@spatial-ssrl/grpo';
import type { GrpoSettings } from './grpo-options.js';
import type { Rollout } from './rollout.js';

/** Rows padded to a common length: 1 on each response's tokens, 0 after. */
export function responseMask(rows: readonly Rollout[]): number[][] {
  const length = Math.max(1, ...rows.map((r) => r.tokens.length));
  return rows.map((r) => Array.from({ length }, (_, t) => (t < r.tokens.length ? 1 : 0)));
}

/** Per-token values padded with 0 to the mask's length. */
export function padRows(values: readonly (readonly number[])[], length: number): number[][] {
  return values.map((v) => Array.from({ length }, (_, t) => (t < v.length ? v[t] : 0)));
}

/** Which groups DAPO dynamic sampling keeps. */
export interface GroupSelection {
  /** Rows of the kept groups, in rollout order. */
  readonly rows: Rollout[];
  readonly keptGroups: number;
  readonly droppedGroups: number;
}

/**
 * Keeps the groups whose mean `filterKey` score lies strictly inside (filterLow, filterHigh)
 * when `onlineFiltering` is on (groups that all failed or all succeeded carry no GRPO signal);
 * otherwise keeps everything.
 */
export function selectGroups(rollouts: readonly Rollout[], settings: Pick<GrpoSettings, 'onlineFiltering' | 'filterKey' | 'filterLow' | 'filterHigh'>): GroupSelection {
  const groups = new Set(rollouts.map((r) => r.group)).size;
  if (!settings.onlineFiltering) return { rows: [...rollouts], keptGroups: groups, droppedGroups: 0 };
  const result = filterGroups({
    scores: rollouts.map((r) => r.reward[settings.filterKey]),
    index: rollouts.map((r) => r.group),
    low: settings.filterLow,
    high: settings.filterHigh,
  });
  return { rows: result.keptRows.map((i) => rollouts[i]), keptGroups: result.keptGroups.length, droppedGroups: result.droppedGroups.length };
}

/** Advantages of a batch and the KL of the rollout policy to the reference. */
export interface BatchAdvantages {
  /** Per row, per response token. */
  readonly advantages: number[][];
  /** Token-mean `klKind` estimate of KL(old ‖ ref) over the batch, nats per token. */
  readonly rolloutKl: number;
  /** Mean over rows of each row's mean KL (the controller's input); equals the EasyR1 `critic/kl` metric. */
  readonly controllerKl: number;
}

/**
 * Turns rewards into per-token advantages: the scalar reward `overall` sits on each response's
 * last token (as EasyR1's trainer places it); with `useKlLoss` off, `β·kl(old, ref)` is
 * subtracted from every token's reward first; then the chosen estimator runs with the group id
 * as `index`.
 */
export function rolloutAdvantages(
  rows: readonly Rollout[],
  refLogProbs: readonly (readonly number[])[],
  settings: Pick<GrpoSettings, 'estimator' | 'useKlLoss' | 'klKind'>,
  klCoef: number,
): BatchAdvantages {
  const mask = responseMask(rows);
  const length = mask[0].length;
  const old = padRows(
    rows.map((r) => r.logProbs),
    length,
  );
  const ref = padRows(refLogProbs, length);
  const scores = rows.map((r) => {
    const line = new Array<number>(length).fill(0);
    line[r.tokens.length - 1] = r.reward.overall;
    return line;
  });
  const kl = klPenalty({ logProbs: old, refLogProbs: ref, kind: settings.klKind });
  const rolloutKl = maskedMean(kl, mask);
  let tokenLevelRewards = scores;
  let controllerKl: number;
  if (settings.useKlLoss) {
    const perRow = kl.map((row, i) => {
      let s = 0;
      let n = 0;
      row.forEach((k, t) => {
        s += k * mask[i][t];
        n += mask[i][t];
      });
      return s / (n + 1e-8);
    });
    controllerKl = perRow.reduce((a, b) => a + b, 0) / perRow.length;
  } else {
    const applied = applyKlPenaltyToRewards({ tokenLevelScores: scores, oldLogProbs: old, refLogProbs: ref, responseMask: mask, klCoef, kind: settings.klKind });
    tokenLevelRewards = applied.tokenLevelRewards;
    controllerKl = applied.currentKl;
  }
  const index = rows.map((r) => r.group);
  const input = { tokenLevelRewards, responseMask: mask, index };
  const result =
    settings.estimator === 'grpo'
      ? grpoAdvantages(input)
      : settings.estimator === 'rloo'
        ? rlooAdvantages(input)
        : settings.estimator === 'dr_grpo'
          ? drGrpoAdvantages(input)
          : reinforcePlusPlusAdvantages({ tokenLevelRewards, responseMask: mask });
  const advantages = result.advantages.map((row, i) => row.slice(0, rows[i].tokens.length));
  return { advantages, rolloutKl, controllerKl };
}
