import { GrpoInputError } from './errors.js';
import { checkIndex, checkNumber, checkVector, type GroupId } from './validate.js';

/** Inputs of {@link filterGroups}. */
export interface FilterGroupsInput {
  /** One score per row, e.g. the accuracy reward in [0, 1]. */
  scores: readonly number[];
  /** One group id per row. */
  index: readonly GroupId[];
  /** Exclusive lower bound on a group's mean score, default 0.01. */
  low?: number;
  /** Exclusive upper bound on a group's mean score, default 0.99. */
  high?: number;
}

/** Output of {@link filterGroups}. */
export interface FilterGroupsResult {
  /** Row indices to keep, ascending. */
  keptRows: number[];
  /** Ids of the kept groups, in order of first appearance. */
  keptGroups: GroupId[];
  /** Ids of the dropped groups, in order of first appearance. */
  droppedGroups: GroupId[];
  /** `keptRows.length`. */
  keptRowCount: number;
  /** Rows removed. */
  droppedRowCount: number;
}

/**
 * DAPO dynamic sampling (EasyR1 `online_filtering`): keeps the rows of groups whose mean score lies
 * strictly inside (low, high), dropping groups that every response solved or every one failed
 * (they carry no GRPO signal). Unlike EasyR1 it does not throw when nothing is kept.
 */
export function filterGroups(input: FilterGroupsInput): FilterGroupsResult {
  const rows = checkVector('scores', input.scores);
  checkIndex('index', input.index, rows);
  const low = checkNumber('low', input.low ?? 0.01);
  const high = checkNumber('high', input.high ?? 0.99);
  if (!(low < high)) {
    throw new GrpoInputError('BAD_OPTION', 'low', `is ${low}, expected below high (${high})`);
  }
  const members = new Map<GroupId, number[]>();
  input.index.forEach((id, i) => {
    const list = members.get(id);
    if (list) list.push(i);
    else members.set(id, [i]);
  });
  const keep = new Array<boolean>(rows).fill(false);
  const keptGroups: GroupId[] = [];
  const droppedGroups: GroupId[] = [];
  for (const [id, list] of members) {
    // Sorted summation keeps the mean independent of row order.
    const values = list.map((i) => input.scores[i]).sort((a, b) => a - b);
    let sum = 0;
    for (const v of values) sum += v;
    const mean = sum / values.length;
    if (low < mean && mean < high) {
      keptGroups.push(id);
      for (const i of list) keep[i] = true;
    } else droppedGroups.push(id);
  }
  const keptRows: number[] = [];
  keep.forEach((k, i) => {
    if (k) keptRows.push(i);
  });
  return {
    keptRows,
    keptGroups,
    droppedGroups,
    keptRowCount: keptRows.length,
    droppedRowCount: rows - keptRows.length,
  };
}
