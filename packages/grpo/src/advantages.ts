import { GrpoInputError } from './errors.js';
import { MASK_EPS, whitenUnchecked } from './masked.js';
import {
  checkFiniteResult,
  checkIndex,
  checkMask,
  checkMatrix,
  checkNumber,
  type GroupId,
  type Shape,
} from './validate.js';

/** Advantages and returns, both B×L and zero wherever `responseMask` is 0. */
export interface AdvantageResult {
  advantages: number[][];
  returns: number[][];
}

/** Inputs shared by the group-relative estimators (GRPO, Dr. GRPO, RLOO). */
export interface GroupAdvantageInput {
  /** B×L per-token rewards; the outcome reward usually sits on the last response token. */
  tokenLevelRewards: number[][];
  /** B×L, 1 on response tokens and 0 on padding. */
  responseMask: number[][];
  /** One group id per row (the prompt the response answers); rows of a group may sit anywhere. */
  index: readonly GroupId[];
}

/** Inputs of {@link grpoAdvantages}. */
export interface GrpoAdvantageInput extends GroupAdvantageInput {
  /** Added to the group standard deviation, default 1e-6 (EasyR1 `eps`). */
  eps?: number;
}

/** Inputs of {@link reinforcePlusPlusAdvantages}. */
export interface ReinforcePlusPlusInput {
  /** B×L per-token rewards. */
  tokenLevelRewards: number[][];
  /** B×L, 1 on response tokens and 0 on padding. */
  responseMask: number[][];
  /** Discount factor in [0, 1], default 1 (EasyR1 `algorithm.gamma`). */
  gamma?: number;
}

interface GroupStats {
  mean: number;
  std: number;
  sum: number;
  size: number;
  constant: boolean;
}

function checkRewards(tokenLevelRewards: unknown, responseMask: unknown): Shape {
  const shape = checkMatrix('tokenLevelRewards', tokenLevelRewards);
  checkMask('responseMask', responseMask, shape, 'tokenLevelRewards');
  return shape;
}

function scoresUnchecked(tokenLevelRewards: number[][]): number[] {
  return tokenLevelRewards.map((row) => {
    let s = 0;
    for (const r of row) s += r;
    checkFiniteResult('tokenLevelRewards', s, 'a sequence score');
    return s;
  });
}

// Sorting before summing makes the statistics independent of row order, bit for bit.
function groupStats(values: number[]): GroupStats {
  const sorted = [...values].sort((a, b) => a - b);
  const size = sorted.length;
  let sum = 0;
  for (const v of sorted) sum += v;
  const constant = sorted[0] === sorted[size - 1];
  const mean = constant ? sorted[0] : sum / size;
  let sq = 0;
  for (const v of sorted) sq += (v - mean) * (v - mean);
  const std = constant || size < 2 ? 0 : Math.sqrt(sq / (size - 1));
  checkFiniteResult('tokenLevelRewards', sum, 'a group score sum');
  checkFiniteResult('tokenLevelRewards', std, 'a group standard deviation');
  return { mean, std, sum, size, constant };
}

function groupsOf(index: readonly GroupId[], scores: number[], estimator: string): Map<GroupId, GroupStats> {
  const members = new Map<GroupId, number[]>();
  const firstRow = new Map<GroupId, number>();
  index.forEach((id, i) => {
    const list = members.get(id);
    if (list) list.push(scores[i]);
    else {
      members.set(id, [scores[i]]);
      firstRow.set(id, i);
    }
  });
  const stats = new Map<GroupId, GroupStats>();
  for (const [id, values] of members) {
    if (values.length < 2) {
      throw new GrpoInputError(
        'SINGLETON_GROUP',
        'index',
        `group ${JSON.stringify(id)} (row ${firstRow.get(id)}) has a single response; ` +
          `${estimator} needs at least two responses per group`,
      );
    }
    stats.set(id, groupStats(values));
  }
  return stats;
}

function broadcast(perRow: number[], mask: number[][]): number[][] {
  return mask.map((row, i) => row.map((m) => (m === 0 ? 0 : perRow[i])));
}

function result(perRow: number[], mask: number[][]): AdvantageResult {
  for (const a of perRow) checkFiniteResult('tokenLevelRewards', a, 'an advantage');
  return { advantages: broadcast(perRow, mask), returns: broadcast(perRow, mask) };
}

/**
 * Sequence scores `s_i = Σ_t r[i][t]` over every position (padding included), as EasyR1
 * `token_level_rewards.sum(-1)`.
 * @returns B numbers.
 */
