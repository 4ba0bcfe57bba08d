import type { UpdateMetrics } from './policy-update.js';

/** One group of a step and its cost (prompt images × responses). */
export interface GroupCost {
  readonly group: number;
  readonly cost: number;
}

/**
 * Splits groups between two threads so that their summed costs are close: groups go, largest
 * cost first (lower group id first on ties), to the thread with the smaller load so far (the
 * first thread on ties). The split depends only on the set of groups and their costs, never on
 * their order. Returns the group ids of each thread, ascending.
 */
export function splitGroups(groups: readonly GroupCost[]): [number[], number[]] {
  const sorted = [...groups].sort((a, b) => b.cost - a.cost || a.group - b.group);
  const parts: [number[], number[]] = [[], []];
  const load = [0, 0];
  for (const g of sorted) {
    const k = load[1] < load[0] ? 1 : 0;
    parts[k].push(g.group);
    load[k] += g.cost;
  }
  parts[0].sort((a, b) => a - b);
  parts[1].sort((a, b) => a - b);
  return parts;
}

/** Metrics of a mini-batch from the metrics of disjoint parts computed with the mini-batch's totals. */
export function addMetrics(a: UpdateMetrics, b: UpdateMetrics): UpdateMetrics {
  return {
    loss: a.loss + b.loss,
    pgLoss: a.pgLoss + b.pgLoss,
    klLoss: a.klLoss + b.klLoss,
    ppoKl: a.ppoKl + b.ppoKl,
    pgClipfracHigher: a.pgClipfracHigher + b.pgClipfracHigher,
    pgClipfracLower: a.pgClipfracLower + b.pgClipfracLower,
    entropyLoss: a.entropyLoss + b.entropyLoss,
    ratioMaxDev: Math.max(a.ratioMaxDev, b.ratioMaxDev),
    tokens: a.tokens + b.tokens,
  };
}
