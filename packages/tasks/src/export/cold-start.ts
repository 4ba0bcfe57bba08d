import { createRng, deriveSeed } from '@spatial-ssrl/spec';

/**
 * Picks a task-balanced subset of `size` rows: each task gets an equal share (the remainder
 * going to tasks in first-seen order); a task with too few rows gives all it has and the rest is
 * shared among the others. Rows within a task are drawn by a seeded shuffle. Returns the chosen
 * positions in ascending order (the dataset's own order).
 */
export function balancedSubset(rowsByTask: ReadonlyMap<string, readonly number[]>, size: number, seed: number): number[] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`subset size must be an integer >= 1, got ${size}`);
  const tasks = [...rowsByTask.keys()];
  const quota = new Map(tasks.map((task) => [task, 0]));
  let left = Math.min(size, tasks.reduce((n, task) => n + rowsByTask.get(task)!.length, 0));
  // Deal one row at a time to the tasks that still have rows, round-robin.
  while (left > 0) {
    let dealt = false;
    for (const task of tasks) {
      if (left === 0) break;
      if (quota.get(task)! < rowsByTask.get(task)!.length) {
        quota.set(task, quota.get(task)! + 1);
        left--;
        dealt = true;
      }
    }
    if (!dealt) break;
  }
  const chosen: number[] = [];
  for (const task of tasks) {
    const rows = rowsByTask.get(task)!;
    const n = quota.get(task)!;
    if (n === 0) continue;
    const order = createRng(deriveSeed(seed >>> 0, 'cold-start', task)).shuffle(rows.map((_, i) => i));
    for (let i = 0; i < n; i++) chosen.push(rows[order[i]]);
  }
  return chosen.sort((a, b) => a - b);
}