export function sequenceScores(tokenLevelRewards: number[][]): number[] {
  checkMatrix('tokenLevelRewards', tokenLevelRewards);
  return scoresUnchecked(tokenLevelRewards);
}

/**
 * GRPO outcome advantages `A_i = (s_i − mean_g) / (std_g + eps)` with the unbiased standard
 * deviation over the rows sharing a group id, broadcast over the response tokens; matches EasyR1
 * `compute_grpo_outcome_advantage`. A group whose scores are all equal gets exactly 0; a group of
 * one response throws `SINGLETON_GROUP` (as EasyR1's assertion does).
 */
export function grpoAdvantages(input: GrpoAdvantageInput): AdvantageResult {
  const { tokenLevelRewards, responseMask, index, eps = 1e-6 } = input;
  const shape = checkRewards(tokenLevelRewards, responseMask);
  checkIndex('index', index, shape.rows);
  checkNumber('eps', eps, { min: 0 });
  const scores = scoresUnchecked(tokenLevelRewards);
  const stats = groupsOf(index, scores, 'GRPO');
  const perRow = scores.map((s, i) => {
    const g = stats.get(index[i]) as GroupStats;
    return g.constant ? 0 : (s - g.mean) / (g.std + eps);
  });
  return result(perRow, responseMask);
}

/**
 * Dr. GRPO advantages `A_i = s_i − mean_g` (no division by the group standard deviation), from
 * Liu et al. 2025, "Understanding R1-Zero-Like Training"; verl's GRPO with
 * `norm_adv_by_std_in_grpo=False`. Pair it with the `constant` loss aggregation.
 */
export function drGrpoAdvantages(input: GroupAdvantageInput): AdvantageResult {
  const { tokenLevelRewards, responseMask, index } = input;
  const shape = checkRewards(tokenLevelRewards, responseMask);
  checkIndex('index', index, shape.rows);
  const scores = scoresUnchecked(tokenLevelRewards);
  const stats = groupsOf(index, scores, 'Dr. GRPO');
  const perRow = scores.map((s, i) => {
    const g = stats.get(index[i]) as GroupStats;
    return g.constant ? 0 : s - g.mean;
  });
  return result(perRow, responseMask);
}

/**
 * RLOO advantages `A_i = s_i − (Σ_g − s_i)/(n_g − 1)` (leave-one-out baseline), matching EasyR1
 * `compute_rloo_outcome_advantage`; a group of one response throws `SINGLETON_GROUP`.
 */
export function rlooAdvantages(input: GroupAdvantageInput): AdvantageResult {
  const { tokenLevelRewards, responseMask, index } = input;
  const shape = checkRewards(tokenLevelRewards, responseMask);
  checkIndex('index', index, shape.rows);
  const scores = scoresUnchecked(tokenLevelRewards);
  const stats = groupsOf(index, scores, 'RLOO');
  const perRow = scores.map((s, i) => {
    const g = stats.get(index[i]) as GroupStats;
    return g.constant ? 0 : s - (g.sum - s) / (g.size - 1);
  });
  return result(perRow, responseMask);
}

/**
 * REINFORCE++ advantages: discounted returns `R_t = r_t + γ·R_{t+1}`, restarted after each
 * response's mask ends, then `A = masked_whiten(R, m)·m` over the whole batch; matches EasyR1
 * `compute_reinforce_plus_plus_outcome_advantage` on response tokens (EasyR1 leaves whitened
 * values on padding, here they are 0 as in verl). Returns are not masked, as in both.
 */
export function reinforcePlusPlusAdvantages(input: ReinforcePlusPlusInput): AdvantageResult {
  const { tokenLevelRewards, responseMask, gamma = 1 } = input;
  const shape = checkRewards(tokenLevelRewards, responseMask);
  checkNumber('gamma', gamma, { min: 0, max: 1 });
  const returns = tokenLevelRewards.map((row) => new Array<number>(row.length).fill(0));
  for (let i = 0; i < shape.rows; i++) {
    let running = 0;
    for (let t = shape.cols - 1; t >= 0; t--) {
      running = tokenLevelRewards[i][t] + gamma * running;
      returns[i][t] = running;
      running *= responseMask[i][t];
    }
  }
  for (const row of returns) for (const r of row) checkFiniteResult('tokenLevelRewards', r, 'a discounted return');
  const whitened = whitenUnchecked(returns, responseMask, MASK_EPS);
  for (const row of whitened) for (const a of row) checkFiniteResult('tokenLevelRewards', a, 'a whitened return');
  const advantages = whitened.map((row, i) => row.map((a, t) => (responseMask[i][t] === 0 ? 0 : a)));
  return { advantages, returns };
}
