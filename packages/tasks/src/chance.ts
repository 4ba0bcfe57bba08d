import type { TaskEntry } from '@spatial-ssrl/spec';
import type { TaskRegistry } from './registry.js';
import { taskChance } from './task.js';

/** Chance level of one task over a set of evaluated items. */
export interface TaskChance {
  /** Mean over the items of the chance of each item's variant, 0-1. */
  readonly chance: number;
  /** Variant → [items, chance of that variant (0-1)], variants sorted. */
  readonly variants: Readonly<Record<string, readonly [number, number]>>;
}

/**
 * Chance accuracy per task for evaluated items (`task` and `variant` of each), from the chance
 * each task declares (`taskChance`) under the params a dataset recorded (`dataset.json`
 * `config.tasks`). Tasks the registry does not know, or with an item whose variant is missing or
 * unknown, get no entry; keys are sorted.
 */
export function chanceByTask(
  registry: Pick<TaskRegistry, 'has' | 'get'>,
  tasks: readonly TaskEntry[],
  items: readonly { readonly task: string; readonly variant?: string }[],
): Record<string, TaskChance> {
  const byVariant = new Map<string, Map<string, number>>();
  for (const entry of tasks) {
    if (!registry.has(entry.id)) continue;
    const task = registry.get(entry.id);
    const params = task.params.parse(entry.params);
    byVariant.set(entry.id, new Map(task.variants(params).map((v: string) => [v, taskChance(task, params, v)])));
  }
  const counts = new Map<string, Map<string, number>>();
  const unknown = new Set<string>();
  for (const it of items) {
    const chance = it.variant === undefined ? undefined : byVariant.get(it.task)?.get(it.variant);
    if (chance === undefined) {
      unknown.add(it.task);
      continue;
    }
    const perVariant = counts.get(it.task) ?? counts.set(it.task, new Map()).get(it.task)!;
    perVariant.set(it.variant!, (perVariant.get(it.variant!) ?? 0) + 1);
  }
  const out: Record<string, TaskChance> = {};
  for (const task of [...counts.keys()].sort()) {
    if (unknown.has(task)) continue;
    const table = byVariant.get(task)!;
    const entries = [...counts.get(task)!].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    let n = 0;
    let sum = 0;
    for (const [v, k] of entries) {
      n += k;
      sum += k * table.get(v)!;
    }
    out[task] = { chance: sum / n, variants: Object.fromEntries(entries.map(([v, k]) => [v, [k, table.get(v)!] as const])) };
  }
  return out;
}
